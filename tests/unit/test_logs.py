"""Logging set-up: the stage's LOG_LEVEL decides what is written (WARNING in production)."""

import json
import logging
from pathlib import Path

import pytest

from chalicelib import logs

CHALICE_CONFIG = Path(__file__).resolve().parents[2] / ".chalice" / "config.json"


@pytest.fixture
def root_level():
    root = logging.getLogger()
    before = root.level
    yield root
    root.setLevel(before)


def test_the_production_stage_logs_warnings_and_above_only(monkeypatch, root_level):
    import app  # noqa: F401 - the application as deployed, with the loggers it sets up

    stages = json.loads(CHALICE_CONFIG.read_text())["stages"]
    monkeypatch.setenv("LOG_LEVEL", stages["prod"]["environment_variables"]["LOG_LEVEL"])

    logs.configure()

    assert root_level.level == logging.WARNING
    assert not logging.getLogger("dvc.access").isEnabledFor(logging.INFO)
    assert logging.getLogger("dvc.access").isEnabledFor(logging.WARNING)


def test_the_access_log_is_written_at_the_stage_level(monkeypatch, root_level):
    import app  # noqa: F401

    monkeypatch.setenv("LOG_LEVEL", "INFO")
    logs.configure()

    assert logging.getLogger("dvc.access").isEnabledFor(logging.INFO)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("debug", logging.DEBUG),
        ("ERROR", logging.ERROR),
        ("", logging.INFO),
        ("LOUD", logging.INFO),
    ],
)
def test_the_level_is_read_from_the_environment_with_info_as_the_fallback(
    monkeypatch, root_level, value, expected
):
    monkeypatch.setenv("LOG_LEVEL", value)

    logs.configure()

    assert root_level.level == expected


def test_an_explicit_level_wins_over_the_environment(monkeypatch, root_level):
    monkeypatch.setenv("LOG_LEVEL", "WARNING")

    logs.configure("DEBUG")

    assert root_level.level == logging.DEBUG
