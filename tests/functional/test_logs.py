"""Structured logs carry a request id and never personal data."""

import json
import logging
import subprocess
import sys
import textwrap
from pathlib import Path

from chalicelib.logs import JsonFormatter
from tests.factories import call, submit, token
from tests.log_guard import leaks_in


def test_a_whole_flow_logs_no_phone_id_number_or_token(client, caplog):
    caplog.set_level(logging.DEBUG)
    citizen = token(client)
    body, created = submit(client, token_=citizen)
    call(client, "GET", f"/v1/dossiers/{created['code']}?phone={body['applicant']['phone']}")
    call(client, "GET", f"/v1/dossiers/{created['code']}?phone=0999999999")
    call(client, "GET", "/v1/me/dossiers", token=citizen)
    call(client, "POST", "/v1/dossiers", {**body, "form": {}})

    formatter = JsonFormatter()
    lines = [formatter.format(r) for r in caplog.records]

    assert lines
    assert [line for line in lines if leaks_in(line)] == []


ROOT = Path(__file__).resolve().parents[2]
PLANTED = """
import logging

from tests.personal_data import random_phone


def test_logs_the_applicants_phone_by_mistake():
    phone = random_phone()
    logging.getLogger("chalicelib.planted").warning("sms queued", extra={"recipient": phone})
"""


def test_the_suite_wide_guard_fails_a_session_that_logs_a_typed_phone(tmp_path):
    """A deliberate leak, through the real session fixture, in a pytest run of its own."""
    (tmp_path / "conftest.py").write_text(
        "from tests.log_guard import personal_data_guard, personal_data_guard_attached  # noqa\n"
    )
    (tmp_path / "test_planted.py").write_text(textwrap.dedent(PLANTED))

    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:xdist",
            "-q",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )

    assert run.returncode != 0
    assert "personal data in log lines" in run.stdout
    assert "test_logs_the_applicants_phone_by_mistake" in run.stdout


def test_access_log_lines_carry_the_request_id_and_route_template(client, caplog):
    caplog.set_level(logging.INFO, logger="dvc.access")

    client.http.get("/v1/procedures/1.001193")

    entry = json.loads(JsonFormatter().format(caplog.records[-1]))
    assert entry["route"] == "/v1/procedures/{code}" and entry["status"] == 200
    assert entry["request_id"] != "-"
