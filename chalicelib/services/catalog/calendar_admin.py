"""The calendar every deadline uses, and its upkeep without a deploy.

An administrator of a province-level agency (or of the service centre) publishes a year's
extra days off and make-up working days; an agency's administrator sets that agency's office
hours (and its Saturday reception, if any). Both are validated, audited and take effect for
new deadlines at once in the container that published them and within CATALOG_CACHE_SECONDS
everywhere else (the published items are re-read with one Query at most that often).
"""

from __future__ import annotations

import threading
import time
from datetime import date, datetime

from chalicelib.config import get_settings
from chalicelib.domain.calendar import OfficeHours, WorkingCalendar, override_errors
from chalicelib.domain.errors import FieldError, Forbidden, NotFound, ValidationFailed
from chalicelib.domain.principal import Principal
from chalicelib.persistence import calendar_store
from chalicelib.services.catalog import reads as catalog_service
from chalicelib.services.catalog.calendar_source import (
    CalendarDataError,
    YearOverrides,
    build_calendar,
    calendar_data,
    read_overrides,
)
from chalicelib.services.shared import paging

CALENDAR_ADMIN_LEVELS = frozenset({"province", "centre"})
AUDIT_SCOPE = "calendar-audit"
_lock = threading.Lock()
_state: dict = {"items": None, "checked_at": 0.0}


def _published() -> dict[str, tuple[dict, int]]:
    with _lock:
        now = time.monotonic()
        items = _state["items"]
        if items is None or now - _state["checked_at"] >= get_settings().catalog_cache_seconds:
            items = calendar_store.load_all()
            _state["items"], _state["checked_at"] = items, now
        return items


def invalidate() -> None:
    with _lock:
        _state["items"], _state["checked_at"] = None, 0.0


def published_years() -> tuple[YearOverrides, ...]:
    items = _published()
    return tuple(
        YearOverrides.from_document(data, key)
        for key, (data, _) in sorted(items.items())
        if key.startswith("YEAR#")
    )


def agency_hours(agency_id: str | None) -> dict:
    """{"weekdays": "07:00-11:30,13:30-17:00", "saturday": "07:30-11:30" | None}."""
    default = {"weekdays": get_settings().office_hours, "saturday": None}
    if not agency_id:
        return default
    data, _ = _published().get(calendar_store.hours_key(agency_id), ({}, 0))
    return default | data


def working_calendar(agency_id: str | None = None) -> WorkingCalendar:
    """The calendar for deadlines of `agency_id` (its office hours), or the default one."""
    return build_calendar(agency_hours(agency_id)["weekdays"], published_years())


def year_view(year: int, agency_id: str | None = None) -> dict:
    """The public calendar of one year: every day off with its name and every make-up day."""
    data = calendar_data(published_years())
    if year not in data.years:
        raise NotFound(
            f"Chưa có lịch năm {year} (có các năm {data.years.start}–{data.years.stop - 1})."
        )
    off = {d: n for d, n in data.holidays.items() if d.year == year}
    off |= {d: r for d, r in data.days_off.items() if d.year == year}
    worked = {d: r for d, r in data.working_days.items() if d.year == year}
    hours = agency_hours(agency_id)
    return {
        "year": year,
        "days_off": [
            {"date": d.isoformat(), "name": n} for d, n in sorted(off.items()) if d not in worked
        ],
        "working_days": [{"date": d.isoformat(), "name": n} for d, n in sorted(worked.items())],
        "office_hours": _hours_view(hours, agency_id),
    }


def _hours_view(hours: dict, agency_id: str | None) -> dict:
    sessions = OfficeHours.from_string(hours["weekdays"]).sessions
    return {
        "agency": agency_id,
        "weekdays": [_session(s) for s in sessions],
        "saturday": [_session(s) for s in _saturday_sessions(hours["saturday"])],
        "same_day_cutoff": "15:00",
    }


def _session(session) -> dict:
    start, end = session
    return {"start": start.strftime("%H:%M"), "end": end.strftime("%H:%M")}


def _saturday_sessions(text: str | None) -> list:
    if not text:
        return []
    start, _, end = text.partition("-")
    return [
        (
            datetime.strptime(start.strip(), "%H:%M").time(),
            datetime.strptime(end.strip(), "%H:%M").time(),
        )
    ]


def _require_calendar_admin(principal: Principal) -> None:
    agency = catalog_service.get_catalog().agency(principal.agency or "")
    if principal.role != "admin" or agency is None or agency.level not in CALENDAR_ADMIN_LEVELS:
        raise Forbidden("Chỉ quản trị viên cấp tỉnh được công bố lịch nghỉ, làm bù.")


def admin_year(year: int) -> dict:
    """What the console edits: the year's current overrides (published, else from the files)."""
    items = _published()
    data, version = items.get(calendar_store.year_key(year), (None, 0))
    if data is None:
        files = {item.year: item for item in read_overrides()}
        data = (files[year] if year in files else YearOverrides(year, (), ())).to_document()
    return {**data, "version": version, "published": version > 0}


def publish_year(year: int, body: dict, principal: Principal, now: datetime) -> dict:
    """Validate and publish a year's days off and make-up working days (audited)."""
    _require_calendar_admin(principal)
    document = {
        "year": year,
        "days_off": body["days_off"],
        "working_days": body["working_days"],
        "holidays_not_observed": body.get("holidays_not_observed", []),
    }
    errors = _date_errors(document)
    if errors:
        raise ValidationFailed("Lịch nghỉ, làm bù không hợp lệ.", errors)
    errors = override_errors(
        year,
        (date.fromisoformat(e["date"]) for e in document["days_off"]),
        (date.fromisoformat(e["date"]) for e in document["working_days"]),
    )
    if errors:
        raise ValidationFailed("Lịch nghỉ, làm bù không hợp lệ.", errors)
    try:
        overrides = YearOverrides.from_document(document, str(year))
    except CalendarDataError as exc:
        raise ValidationFailed(
            "Lịch nghỉ, làm bù không hợp lệ.", [FieldError("days_off", str(exc))]
        ) from None
    before = admin_year(year)
    version = calendar_store.save(
        calendar_store.year_key(year),
        overrides.to_document(),
        body["version"],
        {"subject": principal.subject, "role": principal.role, "agency": principal.agency},
        {k: v for k, v in before.items() if k not in ("version", "published")},
        now,
    )
    invalidate()
    return {**overrides.to_document(), "version": version, "published": True}


def _date_errors(document: dict) -> list[FieldError]:
    """Dates that look like YYYY-MM-DD but do not exist (2026-02-30)."""
    errors = []
    for name in ("days_off", "working_days", "holidays_not_observed"):
        for index, entry in enumerate(document[name]):
            try:
                date.fromisoformat(entry["date"])
            except ValueError:
                errors.append(FieldError(f"{name}[{index}].date", "Ngày không tồn tại"))
    return errors


def set_office_hours(agency_id: str, body: dict, principal: Principal, now: datetime) -> dict:
    """An agency's weekday sessions (used for its deadlines) and Saturday reception hours."""
    agency = catalog_service.get_catalog().agency(resolve_agency(agency_id))
    if principal.role != "admin" or principal.agency != agency.id:
        raise Forbidden("Chỉ quản trị viên của cơ quan được đổi giờ làm việc của cơ quan.")
    data = {"weekdays": body["weekdays"], "saturday": body.get("saturday")}
    try:
        OfficeHours.from_string(data["weekdays"])
        _saturday_sessions(data["saturday"])
    except ValueError as exc:
        raise ValidationFailed(
            "Giờ làm việc không hợp lệ.", [FieldError("weekdays", str(exc))]
        ) from None
    key = calendar_store.hours_key(agency.id)
    before, _ = _published().get(key, (None, 0))
    new_version = calendar_store.save(
        key,
        data,
        body["version"],
        {"subject": principal.subject, "role": principal.role, "agency": principal.agency},
        before,
        now,
    )
    invalidate()
    return {"agency": agency.id, **data, "version": new_version}


def audit(page_size: int, page_token: str | None) -> tuple[list[dict], str | None]:
    """Who published what, newest first."""
    state = paging.decode(page_token, AUDIT_SCOPE) or {}
    items, last = calendar_store.audit_entries(page_size, state.get("k"))
    return items, paging.scoped({"k": last} if last else None, AUDIT_SCOPE)


def resolve_agency(reference: str | None) -> str | None:
    """An agency named by its portal id or its official identifier (id_code), as its id."""
    if not reference:
        return None
    catalog = catalog_service.get_catalog()
    agency = catalog.agency(reference) or next(
        (a for a in catalog.agencies.values() if a.id_code == reference), None
    )
    if agency is None:
        raise NotFound(f"Không tìm thấy cơ quan {reference}.")
    return agency.id


def parse_year(text: str) -> int:
    if not (text.isdigit() and len(text) == 4):
        raise ValidationFailed("Năm không hợp lệ.", [FieldError("year", "Phải là năm, ví dụ 2026")])
    return int(text)


def parse_start(text: str) -> datetime:
    """The `from` of a due-date query: a real instant inside the years the calendar covers."""
    try:
        start = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValidationFailed(
            "Thời điểm bắt đầu không hợp lệ.", [FieldError("from", "Không phải thời điểm hợp lệ")]
        ) from None
    years = calendar_data(published_years()).years
    if start.year not in years:
        raise ValidationFailed(
            "Thời điểm bắt đầu nằm ngoài các năm có lịch.",
            [FieldError("from", f"Phải thuộc các năm {years.start}–{years.stop - 1}")],
        )
    return start


def processing_time(params: dict) -> dict:
    """The procedure-style time limit of a `GET /v1/calendar/due` query."""
    if params["unit"] == "same_day":
        return {"value": 1, "unit": "working_days", "same_day": True}
    if "amount" not in params:
        raise ValidationFailed(
            "Thiếu thời hạn.", [FieldError("amount", "Bắt buộc khi unit khác same_day")]
        )
    amount = params["amount"]
    if params["unit"] == "days" and amount != int(amount):
        raise ValidationFailed(
            "Thời hạn tính theo ngày phải là số nguyên.", [FieldError("amount", "Số nguyên")]
        )
    return {"value": amount, "unit": params["unit"], "same_day": False}


def admin_office_hours(reference: str, principal: Principal) -> dict:
    agency_id = resolve_agency(reference)
    if principal.agency != agency_id:
        raise Forbidden("Chỉ quản trị viên của cơ quan được xem, đổi giờ làm việc của cơ quan.")
    _, version = _published().get(calendar_store.hours_key(agency_id), ({}, 0))
    return {"agency": agency_id, **agency_hours(agency_id), "version": version}
