"""Local-stage conveniences do not exist on any other stage."""

import pytest

from tests.factories import app_secret, call


@pytest.fixture
def stage_dev(monkeypatch):
    from chalicelib.config import get_settings, reset_settings
    from chalicelib.integrations import secrets

    monkeypatch.setenv("STAGE", "dev")
    monkeypatch.setenv("AUTH_MODE", "jwks")
    monkeypatch.setenv("SECRET_APP", app_secret())
    reset_settings()
    secrets.reset()
    get_settings()
    yield
    monkeypatch.undo()
    reset_settings()
    secrets.reset()
    get_settings()


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/dev/token", {"role": "citizen"}),
        ("GET", "/dev/messages", None),
        ("GET", "/dev/national-portal/dossiers/000.00.51.H06-250101-0001", None),
        ("POST", "/dev/national-portal/dossiers/000.00.51.H06-250101-0001/statuses", {}),
        ("PUT", "/dev/national-portal/faults", {"mode": "unavailable"}),
    ],
)
def test_dev_routes_are_refused_outside_the_local_stage(client, stage_dev, method, path, body):
    status, answer = call(client, method, path, body)

    assert status == 404 and answer["error"]["code"] == "NOT_FOUND"


def test_a_locally_signed_token_is_refused_when_keys_come_from_jwks(client, monkeypatch):
    from chalicelib.config import get_settings, reset_settings
    from tests.factories import token

    local_token = token(client)
    monkeypatch.setenv("AUTH_MODE", "jwks")
    monkeypatch.setenv("JWKS_URL", "http://127.0.0.1:9/jwks.json")
    reset_settings()
    get_settings()
    try:
        status, answer = call(client, "GET", "/v1/me/dossiers", token=local_token)
    finally:
        monkeypatch.undo()
        reset_settings()
        get_settings()

    assert status == 401 and answer["error"]["code"] == "UNAUTHENTICATED"
