"""The one reader of secrets: Secrets Manager in the cloud, variables on the local stage only.

Outside the local stage every secret comes from AWS Secrets Manager and never from a variable
(a `SECRET_KEY` set on a dev or prod function is ignored). The portal's own secrets are one JSON
secret per stage, `<app>/<stage>/app`, named by `SECRET_APP` (infra/base.json creates it with a
generated `secret_key`; the deploy guide, infra/DEPLOY.md, shows how an operator fills in the rest):

    {"secret_key": "<at least 32 random characters: receipt links, page tokens>",
     "sms_callback_token": "<the secret in eSMS's delivery-callback URL>",
     "open311_api_keys": ["<one key per Open311 client>"],
     "oidc_client_secret": "<the portal's client secret at the citizens' OpenID provider>",
     "carrier_token": "<the postal carrier's API token>"}

The integrations keep their own secrets (SECRET_VNPAY, SECRET_ZALO, SECRET_SMS,
SECRET_NATIONAL_PORTAL, the signing keys) and read them through `secret_json` / `fetch_json`.
On the local stage the same values come from SECRET_KEY, SMS_CALLBACK_TOKEN, OPEN311_API_KEYS,
OIDC_CLIENT_SECRET and CARRIER_TOKEN, with development defaults.

Why the app refuses per request and not at start-up: an exception while a Lambda container
imports the app fails its init phase, API Gateway answers a bare 502 with no body, Lambda tries
the init again on every following request, and the only trace is a stack dump. Instead the HTTP
middleware (chalicelib/entrypoints/middleware.py) asks for the app secret before each request:
the answer is cached for `CACHE_SECONDS` (a refusal for `REFUSAL_CACHE_SECONDS`, so a flood does
not become a flood of Secrets Manager calls or ERROR lines), a missing or development value is
answered `503 SECRETS_NOT_CONFIGURED` with a Vietnamese message and logged at ERROR once per
refusal period (the reason and the secret's name, never its value), and a secret put right
afterwards is picked up by warm containers within minutes, with no redeploy. Workers ask at
their first use of a value.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from dataclasses import dataclass, field

from chalicelib.config import get_settings
from chalicelib.domain.errors import SecretsNotConfigured
from chalicelib.integrations.aws import client

CACHE_SECONDS = 300
REFUSAL_CACHE_SECONDS = 30
MIN_SECRET_KEY_LENGTH = 32
DEVELOPMENT_SECRET_KEY = "dvc-local-development-secret-not-for-production"  # noqa: S105
PLACEHOLDER = "CHANGE_ME"
UNREADABLE = "unreadable"

log = logging.getLogger("dvc.secrets")
_lock = threading.Lock()
_cache: dict[str, tuple[float, dict]] = {}
_app: dict[str, tuple[float, AppSecrets | str]] = {}  # the secrets, or why they were refused


@dataclass(frozen=True)
class AppSecrets:
    secret_key: str = field(repr=False)
    sms_callback_token: str = field(default="", repr=False)
    open311_api_keys: tuple[str, ...] = field(default=(), repr=False)
    oidc_client_secret: str = field(default="", repr=False)
    carrier_token: str = field(default="", repr=False)


def is_development_value(value: str) -> bool:
    """A value published in this repository (the local stage's) or a template placeholder."""
    return value == PLACEHOLDER or value.startswith("dvc-local") or "not-for-production" in value


def fetch_json(secret_id: str) -> dict:
    """A JSON secret as Secrets Manager holds it now (no cache)."""
    raw = client("secretsmanager").get_secret_value(SecretId=secret_id)["SecretString"]
    return json.loads(raw)


def put_json(secret_id: str, value: dict) -> None:
    client("secretsmanager").put_secret_value(SecretId=secret_id, SecretString=json.dumps(value))


def secret_json(secret_id: str) -> dict:
    """A JSON secret, read again every `CACHE_SECONDS` so a rotation needs no redeploy ({} if no
    id). Errors of Secrets Manager (missing secret, no access) reach the caller."""
    if not secret_id:
        return {}
    with _lock:
        cached = _cache.get(secret_id)
        if cached and time.monotonic() - cached[0] < CACHE_SECONDS:
            return cached[1]
    data = fetch_json(secret_id)
    with _lock:
        _cache[secret_id] = (time.monotonic(), data)
    return data


def app_secrets() -> AppSecrets:
    """The portal's own secrets, or `SecretsNotConfigured` (503) outside the local stage when the
    app secret is missing, unreadable or still holds a development value."""
    settings = get_settings()
    if settings.is_local:
        return _from_variables()
    name = settings.secret_app
    with _lock:
        cached = _app.get(name)
    if cached and time.monotonic() - cached[0] < _ttl(cached[1]):
        found = cached[1]
    else:
        found = _load(name)
        if isinstance(found, str) and found.startswith(UNREADABLE):
            found = _keep_serving(cached, found)
        with _lock:
            _app[name] = (time.monotonic(), found)
        if isinstance(found, str):
            log.error("app secret refused", extra={"secret": _short(name), "reason": found})
    if isinstance(found, str):
        raise SecretsNotConfigured()
    return found


def reset() -> None:
    """Forget every cached secret (tests)."""
    with _lock:
        _cache.clear()
        _app.clear()


def _keep_serving(cached: tuple[float, AppSecrets | str] | None, reason: str) -> AppSecrets | str:
    """A secret read before outlives a failed refresh (throttling, a network fault): a good key
    does not become wrong because Secrets Manager did not answer once."""
    if cached and isinstance(cached[1], AppSecrets):
        log.warning("app secret not refreshed, keeping the one read before", extra={"why": reason})
        return cached[1]
    return reason


def _short(name: str) -> str:
    """The secret's name without the ARN's account and region (a 12-digit account id reads like
    a citizen ID number to the log checks)."""
    return name.split(":secret:", 1)[-1] or "-"


def _ttl(found: AppSecrets | str) -> float:
    return REFUSAL_CACHE_SECONDS if isinstance(found, str) else CACHE_SECONDS


def _from_variables() -> AppSecrets:
    env = os.environ
    return AppSecrets(
        secret_key=env.get("SECRET_KEY") or DEVELOPMENT_SECRET_KEY,
        sms_callback_token=env.get("SMS_CALLBACK_TOKEN", ""),
        open311_api_keys=_keys(env.get("OPEN311_API_KEYS", "")),
        oidc_client_secret=env.get("OIDC_CLIENT_SECRET", ""),
        carrier_token=env.get("CARRIER_TOKEN") or "dvc-local-carrier",
    )


def _load(name: str) -> AppSecrets | str:
    """The app secret, or why it is refused (never containing a value)."""
    if not name:
        return "SECRET_APP is not set"
    try:
        data = fetch_json(name)
    except Exception as exc:  # any failure to read it means the same: do not serve
        return f"{UNREADABLE}: {type(exc).__name__}"
    if not isinstance(data, dict):
        return "not a JSON object"
    found = AppSecrets(
        secret_key=str(data.get("secret_key") or ""),
        sms_callback_token=str(data.get("sms_callback_token") or ""),
        open311_api_keys=_keys(data.get("open311_api_keys") or ()),
        oidc_client_secret=str(data.get("oidc_client_secret") or ""),
        carrier_token=str(data.get("carrier_token") or ""),
    )
    if len(found.secret_key) < MIN_SECRET_KEY_LENGTH:
        return f"secret_key missing or under {MIN_SECRET_KEY_LENGTH} chars"
    values = {
        "secret_key": [found.secret_key],
        "sms_callback_token": [found.sms_callback_token],
        "open311_api_keys": list(found.open311_api_keys),
        "oidc_client_secret": [found.oidc_client_secret],
        "carrier_token": [found.carrier_token],
    }
    for key, items in values.items():
        if any(is_development_value(item) for item in items):
            return f"{key} holds a development value"
    return found


def _keys(value: str | list | tuple) -> tuple[str, ...]:
    items = value.split(",") if isinstance(value, str) else value
    return tuple(str(k).strip() for k in items if str(k).strip())
