"""Outside the local stage the portal signs with its own secret from Secrets Manager, or serves
nothing (issue 15 #1): the development secret is public, so a receipt link computed with it would
open any dossier's receipt (the applicant's name and procedure) once its code is guessed."""

import hashlib
import hmac
import json
import logging
import secrets as random

import pytest

from tests.factories import app_secret as put_secret
from tests.factories import call, submit

DEVELOPMENT_KEY = "dvc-local-development-secret-not-for-production"
REAL_KEY = random.token_urlsafe(48)


@pytest.fixture
def cloud(monkeypatch):
    """Switch the app to a cloud stage, `SECRET_APP` naming the given secret (or none)."""
    from chalicelib.config import get_settings, reset_settings
    from chalicelib.integrations import secrets

    def apply(stage="prod", secret_app=None, **variables):
        for name, value in {"STAGE": stage, "SECRET_APP": secret_app, **variables}.items():
            monkeypatch.setenv(name, value) if value else monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("AUTH_MODE", "jwks")
        reset_settings()
        secrets.reset()
        get_settings()  # the test client puts the local stage's variables back during requests

    yield apply
    monkeypatch.undo()
    reset_settings()
    secrets.reset()
    get_settings()


def receipt_link(code: str, key: str) -> str:
    token = hmac.new(key.encode(), f"receipt:{code}".encode(), hashlib.sha256).hexdigest()[:32]
    return f"/v1/dossiers/{code}/receipt?t={token}"


@pytest.mark.parametrize(
    "secret",
    [
        {"secret_key": DEVELOPMENT_KEY},
        {"secret_key": "CHANGE_ME"},
        {"secret_key": "too-short-to-be-a-key"},
        {"secret_key": REAL_KEY, "open311_api_keys": ["dvc-local-open311-key"]},
        {"secret_key": REAL_KEY, "sms_callback_token": "CHANGE_ME"},
        {"sms_callback_token": "no-secret-key-at-all"},
        "not json",
    ],
)
def test_outside_local_a_development_or_missing_value_is_refused(client, cloud, caplog, secret):
    cloud(secret_app=put_secret(secret))
    caplog.set_level(logging.INFO)

    status, answer = call(client, "GET", "/v1/procedures")

    assert status == 503
    assert answer["error"]["code"] == "SECRETS_NOT_CONFIGURED"
    assert "cấu hình bảo mật" in answer["error"]["message"]
    refusals = [r for r in caplog.records if r.getMessage() == "app secret refused"]
    assert refusals and all(r.levelno == logging.ERROR for r in refusals)
    logged = " ".join(json.dumps(vars(r), default=str) for r in caplog.records)
    assert DEVELOPMENT_KEY not in logged and REAL_KEY not in logged


def test_outside_local_without_an_app_secret_nothing_is_served(client, cloud):
    cloud(secret_app=None, SECRET_KEY=REAL_KEY)  # a variable is no place for a secret

    status, answer = call(client, "GET", "/health")
    missing = client.http.get("/v1/dossiers/X/receipt?t=x")

    assert (status, answer["error"]["code"]) == (503, "SECRETS_NOT_CONFIGURED")
    assert missing.status_code == 503


def test_an_app_secret_that_cannot_be_read_is_refused(client, cloud):
    cloud(secret_app="arn:aws:secretsmanager:ap-southeast-1:123456789012:secret:dvc/none-AbCdEf")

    status, answer = call(client, "GET", "/v1/procedures")

    assert (status, answer["error"]["code"]) == (503, "SECRETS_NOT_CONFIGURED")


def test_with_a_real_secret_only_links_signed_with_it_open_the_receipt(client, cloud):
    body, created = submit(client)
    code, phone = created["code"], body["applicant"]["phone"]
    cloud(secret_app=put_secret({"secret_key": REAL_KEY}))

    forged = client.http.get(receipt_link(code, DEVELOPMENT_KEY))
    genuine = client.http.get(receipt_link(code, REAL_KEY))
    status, found = call(client, "GET", f"/v1/dossiers/{code}?phone={phone}")

    assert forged.status_code == 404
    assert genuine.status_code == 200 and code in genuine.body.decode()
    assert status == 200 and found["receipt_url"].endswith(receipt_link(code, REAL_KEY))


def test_without_stage_the_app_behaves_as_production(client, cloud, monkeypatch):
    from chalicelib.config import get_settings, reset_settings

    cloud(stage=None, secret_app=None)
    monkeypatch.delenv("AUTH_MODE")
    reset_settings()
    settings = get_settings()
    status, answer = call(client, "GET", "/v1/procedures")

    assert (settings.stage, settings.is_local, settings.auth_mode) == ("prod", False, "jwks")
    assert (status, answer["error"]["code"]) == (503, "SECRETS_NOT_CONFIGURED")


def test_page_tokens_are_signed_with_the_real_secret_and_never_with_the_public_one(cloud):
    from chalicelib.domain.errors import SecretsNotConfigured, ValidationFailed
    from chalicelib.services.shared import paging

    cloud(secret_app=put_secret({"secret_key": DEVELOPMENT_KEY + "-made-longer"}))
    with pytest.raises(SecretsNotConfigured):
        paging.scoped({"o": 20}, "x")
    cloud(secret_app=put_secret({"secret_key": REAL_KEY}))
    issued = paging.scoped({"o": 20}, "x")
    payload = issued.rsplit(".", 1)[0]
    mac = hmac.new(DEVELOPMENT_KEY.encode(), payload.encode(), hashlib.sha256).hexdigest()[:16]
    forged = f"{payload}.{mac}"

    assert paging.decode(issued, "x") == {"o": 20}
    with pytest.raises(ValidationFailed):
        paging.decode(forged, "x")
