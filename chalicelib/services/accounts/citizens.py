"""Citizens sign in at their identity provider (OpenID Connect, authorization code + PKCE).

`start` remembers a pending sign-in under a fresh `state` (with the PKCE verifier, the nonce
and where to go afterwards) and answers the provider's authorization URL; the browser also gets
the state in a short-lived cookie, so that a callback started in another browser (login CSRF)
is refused. `finish` takes the pending sign-in once, exchanges the code, verifies the ID token
and opens a session whose profile (name, ID number, birth date, phone, address) prefills forms.
"""

from __future__ import annotations

import hmac
import logging
import secrets
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from chalicelib.config import get_settings
from chalicelib.domain.errors import Unauthenticated
from chalicelib.domain.paths import SIGNIN_CALLBACK_PATH as CALLBACK_PATH
from chalicelib.domain.principal import CITIZEN, Principal
from chalicelib.integrations.oidc import OidcClient, OidcConfig, OidcError
from chalicelib.integrations.secrets import app_secrets
from chalicelib.persistence import session_store
from chalicelib.services.accounts import sessions

if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)
SIGNIN_COOKIE = "dvc_signin"
SIGNIN_SECONDS = 600
DEFAULT_NEXT = "/ho-so-cua-toi"
# The httpx transport to the provider; None is the network. The tests put the local provider here.
TRANSPORT: httpx.BaseTransport | None = None


class SignInFailed(Unauthenticated):
    """A sign-in that cannot finish; the message tells the citizen what to do."""


@dataclass(frozen=True)
class Started:
    url: str
    state: str


def enabled() -> bool:
    settings = get_settings()
    return bool(settings.oidc_issuer and settings.oidc_client_id)


@lru_cache(maxsize=4)
def _client(config: OidcConfig, transport) -> OidcClient:
    return OidcClient(config, transport)


def client(base_url: str) -> OidcClient:
    settings = get_settings()
    config = OidcConfig(
        issuer=settings.oidc_issuer,
        client_id=settings.oidc_client_id,
        client_secret=app_secrets().oidc_client_secret,
        scopes=settings.oidc_scopes,
        redirect_uri=f"{base_url}{CALLBACK_PATH}",
    )
    return _client(config, TRANSPORT)


def safe_next(value: str | None) -> str:
    """Only a path on this site (never `//host` or a URL) may follow a sign-in."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value[:500]
    return DEFAULT_NEXT


def start(base_url: str, next_path: str | None, now: int | None = None) -> Started:
    now = int(time.time()) if now is None else now
    state, nonce, verifier = (secrets.token_urlsafe(32) for _ in range(3))
    try:
        url = client(base_url).authorization_url(state, nonce, verifier)
    except OidcError as exc:
        log.warning("citizen sign-in unavailable", extra={"reason": exc.reason})
        raise SignInFailed(
            "Chưa kết nối được với hệ thống định danh điện tử. Vui lòng thử lại sau ít phút."
        ) from None
    session_store.put_sign_in(
        state,
        {"nonce": nonce, "verifier": verifier, "next": safe_next(next_path), "at": now},
        now + SIGNIN_SECONDS,
    )
    return Started(url=url, state=state)


def finish(
    base_url: str,
    query: dict[str, str],
    browser_state: str | None,
    now: int | None = None,
) -> tuple[sessions.Session, str]:
    """The new session and the path to go to; SignInFailed for every bad answer."""
    now = int(time.time()) if now is None else now
    state = query.get("state") or ""
    if not state or not browser_state or not hmac.compare_digest(state, browser_state):
        raise _failed("state_mismatch")
    pending = session_store.take_sign_in(state)
    if pending is None or now >= pending["ttl"]:
        raise _failed("state_unknown_or_expired")
    if query.get("error"):
        raise SignInFailed("Bạn chưa hoàn tất đăng nhập ở hệ thống định danh điện tử.")
    if not query.get("code"):
        raise _failed("no_code")
    oidc = client(base_url)
    try:
        token = oidc.exchange(query["code"], pending["verifier"])
        claims = oidc.verify_id_token(
            token["id_token"], pending["nonce"], token.get("access_token")
        )
    except OidcError as exc:
        raise _failed(exc.reason) from None
    principal = Principal(subject=str(claims["sub"]), role=CITIZEN, name=claims.get("name"))
    session = sessions.open_session(principal, profile=profile(claims), now=now)
    return session, pending["next"]


def profile(claims: dict) -> dict:
    """What forms are prefilled with: the identity claims under the portal's names."""
    address = claims.get("address")
    if isinstance(address, dict):
        address = address.get("formatted")
    found = {
        "full_name": claims.get("name"),
        "id_number": claims.get("id_number"),
        "birth_date": claims.get("birthdate"),
        "phone": _local_phone(claims.get("phone_number")),
        "address": address,
    }
    return {k: str(v) for k, v in found.items() if v}


def _local_phone(value: str | None) -> str | None:
    if value and value.startswith("+84"):
        return "0" + value[3:]
    return value


def _failed(reason: str) -> SignInFailed:
    log.warning("citizen sign-in refused", extra={"reason": reason})
    return SignInFailed(
        "Đăng nhập không thành công hoặc đã hết hạn. Vui lòng đăng nhập lại từ đầu."
    )


def principal_from_token(token: str) -> Principal:
    """A citizen's bearer token: an ID token of the provider for this portal (no nonce: it was
    not asked for in this request)."""
    try:
        claims = client(get_settings().public_base_url).verify_id_token(token, nonce="")
    except OidcError:
        raise Unauthenticated("Mã xác thực không hợp lệ.") from None
    return Principal(subject=str(claims["sub"]), role=CITIZEN, name=claims.get("name"))
