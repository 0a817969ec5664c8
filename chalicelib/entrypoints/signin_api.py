"""Citizens' sign-in (OpenID Connect at their identity provider), sign-out, and `GET /v1/me`."""

from __future__ import annotations

from urllib.parse import parse_qs

from chalice import Blueprint
from chalice.app import Request

from chalicelib.config import get_settings
from chalicelib.domain.errors import Unauthenticated
from chalicelib.domain.paths import SIGNIN_CALLBACK_PATH
from chalicelib.entrypoints import auth
from chalicelib.entrypoints.http import ok, redirect, route
from chalicelib.web.pages import PRIVATE, page

bp = Blueprint(__name__)
HTML = {"content_type": "text/html", "tag": "Đăng nhập"}
NEXT_PARAM = [
    {
        "name": "next",
        "in": "query",
        "required": False,
        "schema": {"type": "string"},
        "description": "Đường dẫn trên Cổng để quay lại sau khi đăng nhập",
    }
]


def base_url(request: Request) -> str:
    """The portal's public address: configured, else the one the browser used."""
    configured = get_settings().public_base_url
    if configured:
        return configured
    headers = request.headers or {}
    scheme = headers.get("x-forwarded-proto") or ("http" if get_settings().is_local else "https")
    return f"{scheme}://{headers.get('host', 'localhost')}"


def form_body(request: Request) -> dict[str, str]:
    raw = (request.raw_body or b"")[:8192].decode("utf-8", "replace")
    return {k: v[0] for k, v in parse_qs(raw).items()}


def _sign_in_page(message: str | None = None, status: int = 200, cookies: list | None = None):
    from chalicelib.services.accounts import citizens

    return page(
        "portal/sign_in.html",
        status=status,
        nav="ho-so-cua-toi",
        cache=PRIVATE,
        enabled=citizens.enabled(),
        error=message,
        headers={"Set-Cookie": cookies} if cookies else None,
    )


@route(
    bp,
    "/dang-nhap",
    summary="Công dân đăng nhập: chuyển tới hệ thống định danh điện tử (OpenID Connect, PKCE)",
    extra={"parameters": NEXT_PARAM},
    pages=(503,),
    redirects=(302,),
    **HTML,
)
def sign_in():
    from chalicelib.services.accounts import citizens, sessions

    request = bp.current_request
    if not citizens.enabled():
        return _sign_in_page()
    next_path = (request.query_params or {}).get("next")
    try:
        started = citizens.start(base_url(request), next_path)
    except citizens.SignInFailed as exc:
        return _sign_in_page(exc.message, 503)
    cookie = sessions.set_cookie(
        citizens.SIGNIN_COOKIE, started.state, citizens.SIGNIN_SECONDS, citizens.CALLBACK_PATH
    )
    return redirect(started.url, [cookie])


@route(
    bp,
    SIGNIN_CALLBACK_PATH,
    summary="Công dân quay lại từ hệ thống định danh điện tử: kiểm tra và mở phiên đăng nhập",
    pages=(400,),
    redirects=(302,),
    **HTML,
)
def sign_in_callback():
    from chalicelib.services.accounts import citizens, sessions

    request = bp.current_request
    clear = sessions.clear_cookie(citizens.SIGNIN_COOKIE, citizens.CALLBACK_PATH)
    try:
        session, next_path = citizens.finish(
            base_url(request),
            dict(request.query_params or {}),
            sessions.read_cookie(request.headers, citizens.SIGNIN_COOKIE),
        )
    except citizens.SignInFailed as exc:
        return _sign_in_page(exc.message, 400, [clear])
    sessions.end(sessions.read_cookie(request.headers))  # never keep a session across sign-ins
    return redirect(next_path, [sessions.session_cookie(session), clear])


@route(
    bp,
    "/dang-xuat",
    "POST",
    summary="Đăng xuất (công dân và cán bộ): kết thúc phiên đăng nhập",
    content_types=["application/x-www-form-urlencoded", "multipart/form-data"],
    pages=(403,),
    redirects=(303,),
    **HTML,
)
def sign_out():
    from chalicelib.services.accounts import sessions

    request = bp.current_request
    session = auth.current_session(request)
    if session is None:
        return redirect("/", [sessions.clear_cookie()], 303)
    if not sessions.csrf_ok(session, form_body(request).get("csrf_token")):
        return page(
            "portal/not_found.html",
            status=403,
            cache=PRIVATE,
            nav="",
            message="Yêu cầu đăng xuất không đến từ trang của Cổng. Hãy dùng nút Đăng xuất.",
        )
    if session.principal.is_officer:
        from chalicelib.services.accounts import officers

        officers.sign_out(session)
        target = "/can-bo/dang-nhap"
    else:
        sessions.end(session.cookie)
        target = "/"
    return redirect(target, [sessions.clear_cookie()], 303)


@route(
    bp,
    "/v1/me",
    summary="Người đang gọi: công dân hoặc cán bộ (mã xác thực Bearer hoặc phiên đăng nhập)",
    tag="Đăng nhập",
    response="api/me.json",
    auth=("citizen", "receptionist", "specialist", "leader", "admin", "service"),
    errors=(401,),
)
def me():
    request = bp.current_request
    principal = auth.optional_principal(request)
    if principal is None:
        raise Unauthenticated()
    body = {"subject": principal.subject, "role": principal.role}
    if principal.agency:
        body["agency"] = principal.agency
    if principal.name:
        body["name"] = principal.name
    body["session"] = not (request.headers or {}).get("authorization")
    return ok(body, headers={"Cache-Control": "no-store"})
