"""Officers sign in to the console with the Cognito user pool: username and password, then
whatever the pool asks (a new password at first sign-in, a TOTP code when MFA is on). The
pool's ID token is verified against its JWKS and gives the role (group) and the agency
(`custom:agency`). The tokens stay in the server-side session, are refreshed before they expire,
and sign-out revokes them.

While a challenge is pending, Cognito's challenge session lives in a pending record, keyed by a
random id the browser holds in a short-lived cookie (never in the page)."""

from __future__ import annotations

import logging
import secrets
import time
from dataclasses import dataclass

from chalicelib.config import get_settings
from chalicelib.domain.errors import Unauthenticated
from chalicelib.domain.principal import Principal
from chalicelib.integrations import cognito
from chalicelib.persistence import session_store
from chalicelib.services.accounts import sessions

log = logging.getLogger(__name__)
CHALLENGE_COOKIE = "dvc_challenge"
CHALLENGE_SECONDS = 180  # Cognito's challenge sessions last three minutes
REFRESH_MARGIN = 300  # refresh the tokens when they have less than five minutes left
ROLE_ORDER = ("admin", "leader", "specialist", "receptionist")  # the highest group wins
CHALLENGES = ("NEW_PASSWORD_REQUIRED", "SOFTWARE_TOKEN_MFA", "MFA_SETUP")
# The httpx transport for the pool's JWKS; None is the network. Tests put moto's keys here.
TRANSPORT = None

MESSAGES = {
    "wrong_credentials": "Tên đăng nhập hoặc mật khẩu không đúng.",
    "disabled": "Tài khoản này đã bị khóa. Liên hệ quản trị của cơ quan.",
    "password_rejected": "Mật khẩu mới chưa đủ mạnh theo quy định. Hãy chọn mật khẩu khác.",
    "code_mismatch": "Mã xác thực không đúng. Hãy nhập mã đang hiển thị trong ứng dụng.",
    "expired": "Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại từ đầu.",
    "bad_token": "Không xác minh được tài khoản. Liên hệ quản trị hệ thống.",
    "no_role": "Tài khoản chưa được gán vai trò hoặc cơ quan. Liên hệ quản trị của cơ quan.",
}


class SignInFailed(Unauthenticated):
    def __init__(self, reason: str) -> None:
        super().__init__(MESSAGES.get(reason, MESSAGES["wrong_credentials"]))
        self.reason = reason


@dataclass(frozen=True)
class Step:
    """The outcome of one sign-in step: a session, or a challenge to answer next."""

    session: sessions.Session | None = None
    challenge: str | None = None
    challenge_id: str | None = None
    totp_secret: str | None = None  # MFA_SETUP: the key the officer adds to the authenticator


def enabled() -> bool:
    settings = get_settings()
    return bool(settings.cognito_user_pool_id and settings.cognito_client_id)


def pool() -> cognito.OfficerPool:
    settings = get_settings()
    return cognito.pool(settings.cognito_user_pool_id, settings.cognito_client_id, TRANSPORT)


def sign_in(username: str, password: str) -> Step:
    if not username.strip() or not password or len(username) > 128 or len(password) > 256:
        raise _failed("wrong_credentials")
    try:
        answer = pool().sign_in(username.strip(), password)
    except cognito.CognitoError as exc:
        raise _failed(exc.reason) from None
    return _next(answer, username.strip())


def answer(challenge_id: str | None, value: str) -> Step:
    pending = session_store.take_sign_in(f"officer-{challenge_id}") if challenge_id else None
    if pending is None or int(time.time()) >= pending["ttl"]:
        raise _failed("expired")
    if pending["challenge"] != "NEW_PASSWORD_REQUIRED":
        value = value.strip()  # a code; a password is taken exactly as typed
    try:
        if pending["challenge"] == "MFA_SETUP":
            reply = pool().finish_totp_setup(pending["session"], pending["username"], value)
        else:
            reply = pool().answer_challenge(
                pending["challenge"], pending["session"], pending["username"], value
            )
    except cognito.CognitoError as exc:
        if exc.reason in ("password_rejected", "code_mismatch"):
            # the same challenge may be answered again while Cognito's session lasts
            return _remember(
                pending["challenge"],
                pending["session"],
                pending["username"],
                exc,
                pending.get("totp_secret"),
            )
        raise _failed(exc.reason) from None
    return _next(reply, pending["username"])


def _next(reply: cognito.Answer, username: str) -> Step:
    if reply.tokens is not None:
        return Step(session=_open(reply.tokens))
    if reply.challenge not in CHALLENGES:
        log.warning("officer sign-in challenge not supported", extra={"challenge": reply.challenge})
        raise _failed("bad_token")
    session, secret = reply.session, None
    if reply.challenge == "MFA_SETUP":  # the pool requires TOTP and the officer has none yet
        try:
            secret, session = pool().start_totp_setup(reply.session)
        except cognito.CognitoError as exc:
            raise _failed(exc.reason) from None
    return _remember(reply.challenge, session, username, totp_secret=secret)


def _remember(
    challenge: str, cognito_session: str, username: str, error=None, totp_secret=None
) -> Step:
    challenge_id = secrets.token_urlsafe(24)
    now = int(time.time())
    data = {"challenge": challenge, "session": cognito_session, "username": username}
    if totp_secret:
        data["totp_secret"] = totp_secret
    session_store.put_sign_in(f"officer-{challenge_id}", data, now + CHALLENGE_SECONDS)
    step = Step(challenge=challenge, challenge_id=challenge_id, totp_secret=totp_secret)
    if error is not None:
        raise ChallengeRetry(step, error.reason)
    return step


class ChallengeRetry(SignInFailed):
    """A wrong answer to a challenge that may be tried again (`step`)."""

    def __init__(self, step: Step, reason: str) -> None:
        super().__init__(reason)
        self.step = step


def principal(claims: dict) -> Principal:
    groups = set(claims.get("cognito:groups", []))
    role = next((r for r in ROLE_ORDER if r in groups), None)
    agency = claims.get(cognito.AGENCY_ATTRIBUTE)
    if not role or not agency:
        raise _failed("no_role")
    subject = claims.get("cognito:username") or claims["sub"]
    return Principal(subject=str(subject), role=role, agency=agency, name=claims.get("name"))


def _open(tokens: cognito.Tokens) -> sessions.Session:
    try:
        claims = pool().verify(tokens.id_token)
    except cognito.CognitoError as exc:
        raise _failed(exc.reason) from None
    return sessions.open_session(principal(claims), tokens=_stored(tokens))


def _stored(tokens: cognito.Tokens) -> dict:
    return {
        "access_token": tokens.access_token,
        "refresh_token": tokens.refresh_token,
        "expires_at": tokens.expires_at,
    }


def keep_fresh(session: sessions.Session) -> sessions.Session | None:
    """The session with tokens valid for a while yet; None (and the session ended) when the
    pool no longer refreshes them: signed out elsewhere, disabled, or the refresh token expired."""
    now = int(time.time())
    if session.tokens.get("expires_at", 0) - now > REFRESH_MARGIN:
        return session
    try:
        tokens = pool().refresh(session.tokens["refresh_token"])
        claims = pool().verify(tokens.id_token)
        session.principal = principal(claims)
    except (cognito.CognitoError, SignInFailed, KeyError):
        sessions.end(session.cookie)
        return None
    session.tokens = _stored(tokens)
    sessions.save(session)
    return session


def sign_out(session: sessions.Session) -> None:
    try:
        pool().sign_out(session.tokens.get("access_token", ""))
    except cognito.CognitoError:
        pass  # already revoked or expired: nothing left to revoke
    sessions.end(session.cookie)


def _failed(reason: str) -> SignInFailed:
    log.info("officer sign-in refused", extra={"reason": reason})
    return SignInFailed(reason)
