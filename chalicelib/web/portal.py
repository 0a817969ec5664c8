"""What the portal's pages show: plain Vietnamese labels for catalog codes, the browse filters,
and the static assets (served by the app under /static/, fingerprinted so browsers cache them
for a long time and still see a new version at once)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from chalicelib.domain.catalog import Catalog, Offering, Procedure

STATIC = Path(__file__).resolve().parent / "static"
STATIC_TYPES = {
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
}
LEVEL_LABELS = {
    2: "Mức 2: cung cấp thông tin, biểu mẫu (nộp tại Bộ phận Một cửa)",
    3: "Dịch vụ công trực tuyến một phần",
    4: "Dịch vụ công trực tuyến toàn trình",
}
LEVEL_SHORT = {2: "Nộp trực tiếp", 3: "Trực tuyến một phần", 4: "Trực tuyến toàn trình"}
UNIT_LABELS = {
    "working_days": "ngày làm việc",
    "days": "ngày",
    "hours": "giờ làm việc",
}
GOVERNMENT_LEVELS = {"province": "Cấp tỉnh", "commune": "Cấp xã", "centre": "Cấp tỉnh"}
AGENCY_GROUPS = (
    ("centre", "Trung tâm Phục vụ hành chính công"),
    ("province", "Sở, ngành và cơ quan cấp tỉnh"),
    ("commune", "Ủy ban nhân dân, Công an cấp xã"),
)
SUBJECTS = {"ca_nhan": "Cá nhân", "to_chuc": "Tổ chức, doanh nghiệp"}
DELIVERY = {
    "online": "Nhận bản điện tử trên Cổng (tải về)",
    "post": "Nhận qua dịch vụ bưu chính công ích",
    "counter": "Nhận trực tiếp tại Bộ phận Một cửa",
}
NOTIFY = {"sms": "Tin nhắn SMS", "zalo": "Zalo", "email": "Thư điện tử (email)"}
FILE_TYPES = {
    "application/pdf": "PDF",
    "image/jpeg": "JPG",
    "image/png": "PNG",
    "application/xml": "XML",
}
DOCUMENT_KINDS = {
    "result": "Kết quả giải quyết (đã ký số)",
    "form": "Mẫu phiếu của cơ quan (đã ký số)",
    "attachment": "Tệp đã nộp",
}
PAGE_SIZE = 20


@lru_cache(maxsize=64)
def _fingerprint(name: str) -> str:
    return hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:10]


def static_url(name: str) -> str:
    return f"/static/{name}?v={_fingerprint(name)}"


def static_file(name: str) -> tuple[str, str] | None:
    """(content type, text) of a static asset, or None for anything not directly in static/."""
    path = (STATIC / name).resolve()
    if path.parent != STATIC or path.suffix not in STATIC_TYPES or not path.is_file():
        return None
    return STATIC_TYPES[path.suffix], path.read_text(encoding="utf-8")


def processing_time(source: Procedure | Offering) -> str:
    """The time limit in words, of a procedure or of one agency performing it."""
    pt = source.processing_time
    if pt.get("same_day"):
        return "Trong ngày làm việc (hồ sơ nhận sau 15 giờ trả trong ngày làm việc tiếp theo)"
    value = pt["value"]
    value = int(value) if float(value).is_integer() else value
    return f"{value} {UNIT_LABELS.get(pt['unit'], pt['unit'])}"


def online_fee(source: Procedure | Offering) -> int | None:
    all_fees = source.fees if isinstance(source, Offering) else source.data.get("fees", [])
    fees = [f for f in all_fees if f["channel"] == "online"]
    return int(fees[0]["amount"]) if fees else None


def performers_label(offerings: tuple[Offering, ...]) -> str:
    """Who performs a procedure, in a few words: the agency, or how many communes and others."""
    if len(offerings) == 1:
        return offerings[0].agency.name
    communes = sum(1 for o in offerings if o.agency.level == "commune")
    if communes == len(offerings):
        return f"{communes} xã, phường (nộp tại nơi thuận tiện)"
    return f"{len(offerings)} cơ quan (chọn nơi nộp)"


def chosen_offering(catalog: Catalog, code: str, agency_ref: str | None) -> Offering | None:
    """The agency the citizen picked (if it performs the procedure), or the only one there is."""
    offering = catalog.offering(code, agency_ref) if agency_ref else None
    offerings = catalog.offerings(code)
    return offering or (offerings[0] if len(offerings) == 1 else None)


def file_types(types: list[str]) -> str:
    return ", ".join(FILE_TYPES.get(t, t) for t in types)


def field_names(catalog: Catalog) -> dict[str, str]:
    return {f["code"]: f["name"] for f in catalog.fields}


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    count: int


def browse_options(catalog: Catalog) -> dict[str, list[Option]]:
    """Fields and agencies that have at least one procedure, with how many, for the filters."""
    names = field_names(catalog)
    by_field: dict[str, int] = {}
    by_agency: dict[str, int] = {}
    for p in catalog.procedures.values():
        by_field[p.field] = by_field.get(p.field, 0) + 1
        for offering in catalog.offerings(p.code):
            by_agency[offering.agency.id] = by_agency.get(offering.agency.id, 0) + 1
    fields = sorted(
        (Option(code, names.get(code, code), n) for code, n in by_field.items()),
        key=lambda o: o.label,
    )
    order = {level: i for i, (level, _) in enumerate(AGENCY_GROUPS)}
    agencies = sorted(
        (
            Option(a.id, a.name, by_agency[a.id])
            for a in catalog.agencies.values()
            if a.id in by_agency
        ),
        key=lambda o: (order.get(catalog.agencies[o.value].level, 9), o.label),
    )
    return {"fields": fields, "agencies": agencies}


def agency_groups(catalog: Catalog) -> list[tuple[str, list[Option]]]:
    options = browse_options(catalog)["agencies"]
    return [
        (title, [o for o in options if catalog.agencies[o.value].level == level])
        for level, title in AGENCY_GROUPS
        if any(catalog.agencies[o.value].level == level for o in options)
    ]


def card(procedure: Procedure, catalog: Catalog, agency_ref: str | None = None) -> dict:
    """A search result; with an agency chosen, its own time limit and fee."""
    chosen = chosen_offering(catalog, procedure.code, agency_ref)
    source = chosen or procedure
    return {
        "code": procedure.code,
        "name": procedure.name,
        "agency": chosen.agency.name
        if chosen
        else performers_label(catalog.offerings(procedure.code)),
        "agency_id": chosen.agency.id if chosen and agency_ref else None,
        "field": field_names(catalog).get(procedure.field, procedure.field),
        "level": procedure.level,
        "level_label": LEVEL_SHORT.get(procedure.level, ""),
        "time": processing_time(source),
        "fee": online_fee(source) if procedure.is_online else None,
    }
