"""The officers' console: sign-in, the agency inbox, one dossier with its actions, feedback.

The pages are shells; the browser fetches everything with the officer's token (kept in the
tab's sessionStorage, sent as a Bearer header), so the console shows exactly what the API lets
that officer see and offers only the actions the API lists in `allowed_actions`."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.domain.principal import OFFICER_ROLES
from chalicelib.entrypoints.http import route
from chalicelib.services.catalog import reads as catalog_service
from chalicelib.web.pages import PRIVATE, page

bp = Blueprint(__name__)
HTML = {"content_type": "text/html", "tag": "Trang web cho cán bộ"}
ROLE_LABELS = {
    "receptionist": "Cán bộ Bộ phận Một cửa (tiếp nhận, trả kết quả)",
    "specialist": "Chuyên viên xử lý",
    "leader": "Lãnh đạo phê duyệt",
    "admin": "Quản trị",
}


@route(bp, "/can-bo", summary="Cán bộ: đăng nhập", **HTML)
def console_sign_in():
    catalog = catalog_service.get_catalog()
    return page(
        "console/sign_in.html",
        cache=PRIVATE,
        nav="",
        roles=[(r, ROLE_LABELS[r]) for r in OFFICER_ROLES],
        all_agencies=sorted(catalog.agencies.values(), key=lambda a: a.name),
    )


@route(bp, "/can-bo/ho-so", summary="Cán bộ: hồ sơ của cơ quan", **HTML)
def console_inbox():
    return page("console/inbox.html", cache=PRIVATE, nav="ho-so")


@route(bp, "/can-bo/ho-so/{code}", summary="Cán bộ: xử lý một hồ sơ", **HTML)
def console_dossier(code):
    catalog = catalog_service.get_catalog()
    return page(
        "console/dossier.html",
        cache=PRIVATE,
        nav="ho-so",
        code=code,
        agencies=[
            {"id": a.id, "name": a.name}
            for a in sorted(catalog.agencies.values(), key=lambda a: a.name)
        ],
    )


@route(bp, "/can-bo/phan-anh", summary="Cán bộ: phân loại và trả lời phản ánh", **HTML)
def console_feedback():
    from chalicelib.domain.feedback import Status

    catalog = catalog_service.get_catalog()
    return page(
        "console/feedback.html",
        cache=PRIVATE,
        nav="phan-anh",
        statuses=[(s.value, s.label) for s in Status],
        agencies=[{"id": a.id, "name": a.name} for a in catalog.agencies.values()],
    )
