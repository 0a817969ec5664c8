"""Configuration of the notification channels and the Zalo OA, from the environment.

Read at each use (cheap), so the test client's and the local stack's stage variables apply.
Secrets come from variables on the local stage only; elsewhere from Secrets Manager (through
chalicelib/integrations/secrets.py), whatever variables are set:

NOTIFY_CHANNELS_MODE       `fake` (write to the dev message log; the local stage default) or `real`
NOTIFY_FALLBACK            order tried after a permanent failure, default `zalo,sms,email`
ZALO_APP_ID, ZALO_OA_SECRET, ZALO_APP_SECRET
                           app id, OA secret key (webhook signature), app secret (token
                           refresh), local stage; else the SECRET_ZALO secret {app_id,
                           oa_secret_key, app_secret} (infra/base.json creates it)
SECRET_ZALO_TOKENS         the secret holding the OA token pair, rotated by the worker
ZALO_ZNS_TEMPLATES         JSON {"<template>": "<ZNS template id>", "*": "<default id>"}
ZALO_ZNS_DEVELOPMENT       `1`: ZNS in development mode (delivered to the OA's admins only)
ZALO_WEBHOOK_MAX_AGE_SECONDS  webhook timestamps further from now are replays (default 300)
ESMS_API_KEY, ESMS_SECRET_KEY, ESMS_BRANDNAME, ESMS_SANDBOX
                           eSMS.vn, local stage; else the SECRET_SMS secret {api_key,
                           secret_key, brandname} (infra/base.json creates it)
SMS_CALLBACK_TOKEN         the secret in the eSMS delivery-callback URL, local stage; else
                           `sms_callback_token` of the app secret (SECRET_APP)
SES_SENDER, SES_CONFIGURATION_SET  the verified SES sender and its configuration set
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field

from chalicelib.config import get_settings
from chalicelib.domain.notifications import parse_order
from chalicelib.integrations import secrets


@dataclass(frozen=True)
class ZaloApp:
    app_id: str
    oa_secret: str = field(repr=False)
    app_secret: str = field(default="", repr=False)


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name) or default


def mode() -> str:
    default = "fake" if _local() else "real"
    return _env("NOTIFY_CHANNELS_MODE", default).lower()


def fallback() -> tuple[str, ...]:
    return parse_order(_env("NOTIFY_FALLBACK", "zalo,sms,email"))


def webhook_max_age_seconds() -> int:
    return int(_env("ZALO_WEBHOOK_MAX_AGE_SECONDS", "300"))


def zalo_app() -> ZaloApp:
    """The app's id and secrets (raises LookupError when not configured)."""
    if _local() and _env("ZALO_APP_ID") and _env("ZALO_OA_SECRET"):
        return ZaloApp(_env("ZALO_APP_ID"), _env("ZALO_OA_SECRET"), _env("ZALO_APP_SECRET"))
    data = secrets.secret_json(_env("SECRET_ZALO"))
    app = ZaloApp(
        str(data.get("app_id", "")),
        str(data.get("oa_secret_key", "")),
        str(data.get("app_secret", "")),
    )
    if not app.app_id or not app.oa_secret or app.app_id == "CHANGE_ME":
        raise LookupError("Zalo app not configured (ZALO_* or SECRET_ZALO)")
    return app


def zns_templates() -> dict[str, str]:
    raw = _env("ZALO_ZNS_TEMPLATES", "{}")
    return {str(k): str(v) for k, v in json.loads(raw).items()}


def zns_development() -> bool:
    return _env("ZALO_ZNS_DEVELOPMENT") in ("1", "true")


def zalo_tokens_secret() -> str:
    return _env("SECRET_ZALO_TOKENS")


def esms() -> dict[str, str]:
    if _local() and _env("ESMS_API_KEY"):
        values = {
            "api_key": _env("ESMS_API_KEY"),
            "secret_key": _env("ESMS_SECRET_KEY"),
            "brandname": _env("ESMS_BRANDNAME"),
        }
    else:
        data = secrets.secret_json(_env("SECRET_SMS"))
        values = {k: str(data.get(k, "")) for k in ("api_key", "secret_key", "brandname")}
    if not all(values.values()) or secrets.PLACEHOLDER in values.values():
        raise LookupError("eSMS not configured (ESMS_* or SECRET_SMS)")
    return values | {"sandbox": _env("ESMS_SANDBOX")}


def sms_callback_token() -> str:
    return secrets.app_secrets().sms_callback_token


def ses() -> tuple[str, str]:
    return _env("SES_SENDER"), _env("SES_CONFIGURATION_SET")


def _local() -> bool:
    return get_settings().is_local
