"""The officers' console: sign-in (the Cognito user pool), the agency inbox, one dossier with its
actions, feedback, the agency's tracking register (Form 07), and (role admin) the agency's officer
accounts.

The pages are shells rendered for the signed-in officer's server-side session; the browser
fetches everything with the session cookie (plus the CSRF token on POSTs), so the console shows
exactly what the API lets that officer see and offers only the actions the API lists in
`allowed_actions`. Without an officer session every page sends to the sign-in page."""

from __future__ import annotations

from urllib.parse import quote

from chalice import Blueprint

from chalicelib.domain.errors import DomainError
from chalicelib.domain.principal import OFFICER_ROLES, REGISTER_KEEPERS
from chalicelib.entrypoints.auth import current_session, require_csrf
from chalicelib.entrypoints.http import redirect, route
from chalicelib.entrypoints.signin_api import form_body
from chalicelib.services.shared import clock
from chalicelib.web import portal, schema_form
from chalicelib.web.pages import PRIVATE, page

bp = Blueprint(__name__)
HTML = {"content_type": "text/html", "tag": "Trang web cho cán bộ"}
SIGNED_IN = {**HTML, "redirects": (302,)}  # a page for officers: signed out, to the sign-in
FORM = ["application/x-www-form-urlencoded", "multipart/form-data"]
SIGN_IN = "/can-bo/dang-nhap"
FORBIDDEN = "Không có quyền truy cập"  # the heading of a console page refused with 403
ROLE_LABELS = {
    "receptionist": "Cán bộ Bộ phận Một cửa (tiếp nhận, trả kết quả)",
    "specialist": "Chuyên viên xử lý",
    "leader": "Lãnh đạo phê duyệt",
    "admin": "Quản trị",
}
ACTION_LABELS = {
    "create": "Tạo tài khoản",
    "disable": "Khóa tài khoản",
    "enable": "Mở khóa tài khoản",
    "set_role": "Đổi vai trò",
}


def _officer_session():
    session = current_session(bp.current_request)
    return session if session and session.principal.is_officer else None


def _console(template: str, session, **context):
    from chalicelib.services.catalog import reads as catalog_service

    agency = catalog_service.get_catalog().agency(session.principal.agency)
    return page(
        template,
        cache=PRIVATE,
        session=session,
        role_label=ROLE_LABELS.get(session.principal.role, session.principal.role),
        agency_name=agency.name if agency else session.principal.agency,
        **context,
    )


def _to_sign_in(next_path: str):
    return redirect(f"{SIGN_IN}?next={quote(next_path)}")


def _safe_next(value: str | None) -> str:
    if value and value.startswith("/can-bo/") and not value.startswith("//"):
        return value[:300]
    return "/can-bo/ho-so"


@route(bp, "/can-bo", summary="Cán bộ: vào trang xử lý hồ sơ (hoặc đăng nhập)", **SIGNED_IN)
def console_home():
    return redirect("/can-bo/ho-so" if _officer_session() else SIGN_IN)


def _sign_in_page(
    step=None, error=None, status=200, cookies=None, username="", next_path="", secret=None
):
    from chalicelib.services.accounts import officers

    return page(
        "console/sign_in.html",
        status=status,
        cache=PRIVATE,
        nav="",
        enabled=officers.enabled(),
        step=step,
        error=error,
        totp_secret=secret,
        username=username,
        next=_safe_next(next_path),
        headers={"Set-Cookie": cookies} if cookies else None,
    )


@route(bp, SIGN_IN, summary="Cán bộ: đăng nhập bằng tài khoản của cơ quan (Cognito)", **HTML)
def console_sign_in():
    return _sign_in_page(next_path=(bp.current_request.query_params or {}).get("next"))


@route(
    bp,
    SIGN_IN,
    "POST",
    summary="Cán bộ: gửi mật khẩu, mật khẩu mới (lần đầu) hoặc mã xác thực TOTP",
    content_types=FORM,
    pages=(401,),
    redirects=(303,),
    **HTML,
)
def console_sign_in_step():
    from chalicelib.services.accounts import officers, sessions

    request = bp.current_request
    form = form_body(request)
    next_path = form.get("next")
    challenge_cookie = sessions.read_cookie(request.headers, officers.CHALLENGE_COOKIE)
    clear = sessions.clear_cookie(officers.CHALLENGE_COOKIE, SIGN_IN)
    try:
        if form.get("step") == "new_password":
            step = officers.answer(challenge_cookie, form.get("new_password", ""))
        elif form.get("step") == "totp":
            step = officers.answer(challenge_cookie, form.get("code", ""))
        else:
            step = officers.sign_in(form.get("username", ""), form.get("password", ""))
    except officers.ChallengeRetry as exc:
        cookie = _challenge_cookie(exc.step)
        return _sign_in_page(
            exc.step.challenge,
            exc.message,
            401,
            [cookie],
            next_path=next_path,
            secret=exc.step.totp_secret,
        )
    except officers.SignInFailed as exc:
        return _sign_in_page(
            None, exc.message, 401, [clear], form.get("username", "")[:64], next_path
        )
    if step.session is None:
        cookie = _challenge_cookie(step)
        return _sign_in_page(
            step.challenge, None, 200, [cookie], next_path=next_path, secret=step.totp_secret
        )
    sessions.end(sessions.read_cookie(request.headers))  # never keep a session across sign-ins
    return redirect(_safe_next(next_path), [sessions.session_cookie(step.session), clear], 303)


def _challenge_cookie(step) -> str:
    from chalicelib.services.accounts import officers, sessions

    return sessions.set_cookie(
        officers.CHALLENGE_COOKIE, step.challenge_id, officers.CHALLENGE_SECONDS, SIGN_IN
    )


@route(bp, "/can-bo/ho-so", summary="Cán bộ: hồ sơ của cơ quan", **SIGNED_IN)
def console_inbox():
    session = _officer_session()
    if session is None:
        return _to_sign_in("/can-bo/ho-so")
    return _console("console/inbox.html", session, nav="ho-so")


@route(bp, "/can-bo/ho-so/{code}", summary="Cán bộ: xử lý một hồ sơ", **SIGNED_IN)
def console_dossier(code):
    from chalicelib.services.catalog import reads as catalog_service

    session = _officer_session()
    if session is None:
        return _to_sign_in(f"/can-bo/ho-so/{code}")
    catalog = catalog_service.get_catalog()
    return _console(
        "console/dossier.html",
        session,
        nav="ho-so",
        code=code,
        agencies=[
            {"id": a.id, "name": a.name}
            for a in sorted(catalog.agencies.values(), key=lambda a: a.name)
        ],
    )


@route(
    bp,
    "/can-bo/tiep-nhan",
    summary="Cán bộ một cửa: tiếp nhận hồ sơ trực tiếp, qua bưu chính (quét, kiểm tra, in Mẫu 01)",
    extra={
        "parameters": [
            {"name": "thu-tuc", "in": "query", "required": False, "schema": {"type": "string"}}
        ]
    },
    **SIGNED_IN,
)
def console_intake():
    from chalicelib.services.catalog import reads as catalog_service

    session = _officer_session()
    if session is None:
        return _to_sign_in("/can-bo/tiep-nhan")
    catalog = catalog_service.get_catalog()
    mine = catalog.performed_by(session.principal.agency)
    code = (bp.current_request.query_params or {}).get("thu-tuc")
    procedure = next((p for p in mine if p.code == code), None)
    form = catalog_service.get_form(procedure.code) if procedure and procedure.is_online else None
    return _console(
        "console/intake.html",
        session,
        nav="tiep-nhan",
        procedures=sorted(mine, key=lambda p: p.name),
        p=procedure,
        form=form,
        fields=schema_form.build(form) if form else [],
        file_types=portal.file_types,
        delivery=procedure.data.get("delivery_options", []) if procedure else [],
    )


@route(bp, "/can-bo/phan-anh", summary="Cán bộ: phân loại và trả lời phản ánh", **SIGNED_IN)
def console_feedback():
    from chalicelib.domain.feedback import Status
    from chalicelib.services.catalog import reads as catalog_service

    session = _officer_session()
    if session is None:
        return _to_sign_in("/can-bo/phan-anh")
    catalog = catalog_service.get_catalog()
    return _console(
        "console/feedback.html",
        session,
        nav="phan-anh",
        statuses=[(s.value, s.label) for s in Status],
        agencies=[{"id": a.id, "name": a.name} for a in catalog.agencies.values()],
    )


def _forbidden(session, message: str):
    """A console page the officer may not open: 403, headed as such."""
    return _console(
        "console/not_found.html", session, status=403, nav="", heading=FORBIDDEN, message=message
    )


def _accounts_page(session, notice=None, error=None, status=200):
    from chalicelib.services.accounts import officer_admin

    query = bp.current_request.query_params or {}
    entries, next_token = officer_admin.audit(session.principal, 20, query.get("page_token"))
    return _console(
        "console/accounts.html",
        session,
        status=status,
        nav="tai-khoan",
        roles=[(r, ROLE_LABELS[r]) for r in OFFICER_ROLES],
        role_labels=ROLE_LABELS,
        action_labels=ACTION_LABELS,
        entries=entries,
        next_token=next_token,
        notice=notice,
        error=error,
    )


@route(
    bp,
    "/can-bo/tai-khoan",
    summary="Quản trị: tài khoản cán bộ của cơ quan và nhật ký thay đổi",
    pages=(403,),
    **SIGNED_IN,
)
def console_accounts():
    session = _officer_session()
    if session is None:
        return _to_sign_in("/can-bo/tai-khoan")
    if session.principal.role != "admin":
        return _forbidden(session, "Chỉ quản trị của cơ quan mới vào được trang này.")
    return _accounts_page(session)


@route(
    bp,
    "/can-bo/tai-khoan",
    "POST",
    summary="Quản trị: tạo, khóa, mở khóa, đổi vai trò tài khoản cán bộ (ghi nhật ký)",
    content_types=FORM,
    pages=(400, 403, 404),
    **SIGNED_IN,
)
def console_accounts_change():
    from chalicelib.services.accounts import officer_admin

    session = _officer_session()
    if session is None:
        return _to_sign_in("/can-bo/tai-khoan")
    form = form_body(bp.current_request)
    try:
        require_csrf(session, form.get("csrf_token"))
        entry = officer_admin.change(
            session.principal,
            form.get("action", ""),
            form.get("username", ""),
            role=form.get("role") or None,
            email=form.get("email") or None,
        )
    except DomainError as exc:
        if exc.status == 403:
            return _forbidden(session, exc.message)
        details = "; ".join(f"{d.message}" for d in exc.details)
        return _accounts_page(session, error=f"{exc.message} {details}".strip(), status=exc.status)
    label = ACTION_LABELS[entry["action"]]
    return _accounts_page(session, notice=f"Đã thực hiện: {label} {entry['username']}.")


@route(
    bp,
    "/can-bo/so-theo-doi",
    summary="Bộ phận Một cửa, lãnh đạo: Sổ theo dõi hồ sơ (Mẫu số 07) của cơ quan để in",
    **SIGNED_IN,
)
def console_register():
    from chalicelib.services.dossiers import register

    session = _officer_session()
    if session is None:
        return _to_sign_in("/can-bo/so-theo-doi")
    today = clock.now().date()
    return _console(
        "console/register.html",
        session,
        nav="so-theo-doi",
        keeps=session.principal.role in REGISTER_KEEPERS,
        agency_id=session.principal.agency,
        start=today.replace(day=1),
        end=today,
        max_days=register.MAX_DAYS,
    )


@route(
    bp, "/can-bo/lich", summary="Cán bộ quản trị: lịch nghỉ, ngày làm bù, giờ làm việc", **SIGNED_IN
)
def console_calendar():
    session = _officer_session()
    if session is None:
        return _to_sign_in("/can-bo/lich")
    return _console("console/calendar.html", session, nav="lich", year=clock.now().year)
