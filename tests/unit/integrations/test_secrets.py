"""The secrets reader: what a cloud stage accepts as its app secret, and how long it trusts it."""

import pytest

from chalicelib.domain.errors import SecretsNotConfigured
from chalicelib.integrations import secrets

REAL = {"secret_key": "k" * 40, "open311_api_keys": ["a", " b "], "sms_callback_token": "t"}


@pytest.fixture
def cloud(monkeypatch):
    """A prod stage whose Secrets Manager is the dict `store` (a value or an exception)."""
    from chalicelib.config import reset_settings

    store = {"calls": 0}

    def fetch(secret_id):
        store["calls"] += 1
        value = store[secret_id]
        if isinstance(value, Exception):
            raise value
        return value

    monkeypatch.setenv("STAGE", "prod")
    monkeypatch.setenv("SECRET_APP", "dvc/prod/app")
    monkeypatch.setattr(secrets, "fetch_json", fetch)
    reset_settings()
    secrets.reset()
    yield store
    monkeypatch.undo()
    reset_settings()
    secrets.reset()


def age(name: str, seconds: float) -> None:
    """Make the cached answer for `name` older by `seconds`."""
    read_at, found = secrets._app[name]
    secrets._app[name] = (read_at - seconds, found)


def test_a_real_secret_is_read_once_per_cache_period(cloud):
    cloud["dvc/prod/app"] = REAL

    first, again = secrets.app_secrets(), secrets.app_secrets()

    assert first is again and cloud["calls"] == 1
    assert first.open311_api_keys == ("a", "b") and first.sms_callback_token == "t"
    assert "k" * 40 not in repr(first)


@pytest.mark.parametrize(
    "value",
    [
        {"secret_key": secrets.DEVELOPMENT_SECRET_KEY},
        {"secret_key": "x" * 31},
        {**REAL, "carrier_token": "dvc-local-carrier"},
        {**REAL, "oidc_client_secret": "CHANGE_ME"},
        ["not", "an", "object"],
    ],
)
def test_development_short_or_malformed_values_are_refused(cloud, value):
    cloud["dvc/prod/app"] = value

    with pytest.raises(SecretsNotConfigured):
        secrets.app_secrets()


def test_a_refusal_is_remembered_briefly_so_a_flood_costs_one_read(cloud):
    cloud["dvc/prod/app"] = {"secret_key": "short"}
    for _ in range(3):
        with pytest.raises(SecretsNotConfigured):
            secrets.app_secrets()
    assert cloud["calls"] == 1

    cloud["dvc/prod/app"] = REAL
    age("dvc/prod/app", secrets.REFUSAL_CACHE_SECONDS + 1)

    assert secrets.app_secrets().secret_key == REAL["secret_key"]


def test_a_failed_refresh_keeps_the_secret_read_before(cloud):
    cloud["dvc/prod/app"] = REAL
    secrets.app_secrets()
    cloud["dvc/prod/app"] = TimeoutError("Secrets Manager did not answer")
    age("dvc/prod/app", secrets.CACHE_SECONDS + 1)

    assert secrets.app_secrets().secret_key == REAL["secret_key"]
    assert cloud["calls"] == 2


def test_without_a_secret_name_nothing_is_read_and_everything_refused(cloud, monkeypatch):
    from chalicelib.config import reset_settings

    monkeypatch.delenv("SECRET_APP")
    monkeypatch.setenv("SECRET_KEY", "a-variable-is-never-read-outside-the-local-stage")
    reset_settings()

    with pytest.raises(SecretsNotConfigured):
        secrets.app_secrets()
    assert cloud["calls"] == 0


def test_the_local_stage_reads_its_variables(monkeypatch):
    from chalicelib.config import reset_settings

    monkeypatch.setenv("STAGE", "local")
    monkeypatch.setenv("OPEN311_API_KEYS", "one, two")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    reset_settings()
    try:
        found = secrets.app_secrets()
    finally:
        monkeypatch.undo()
        reset_settings()

    assert found.secret_key == secrets.DEVELOPMENT_SECRET_KEY
    assert found.open311_api_keys == ("one", "two")
