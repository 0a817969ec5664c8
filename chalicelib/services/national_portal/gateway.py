"""The national portal adapter, built from configuration.

`NATIONAL_PORTAL_URL`, `NATIONAL_PORTAL_CLIENT_ID` and `NATIONAL_PORTAL_CLIENT_SECRET` when
the credentials are set on the local stage; otherwise (and always on other stages) the Secrets
Manager secret named by `SECRET_NATIONAL_PORTAL` (`{"url", "client_id", "client_secret"}`,
created by infra/base.json), read through chalicelib/integrations/secrets.py again every few
minutes so that rotated credentials need no redeploy. On the local stage the
URL defaults to the stand-in the app serves itself (`/dev/national-portal`). Missing
configuration is a temporary error: the records wait (queue, DLQ, reconciliation) until it is
fixed, none is given up.
"""

from __future__ import annotations

import os
from functools import lru_cache

from chalicelib.config import get_settings
from chalicelib.domain.paths import NATIONAL_STANDIN_PATH as STANDIN_PATH
from chalicelib.integrations import secrets
from chalicelib.integrations.national_portal import (
    HttpNationalPortal,
    NationalPortal,
    NationalPortalConfig,
    NationalPortalTemporaryError,
)

TIMEOUT_SECONDS, CONNECT_SECONDS = 10.0, 3.0


def portal() -> NationalPortal:
    return _adapter(config())


def config() -> NationalPortalConfig:
    env = os.environ
    client_id, secret = (
        env.get("NATIONAL_PORTAL_CLIENT_ID"),
        env.get("NATIONAL_PORTAL_CLIENT_SECRET"),
    )
    url = env.get("NATIONAL_PORTAL_URL", "")
    if client_id and secret and get_settings().is_local:
        return NationalPortalConfig(url or _standin_url(), client_id, secret)
    if env.get("SECRET_NATIONAL_PORTAL"):
        return _from_secret(env["SECRET_NATIONAL_PORTAL"], url)
    raise NationalPortalTemporaryError(
        "national portal not configured (NATIONAL_PORTAL_* or SECRET_NATIONAL_PORTAL)"
    )


def _standin_url() -> str:
    settings = get_settings()
    if not settings.is_local:
        raise NationalPortalTemporaryError("NATIONAL_PORTAL_URL is not set")
    return f"{settings.public_base_url}{STANDIN_PATH}"


def _from_secret(secret_id: str, url: str) -> NationalPortalConfig:
    data = secrets.secret_json(secret_id)
    found = NationalPortalConfig(
        url or str(data.get("url", "")),
        str(data.get("client_id", "")),
        str(data.get("client_secret", "")),
    )
    if secrets.PLACEHOLDER in (found.url, found.client_id) or not all(vars(found).values()):
        raise NationalPortalTemporaryError("the national portal secret holds placeholders")
    return found


@lru_cache(maxsize=4)
def _adapter(found: NationalPortalConfig) -> HttpNationalPortal:
    """One adapter (and one pooled HTTP client) per configuration."""
    import httpx  # only the sync worker calls out (cold start of the API handler)

    timeout = httpx.Timeout(TIMEOUT_SECONDS, connect=CONNECT_SECONDS)
    return HttpNationalPortal(found, httpx.Client(timeout=timeout))
