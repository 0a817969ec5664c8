"""The working-day calendar: public (the year's days off and make-up days, and the due date the
portal itself would set) and its upkeep by administrators (no deploy needed)."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.domain.calendar import VN_TZ
from chalicelib.entrypoints import caching
from chalicelib.entrypoints.auth import require
from chalicelib.entrypoints.http import ok, query_params, route
from chalicelib.services.shared import clock
from chalicelib.services.shared.paging import DEFAULT_PAGE_SIZE

bp = Blueprint(__name__)
TAG = "Lịch làm việc"
ADMIN_TAG = "Quản trị lịch làm việc"


@route(
    bp,
    "/v1/calendar/due",
    summary="Ngày hẹn trả kết quả mà cổng sẽ đặt cho một thời hạn",
    tag=TAG,
    query="api/calendar-due.query.json",
    response="api/calendar-due.json",
    errors=(400, 404),
)
def calendar_due():
    from chalicelib.services.catalog import calendar_admin
    from chalicelib.services.dossiers import deadlines

    raw = dict(bp.current_request.query_params or {})
    if "from" in raw:
        # An unencoded "+07:00" arrives as " 07:00" (a "+" in a query string is a space).
        raw["from"] = raw["from"].replace(" ", "+")
        bp.current_request.query_params = raw
    params = query_params(bp.current_request, "api/calendar-due.query.json")
    agency_id = calendar_admin.resolve_agency(params.get("agency"))
    start = calendar_admin.parse_start(params["from"])
    processing_time = calendar_admin.processing_time(params)
    due = deadlines.due_from(start, processing_time, agency_id)
    return ok({"due_at": due.astimezone(VN_TZ).isoformat()})


@route(
    bp,
    "/v1/calendar/{year}",
    summary="Lịch ngày nghỉ, ngày làm bù và giờ làm việc của một năm",
    tag=TAG,
    query="api/calendar-year.query.json",
    response="api/calendar-year.json",
    errors=(400, 404),
)
def calendar_year(year, params):
    """Public and the same for everyone: kept 5 minutes, so an administrator's change shows
    within 5 minutes (due dates computed by the portal use it at once)."""
    from chalicelib.services.catalog import calendar_admin

    return ok(
        calendar_admin.year_view(
            calendar_admin.parse_year(year), calendar_admin.resolve_agency(params.get("agency"))
        ),
        headers={"Cache-Control": caching.SHORT},
    )


@route(
    bp,
    "/v1/admin/calendar/{year}",
    summary="Quản trị: ngày nghỉ thêm, ngày làm bù đang áp dụng của một năm",
    tag=ADMIN_TAG,
    response="api/admin-calendar-year.response.json",
    auth=("admin",),
    errors=(400, 401, 403),
)
def admin_calendar_year(year):
    from chalicelib.services.catalog import calendar_admin

    require(bp.current_request, "admin")
    return ok(calendar_admin.admin_year(calendar_admin.parse_year(year)))


@route(
    bp,
    "/v1/admin/calendar/{year}",
    method="PUT",
    summary="Quản trị: công bố ngày nghỉ thêm, ngày làm bù của một năm (có hiệu lực ngay)",
    tag=ADMIN_TAG,
    request="api/admin-calendar-year.json",
    response="api/admin-calendar-year.response.json",
    auth=("admin",),
    errors=(400, 401, 403, 409),
)
def publish_calendar_year(year, principal, body):
    from chalicelib.services.catalog import calendar_admin

    return ok(
        calendar_admin.publish_year(calendar_admin.parse_year(year), body, principal, clock.now())
    )


@route(
    bp,
    "/v1/admin/office-hours/{agency}",
    summary="Quản trị: giờ làm việc của cơ quan",
    tag=ADMIN_TAG,
    response="api/admin-office-hours.response.json",
    auth=("admin",),
    errors=(401, 403, 404),
)
def office_hours(agency, principal):
    from chalicelib.services.catalog import calendar_admin

    return ok(calendar_admin.admin_office_hours(agency, principal))


@route(
    bp,
    "/v1/admin/office-hours/{agency}",
    method="PUT",
    summary="Quản trị: đặt giờ làm việc (và giờ tiếp nhận thứ Bảy) của cơ quan",
    tag=ADMIN_TAG,
    request="api/admin-office-hours.json",
    response="api/admin-office-hours.response.json",
    auth=("admin",),
    errors=(400, 401, 403, 404, 409),
)
def set_office_hours(agency, principal, body):
    from chalicelib.services.catalog import calendar_admin

    return ok(calendar_admin.set_office_hours(agency, body, principal, clock.now()))


@route(
    bp,
    "/v1/admin/calendar-audit",
    summary="Quản trị: nhật ký thay đổi lịch làm việc",
    tag=ADMIN_TAG,
    query="api/admin-calendar-audit.query.json",
    response="api/admin-calendar-audit.json",
    auth=("admin",),
    errors=(400, 401, 403),
)
def calendar_audit():
    from chalicelib.services.catalog import calendar_admin

    require(bp.current_request, "admin")
    params = query_params(bp.current_request, "api/admin-calendar-audit.query.json")
    items, token = calendar_admin.audit(
        params.get("page_size", DEFAULT_PAGE_SIZE), params.get("page_token")
    )
    return ok({"items": items, "next_page_token": token})
