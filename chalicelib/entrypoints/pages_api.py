"""The citizens' portal: server-rendered Vietnamese pages that call the JSON API from the browser.

Every procedure is within three clicks of the home page (home → a field or an agency → the
procedure). Nothing personal ever goes in a page's URL: lookups and submissions are sent by the
page's script in request bodies. A signed-in citizen's pages are rendered with their session
(who they are, the CSRF token, prefilled forms); sign-in tokens stay on the server."""

from __future__ import annotations

from urllib.parse import quote

from chalice import Blueprint

from chalicelib.domain.catalog import SearchQuery
from chalicelib.domain.errors import NotFound, ValidationFailed
from chalicelib.entrypoints.auth import current_session
from chalicelib.entrypoints.http import redirect, route
from chalicelib.web import portal, prefill, schema_form
from chalicelib.web.pages import PRIVATE, not_found, page, static

bp = Blueprint(__name__)
TAG = "Trang web cho công dân"
HTML = {"content_type": "text/html", "tag": TAG}
BROWSE_PARAMS = [
    {"name": name, "in": "query", "required": False, "schema": schema, "description": text}
    for name, schema, text in (
        ("q", {"type": "string"}, "Từ khóa, có dấu hoặc không dấu"),
        ("agency", {"type": "string"}, "Mã cơ quan"),
        ("field", {"type": "string"}, "Mã lĩnh vực"),
        ("level", {"type": "integer", "enum": [2, 3, 4]}, "Mức độ"),
        ("trang", {"type": "integer", "minimum": 1}, "Số trang"),
    )
]
NO_SCRIPT = (
    "Trình duyệt của bạn chưa chạy được JavaScript nên chưa tra cứu được. "
    "Hãy bật JavaScript rồi thử lại, hoặc gọi 0204 3855 000 để được hỗ trợ."
)


@route(bp, "/", summary="Trang chủ: tìm thủ tục, tra cứu hồ sơ", **HTML)
def home():
    from chalicelib.services.catalog import reads as catalog_service

    catalog = catalog_service.get_catalog()
    options = portal.browse_options(catalog)
    online = sorted(
        (p for p in catalog.procedures.values() if p.level == 4),
        key=lambda p: p.name,
    )
    return page(
        "portal/home.html",
        nav="home",
        fields=options["fields"],
        agency_groups=portal.agency_groups(catalog),
        online=[portal.card(p, catalog) for p in online],
    )


@route(
    bp,
    "/thu-tuc",
    summary="Danh sách thủ tục: tìm kiếm, lọc theo cơ quan, lĩnh vực, mức độ",
    extra={"parameters": BROWSE_PARAMS},
    **HTML,
)
def browse():
    from chalicelib.services.catalog import reads as catalog_service

    params = bp.current_request.query_params or {}
    catalog = catalog_service.get_catalog()
    options = portal.browse_options(catalog)
    agency = catalog.agency(params.get("agency"))
    chosen = {
        "q": params.get("q", "").strip()[:200],
        "agency": agency.id if agency else "",
        "field": params.get("field")
        if any(o.value == params.get("field") for o in options["fields"])
        else "",
        "level": int(params["level"]) if params.get("level") in ("2", "3", "4") else None,
    }
    found = catalog.search(
        SearchQuery(
            q=chosen["q"],
            agency=chosen["agency"] or None,
            field=chosen["field"] or None,
            level=chosen["level"],
        )
    )
    pages = max(1, -(-len(found) // portal.PAGE_SIZE))
    number = min(_int(params.get("trang"), 1), pages)
    start = (number - 1) * portal.PAGE_SIZE
    return page(
        "portal/browse.html",
        nav="thu-tuc",
        chosen=chosen,
        options=options,
        total=len(found),
        results=[
            portal.card(p, catalog, chosen["agency"] or None)
            for p in found[start : start + portal.PAGE_SIZE]
        ],
        page_number=number,
        pages=pages,
        query={k: v for k, v in chosen.items() if v},
        heading=_heading(chosen, catalog, options),
    )


def _int(value: str | None, default: int) -> int:
    return int(value) if value and value.isdigit() and int(value) > 0 else default


def _heading(chosen: dict, catalog, options) -> str:
    if chosen["field"]:
        return next(o.label for o in options["fields"] if o.value == chosen["field"])
    if chosen["agency"]:
        return catalog.agencies[chosen["agency"]].name
    return "Thủ tục hành chính"


@route(bp, "/thu-tuc/{code}", summary="Thông tin công khai của một thủ tục", pages=(404,), **HTML)
def procedure_page(code):
    from chalicelib.services.catalog import reads as catalog_service

    catalog = catalog_service.get_catalog()
    try:
        procedure = catalog_service.get_procedure(code)
    except NotFound as exc:
        return not_found(exc.message)
    params = bp.current_request.query_params or {}
    chosen = portal.chosen_offering(catalog, code, params.get("agency"))
    offerings = catalog.offerings(code)
    return page(
        "portal/procedure.html",
        nav="thu-tuc",
        p=procedure,
        d=procedure.data,
        agency=chosen.agency if chosen else None,
        offerings=offerings,
        performers=portal.performers_label(offerings),
        fees=chosen.fees if chosen else procedure.data.get("fees", []),
        field_name=portal.field_names(catalog).get(procedure.field, procedure.field),
        time=portal.processing_time(chosen or procedure),
        file_types=portal.file_types,
        subjects=[portal.SUBJECTS.get(s, s) for s in procedure.data.get("subjects", [])],
        can_apply=procedure.is_online and bool(procedure.data.get("form_schema")),
        government_level=portal.GOVERNMENT_LEVELS.get(procedure.data.get("government_level"), ""),
    )


@route(
    bp,
    "/thu-tuc/{code}/nop-ho-so",
    summary="Nộp hồ sơ trực tuyến: tờ khai, tệp đính kèm, xem lại, nộp, giấy tiếp nhận",
    pages=(404,),
    **HTML,
)
def apply_page(code):
    from chalicelib.services.catalog import reads as catalog_service
    from chalicelib.services.documents import wallet

    params = bp.current_request.query_params or {}
    catalog = catalog_service.get_catalog()
    try:
        procedure = catalog_service.get_procedure(code)
        form = catalog_service.get_form(code) if procedure.is_online else None
    except NotFound as exc:
        return not_found(exc.message)
    if form is None:
        return not_found(f"Thủ tục {code} chưa cung cấp dịch vụ nộp hồ sơ trực tuyến.")
    components = [c for c in procedure.data["components"] if not c.get("filled_online")]
    session = _citizen_session()
    profile = session.profile if session else {}
    reusable = wallet.reusable(session.principal, procedure) if session else {}
    fields = schema_form.build(form)
    prefill.fill_form(fields, profile)
    chosen = portal.chosen_offering(catalog, code, params.get("agency"))
    return page(
        "portal/apply.html",
        cache=PRIVATE,
        session=session,
        nav="thu-tuc",
        p=procedure,
        form=form,
        fields=fields,
        prefill=prefill.applicant(profile),
        verified=prefill.VERIFIED,
        components=components,
        reusable=reusable,
        file_types=portal.file_types,
        delivery=procedure.data.get("delivery_options", []),
        offerings=catalog.offerings(code),
        agency=chosen.agency if chosen else None,
        fee=portal.online_fee(chosen or procedure),
        time=portal.processing_time(chosen or procedure),
    )


@route(bp, "/tra-cuu", summary="Tra cứu hồ sơ bằng mã hồ sơ và số điện thoại", **HTML)
def lookup_page():
    return page("portal/lookup.html", nav="tra-cuu", cache=PRIVATE)


@route(
    bp,
    "/tra-cuu",
    "POST",
    summary="Tra cứu khi trình duyệt tắt JavaScript (hướng dẫn bật lại)",
    content_types=["application/x-www-form-urlencoded", "multipart/form-data"],
    **HTML,
)
def lookup_without_script():
    """The lookup form posts here only when its script did not run; the phone it carries is
    neither echoed nor logged, and the page explains what to do."""
    return page(
        "portal/lookup.html",
        nav="tra-cuu",
        cache=PRIVATE,
        notice=NO_SCRIPT,
    )


NEXT_PAGE_PARAM = {
    "name": "tiep",
    "in": "query",
    "required": False,
    "schema": {"type": "string"},
    "description": "Trang tiếp theo",
}


def _citizen_session():
    session = current_session(bp.current_request)
    return session if session and session.principal.is_citizen else None


@route(bp, "/ho-so-cua-toi", summary="Hồ sơ của tôi (đã đăng nhập)", **HTML)
def my_dossiers_page():
    return page("portal/mine.html", nav="ho-so-cua-toi", cache=PRIVATE, session=_citizen_session())


@route(
    bp,
    "/ho-so-cua-toi/{code}",
    summary="Một hồ sơ của tôi (đã đăng nhập)",
    redirects=(302,),
    **HTML,
)
def my_dossier_page(code):
    session = _citizen_session()
    if session is None:
        return redirect(f"/dang-nhap?next={quote(f'/ho-so-cua-toi/{code}')}")
    return page(
        "portal/dossier.html", nav="ho-so-cua-toi", cache=PRIVATE, session=session, code=code
    )


@route(
    bp,
    "/kho-giay-to",
    summary="Kho giấy tờ của tôi: tải về, tải toàn bộ, gỡ tệp đã nộp (đã đăng nhập)",
    extra={"parameters": [NEXT_PAGE_PARAM]},
    **HTML,
)
def wallet_page():
    from chalicelib.services.documents import wallet

    session = _citizen_session()
    if session is None:
        return page("portal/wallet.html", nav="ho-so-cua-toi", cache=PRIVATE, items=[])
    params = bp.current_request.query_params or {}
    try:
        listed = wallet.mine(session.principal, portal.PAGE_SIZE, params.get("tiep"))
    except ValidationFailed:  # a stale or altered page link: start from the first page
        listed = wallet.mine(session.principal, portal.PAGE_SIZE, None)
    return page(
        "portal/wallet.html",
        nav="ho-so-cua-toi",
        session=session,
        items=listed["items"],
        next_page_token=listed["next_page_token"],
        KINDS=portal.DOCUMENT_KINDS,
    )


MY_FEEDBACK = "/phan-anh-cua-toi"
BAD_PAGE_LINK = (
    "Đường dẫn trang này không hợp lệ hoặc đã hết hạn. Hãy mở lại danh sách từ trang đầu."
)


@route(
    bp,
    MY_FEEDBACK,
    summary="Phản ánh, kiến nghị của tôi: tình trạng, đã trả lời, đã đánh giá (đã đăng nhập)",
    extra={"parameters": [NEXT_PAGE_PARAM]},
    pages=(400,),
    redirects=(302,),
    **HTML,
)
def my_feedback_page():
    """The signed-in citizen's feedback, newest first, from the service behind
    `GET /v1/me/feedback`; each row links to the page where it is followed and rated."""
    from chalicelib.services.feedback import intake as feedback

    session = _citizen_session()
    if session is None:
        return redirect(f"/dang-nhap?next={quote(MY_FEEDBACK)}")
    token = (bp.current_request.query_params or {}).get("tiep")
    asked = {"page_size": portal.PAGE_SIZE, "page_token": token}
    try:
        listed = feedback.mine(session.principal, asked)
    except ValidationFailed:  # an altered or stale page link
        return page(
            "portal/my_feedback.html", status=400, nav="phan-anh-cua-toi", session=session,
            items=[], error=BAD_PAGE_LINK,
        )  # fmt: skip
    return page(
        "portal/my_feedback.html",
        nav="phan-anh-cua-toi",
        session=session,
        items=listed["items"],
        next_page_token=listed["next_page_token"],
        first_page=not token,
    )


@route(bp, "/phan-anh", summary="Phản ánh, kiến nghị và các câu trả lời công khai", **HTML)
def feedback_page():
    from chalicelib.domain.feedback import CATEGORY_LABELS
    from chalicelib.services.catalog import reads as catalog_service

    catalog = catalog_service.get_catalog()
    return page(
        "portal/feedback.html",
        nav="phan-anh",
        cache=PRIVATE,
        session=_citizen_session(),  # its CSRF token: a signed-in citizen's feedback is theirs
        categories=[(c.value, label, help_) for c, (label, help_) in CATEGORY_LABELS.items()],
        agencies=sorted(catalog.agencies.values(), key=lambda a: a.name),
    )


FEEDBACK_ID_PARAM = {
    "name": "ma",
    "in": "query",
    "required": False,
    "schema": {"type": "string", "maxLength": 40},
    "description": "Mã phản ánh (đường dẫn trong tin nhắn báo đã trả lời)",
}


@route(
    bp,
    "/phan-anh/tra-cuu",
    summary="Theo dõi một phản ánh bằng mã phản ánh và số điện thoại (hoặc đã đăng nhập): "
    "tình trạng, câu trả lời, đánh giá",
    extra={"parameters": [FEEDBACK_ID_PARAM]},
    **HTML,
)
def feedback_lookup_page():
    """What a feedback's messages link to. The id comes from the link; the phone is typed and
    sent by the page's script to the JSON API (`GET /v1/feedback/{id}`, `POST …/rating`), which
    keeps its own 404, guess limits and CSRF check: the page adds no way around them."""
    params = bp.current_request.query_params or {}
    return page(
        "portal/feedback_lookup.html",
        nav="phan-anh",
        cache=PRIVATE,
        session=_citizen_session(),
        code=params.get("ma", "").strip().upper()[:40],
    )


@route(
    bp,
    "/phan-anh/tra-cuu",
    "POST",
    summary="Theo dõi phản ánh khi trình duyệt tắt JavaScript (hướng dẫn bật lại)",
    content_types=["application/x-www-form-urlencoded", "multipart/form-data"],
    **HTML,
)
def feedback_lookup_without_script():
    """As `lookup_without_script`: the phone the form carries is neither echoed nor logged."""
    return page(
        "portal/feedback_lookup.html",
        nav="phan-anh",
        cache=PRIVATE,
        code="",
        notice=NO_SCRIPT,
    )


# /thong-ke (public statistics) is served by entrypoints/stats_api.py.


@route(
    bp,
    "/static/{name}",
    summary="Tệp tĩnh của trang web (CSS, JavaScript)",
    tag=TAG,
    content_type="text/*",
    pages=(404,),
)
def static_asset(name):
    return static(name)
