"""Open311 GeoReport v2 over our feedback (PAKN): discovery, services (the feedback categories),
service definitions, creating a request (form fields, `api_key` required) and querying them.

Payloads here are plain data; entrypoints/open311_format.py writes them as JSON or XML. Our
statuses collapse to `open` / `closed` with the Vietnamese detail in `status_notes`. Nothing
personal ever leaves: the sender stays private, and the description, location and media of a
request are what `Feedback.disclosure()` allows, as on the web API: shown only once an officer
published the result and the sender agreed to make them public (attribute `public`, default
no). Requests are created synchronously (services are `realtime`), so POST answers a
`service_request_id` and no token is ever issued: every `tokens/{token}` is a 404.
"""

from __future__ import annotations

import hmac
from datetime import datetime, timedelta

from chalicelib.config import get_settings
from chalicelib.domain.calendar import VN_TZ
from chalicelib.domain.errors import DomainError
from chalicelib.domain.feedback import Category, Feedback, Status
from chalicelib.integrations import secrets
from chalicelib.persistence import feedback_store
from chalicelib.services.feedback import intake as feedback_service
from chalicelib.services.feedback import open311_intake as intake
from chalicelib.services.feedback import views as feedback_views
from chalicelib.services.feedback.open311_intake import Open311Error

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-27T00:00:00+07:00"
GROUP = "Phản ánh, kiến nghị"
WINDOW = timedelta(days=90)
CAP = 1000
MAX_IDS = 100
KEYWORDS = {
    Category.THU_TUC_HANH_CHINH: "thủ tục hành chính, hồ sơ, chậm trễ, phiền hà",
    Category.QUY_DINH_HANH_CHINH: "quy định, văn bản, kiến nghị, sáng kiến",
    Category.THAI_DO_CAN_BO: "cán bộ, công chức, thái độ, phục vụ",
    Category.CO_SO_HA_TANG: "đường, ổ gà, đèn, chiếu sáng, cống, thoát nước",
    Category.MOI_TRUONG: "rác, ô nhiễm, môi trường, vệ sinh",
    Category.TRAT_TU_DO_THI: "vỉa hè, lấn chiếm, xây dựng, đô thị",
    Category.KHAC: "khác",
}


def discovery(base_url: str) -> dict:
    settings = get_settings()
    return {
        "changeset": CHANGESET,
        "contact": "Trung tâm Phục vụ hành chính công tỉnh",
        "key_service": "Liên hệ Trung tâm Phục vụ hành chính công để được cấp api_key.",
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": f"{base_url}/open311/v2",
                "changeset": CHANGESET,
                "type": "production" if settings.stage == "prod" else "test",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }


def services() -> list[dict]:
    return [
        {
            "service_code": c.value,
            "service_name": c.label,
            "description": c.description,
            "metadata": True,
            "type": "realtime",
            "keywords": KEYWORDS[c],
            "group": GROUP,
        }
        for c in Category
    ]


def definition(code: str) -> dict:
    return {"service_code": _category(code).value, "attributes": intake.attributes()}


def _category(code: str) -> Category:
    if code not in {c.value for c in Category}:
        raise Open311Error(404, (404, f"Không có dịch vụ (service_code) '{code}'."))
    return Category(code)


def create(form: dict, now: datetime) -> list[dict]:
    """POST requests: check the api_key (403), the service (400 when not provided, 404 when
    unknown, as the spec's error list says) and the fields (400)."""
    _check_key(form.get("api_key"))
    if not (form.get("service_code") or "").strip():
        raise Open311Error(400, (400, "service_code: Bắt buộc phải chọn dịch vụ (loại phản ánh)"))
    _category(form["service_code"])
    body = intake.feedback_body(form)
    try:
        created = feedback_service.submit(body, None, now, channel="open311")
    except DomainError as error:
        raise Open311Error.from_domain(error) from error
    return [
        {
            "service_request_id": created["id"],
            "service_notice": "Đã tiếp nhận phản ánh, kiến nghị; hạn phân loại, chuyển xử lý: "
            f"{created['forward_by']}.",
        }
    ]


def _check_key(key: str | None) -> None:
    keys = secrets.app_secrets().open311_api_keys
    if not key or not any(hmac.compare_digest(key.encode(), k.encode()) for k in keys):
        raise Open311Error(403, (403, "Thiếu api_key hoặc api_key không hợp lệ."))


def one(request_id: str) -> list[dict]:
    found = feedback_store.get(request_id)
    if found is None:
        raise Open311Error(404, (404, f"Không có yêu cầu (service_request_id) '{request_id}'."))
    return [request_item(found)]


def query(params: dict, now: datetime) -> list[dict]:
    """GET requests: ids override everything; otherwise service codes, status and a window of
    at most 90 days (default: the last 90), newest first, at most 1000."""
    if params.get("service_request_id"):
        ids = [i.strip() for i in params["service_request_id"].split(",") if i.strip()]
        if len(ids) > MAX_IDS:
            raise Open311Error(400, (400, f"Tối đa {MAX_IDS} service_request_id mỗi lần."))
        return [request_item(f) for f in feedback_store.get_many(ids)]
    start, end = intake.window(params.get("start_date"), params.get("end_date"), now, WINDOW)
    statuses = intake.statuses(params.get("status"))
    codes = intake.service_codes(params.get("service_code"))
    found: list[Feedback] = []
    for code in codes:
        found += feedback_store.service_window(
            code,
            start.astimezone(VN_TZ).isoformat(),
            end.astimezone(VN_TZ).isoformat(),
            statuses,
            CAP,
        )
    found.sort(key=lambda f: (f.received_at, f.id), reverse=True)
    return [request_item(f) for f in found[:CAP]]


def request_item(f: Feedback) -> dict:
    shown = f.disclosure()
    location = shown.location
    return {
        "service_request_id": f.id,
        "status": "open" if f.is_open else "closed",
        "status_notes": status_notes(f),
        "service_name": f.category.label,
        "service_code": f.category.value,
        "description": shown.content,
        "agency_responsible": feedback_views.agency(f.agency_id)["name"],
        "service_notice": None,
        "requested_datetime": f.received_at.isoformat(),
        "updated_datetime": (f.updated_at or f.received_at).isoformat(),
        "expected_datetime": f.overdue_at.isoformat() if f.is_open else None,
        "address": location.get("address"),
        "address_id": location.get("address_id"),
        "zipcode": None,
        "lat": location.get("lat"),
        "long": location.get("long"),
        "media_url": next(iter(shown.media_urls), None),
    }


def status_notes(f: Feedback) -> str:
    notes = f.status.label
    if f.status is Status.FORWARDED and f.forwarded_to:
        target = f.forwarded_to["agency"]
        if not f.forwarded_to.get("external"):
            target = feedback_views.agency(target)["name"]
        notes += f": {target}"
    answer = f.disclosure().answer
    if answer:
        notes += f". Trả lời: {answer}"
    return notes
