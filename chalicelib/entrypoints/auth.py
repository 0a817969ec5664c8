"""Resolve the caller of a request — a bearer token (API clients) or the browser's session
cookie — and enforce roles.

A request that relies on the session cookie and changes something (any method but GET, HEAD,
OPTIONS) must carry the session's CSRF token in `X-CSRF-Token` (the pages' script sends it) or
a `csrf_token` form field: another site can make the browser send the cookie, but cannot read
the token, so its cross-site POST is refused and changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from chalice import Response
from chalice.app import Request

from chalicelib.config import get_settings
from chalicelib.domain.errors import (
    FieldError,
    Forbidden,
    NotFound,
    Unauthenticated,
    ValidationFailed,
)
from chalicelib.domain.principal import Principal
from chalicelib.entrypoints.http import idempotent_create, json_body, query_params
from chalicelib.integrations import identity

if TYPE_CHECKING:
    from chalicelib.services.accounts.sessions import Session

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
CSRF_HEADER = "x-csrf-token"
_NO_SESSION = object()


def current_session(request: Request) -> Session | None:
    """The request's live session (looked up once per request), officers' tokens kept fresh."""
    from chalicelib.services.accounts import sessions

    cached = getattr(request, "_dvc_session", _NO_SESSION)
    if cached is not _NO_SESSION:
        return cached
    session = sessions.find(sessions.read_cookie(request.headers))
    if session is not None and session.principal.is_officer:
        from chalicelib.services.accounts import officers

        session = officers.keep_fresh(session)
    request._dvc_session = session
    return session


def optional_principal(request: Request) -> Principal | None:
    header = (request.headers or {}).get("authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated("Thiếu mã xác thực dạng Bearer.")
        return _bearer(token.strip())
    session = current_session(request)
    if session is None:
        return None
    if request.method not in SAFE_METHODS:
        require_csrf(session, (request.headers or {}).get(CSRF_HEADER))
    return session.principal


def _bearer(token: str) -> Principal:
    """Citizens' tokens come from their OpenID provider; every other token (officers' Cognito
    tokens, service credentials, the local stage's test tokens) is checked by `identity`."""
    settings = get_settings()
    if settings.oidc_issuer and identity.unverified_issuer(token) == settings.oidc_issuer:
        from chalicelib.services.accounts import citizens

        return citizens.principal_from_token(token)
    return identity.verify(settings, token)


def citizen_from_token(token: str, field: str) -> Principal:
    """The citizen whose own access token an officer presents (assisted filing): verified like
    any bearer token, and it must be a citizen's."""
    try:
        principal = _bearer(token)
    except Unauthenticated as exc:
        raise ValidationFailed(
            "Mã truy cập của công dân không hợp lệ hoặc đã hết hạn.",
            [FieldError(field, "Công dân cần đăng nhập lại bằng định danh điện tử")],
        ) from exc
    if not principal.is_citizen:
        raise ValidationFailed(
            "Mã truy cập không phải của công dân.",
            [FieldError(field, "Cần mã truy cập của chính công dân nộp hồ sơ")],
        )
    return principal


def require_csrf(session: Session, supplied: str | None) -> None:
    from chalicelib.services.accounts import sessions

    if not sessions.csrf_ok(session, supplied):
        raise Forbidden(
            "Yêu cầu không đến từ trang của Cổng (thiếu mã chống giả mạo). "
            "Vui lòng tải lại trang rồi thử lại."
        )


def require(request: Request, *roles: str) -> Principal:
    principal = optional_principal(request)
    if principal is None:
        raise Unauthenticated()
    if roles and principal.role not in roles:
        raise Forbidden()
    return principal


DOSSIER_PHONE_MESSAGE = "Vui lòng nhập số điện thoại đã dùng khi nộp hồ sơ."
FEEDBACK_PHONE_MESSAGE = "Vui lòng nhập số điện thoại đã dùng khi gửi phản ánh."


def caller_create(
    request: Request,
    operation: str,
    schema: str,
    work: Callable[[dict, Principal | None, Any], dict],
    completes_claim: bool = False,
) -> Response:
    """A create open to anyone (signed in or not), run once per Idempotency-Key of the caller:
    `work(body, principal, claim)` (see http.idempotent_create)."""
    principal = optional_principal(request)
    body = json_body(request, schema)
    return idempotent_create(
        request,
        operation,
        principal and principal.subject,
        body,
        lambda claim: work(body, principal, claim),
        completes_claim,
    )


def applicant_body(
    request: Request, schema: str, message: str = DOSSIER_PHONE_MESSAGE
) -> tuple[Principal | None, dict]:
    """The caller acting as the applicant of a dossier or a feedback, and the request's body.
    A signed-in caller is known already (checked first: a bad token or a missing CSRF header
    answers before a bad body); an anonymous one proves it with the phone they gave when they
    sent it."""
    principal = optional_principal(request)
    body = json_body(request, schema)
    _require_phone(body, principal, message)
    return principal, body


def applicant_query(request: Request, schema: str) -> tuple[Principal | None, dict]:
    """`applicant_body` for a read: the phone comes in the query string."""
    params = query_params(request, schema)
    principal = optional_principal(request)
    _require_phone(params, principal, DOSSIER_PHONE_MESSAGE)
    return principal, params


def _require_phone(proof: dict, principal: Principal | None, message: str) -> None:
    if not proof.get("phone") and principal is None:
        raise ValidationFailed(message, [FieldError("phone", "Bắt buộc phải nhập")])


def local_only() -> None:
    """The development routes (test tokens, fake gateways, stand-ins) exist only on the local
    stage with local sign-in; everywhere else they answer 404 like any unknown path."""
    settings = get_settings()
    if not settings.is_local or settings.auth_mode != "local":
        raise NotFound("Không tìm thấy đường dẫn yêu cầu.")
