"""Browser sessions, kept on the server: the cookie is a random key to a session record, which
holds who is signed in, the CSRF token, idle and absolute expiry, and (officers) the identity
provider's tokens. Nothing in the cookie can be read or forged; tokens never reach the page.

Cookie: HttpOnly, SameSite=Lax, Path=/, Secure on every stage but local (plain-HTTP loopback).
"""

from __future__ import annotations

import hmac
import secrets
import time
from dataclasses import asdict, dataclass, field
from http.cookies import CookieError, SimpleCookie
from typing import Any

from chalicelib.config import get_settings
from chalicelib.domain.principal import Principal
from chalicelib.persistence import session_store

COOKIE = "dvc_session"
TOUCH_SECONDS = 60  # write the idle clock at most once a minute per session


@dataclass
class Session:
    cookie: str
    principal: Principal
    csrf_token: str
    created_at: int
    last_seen: int
    expires_at: int
    profile: dict[str, Any] = field(default_factory=dict)
    tokens: dict[str, Any] = field(default_factory=dict)

    def data(self) -> dict[str, Any]:
        body = asdict(self)
        body.pop("cookie")
        return body


def _from_data(cookie: str, data: dict[str, Any]) -> Session:
    return Session(cookie=cookie, **{**data, "principal": Principal(**data["principal"])})


def open_session(
    principal: Principal,
    profile: dict[str, Any] | None = None,
    tokens: dict[str, Any] | None = None,
    now: int | None = None,
) -> Session:
    now = int(time.time()) if now is None else now
    session = Session(
        cookie=secrets.token_urlsafe(32),
        principal=principal,
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        last_seen=now,
        expires_at=now + get_settings().session_max_seconds,
        profile=profile or {},
        tokens=tokens or {},
    )
    session_store.put_session(session.cookie, session.data(), session.expires_at)
    return session


def save(session: Session) -> None:
    session_store.put_session(session.cookie, session.data(), session.expires_at)


def find(cookie: str | None, now: int | None = None) -> Session | None:
    """The live session behind `cookie`; an expired one (idle or absolute) is deleted."""
    if not cookie or len(cookie) > 200:
        return None
    data = session_store.get_session(cookie)
    if data is None:
        return None
    session = _from_data(cookie, data)
    now = int(time.time()) if now is None else now
    idle = get_settings().session_idle_seconds
    if now >= session.expires_at or now >= session.last_seen + idle:
        session_store.delete_session(cookie)
        return None
    if now - session.last_seen >= TOUCH_SECONDS:
        session.last_seen = now
        save(session)
    return session


def end(cookie: str | None) -> None:
    if cookie:
        session_store.delete_session(cookie)


def csrf_ok(session: Session, supplied: str | None) -> bool:
    return bool(supplied) and hmac.compare_digest(session.csrf_token, supplied)


def read_cookie(headers: dict | None, name: str = COOKIE) -> str | None:
    raw = (headers or {}).get("cookie")
    if not raw:
        return None
    jar = SimpleCookie()
    try:
        jar.load(raw)
    except CookieError:
        return None
    morsel = jar.get(name)
    return morsel.value if morsel else None


def set_cookie(name: str, value: str, max_age: int, path: str = "/") -> str:
    parts = [f"{name}={value}", f"Path={path}", f"Max-Age={max_age}", "HttpOnly", "SameSite=Lax"]
    if not get_settings().is_local:
        parts.append("Secure")
    return "; ".join(parts)


def session_cookie(session: Session) -> str:
    return set_cookie(COOKIE, session.cookie, max(0, session.expires_at - session.last_seen))


def clear_cookie(name: str = COOKIE, path: str = "/") -> str:
    return set_cookie(name, "", 0, path)
