"""Open311 request parameters turned into ours: the attributes of every service definition, a
POSTed form into a feedback body, and the filters of GET requests. Problems are 400s in the
spec's error shape (several at once); an optional parameter passed empty counts as absent."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from chalicelib.domain.calendar import VN_TZ
from chalicelib.domain.errors import DomainError
from chalicelib.domain.feedback import HTTPS_ONLY, Category, is_https_url
from chalicelib.services.catalog import reads as catalog_service

MAX_DESCRIPTION = 4000
PROCEDURE_CODE = re.compile(r"^[0-9]\.[0-9]{6}$")
DOSSIER_CODE = re.compile(r"^[0-9A-Z.]{1,40}-[0-9]{6}-[0-9]{4}$")
PHONE = re.compile(r"(0|\+84)[0-9]{9}")  # schemas/api/common.json, `phone`
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
YES_NO = [{"key": "true", "name": "Đồng ý công khai"}, {"key": "false", "name": "Không công khai"}]


def _attribute(order: int, code: str, datatype: str, description: str, **extra) -> dict:
    return {
        "variable": True,
        "code": code,
        "datatype": datatype,
        "required": False,
        "datatype_description": extra.pop("datatype_description", ""),
        "order": order,
        "description": description,
        **extra,
    }


def attributes() -> list[dict]:
    catalog = catalog_service.get_catalog()
    agencies = [{"key": a.id, "name": a.name} for a in catalog.agencies.values()]
    return [
        _attribute(1, "title", "string", "Tiêu đề phản ánh (tối đa 200 ký tự)"),
        _attribute(
            2,
            "public",
            "singlevaluelist",
            "Người gửi đồng ý công khai nội dung, địa điểm và kết quả trả lời (mặc định: không)",
            values=YES_NO,
        ),
        _attribute(3, "agency", "singlevaluelist", "Cơ quan tiếp nhận", values=agencies),
        _attribute(
            4,
            "procedure_code",
            "string",
            "Mã thủ tục hành chính liên quan",
            datatype_description="Dạng 1.001193",
        ),
        _attribute(
            5,
            "dossier_code",
            "string",
            "Mã hồ sơ liên quan",
            datatype_description="Dạng 000.00.40.H06-251127-0001",
        ),
    ]


class Open311Error(Exception):
    """Errors in the spec's shape: HTTP 404, 403 or 400, each with `{code, description}`."""

    def __init__(self, status: int, *errors: tuple[int | str, str]):
        super().__init__(errors[0][1] if errors else "")
        self.status = status
        self.errors = [{"code": code, "description": text} for code, text in errors]

    @classmethod
    def from_domain(cls, error: DomainError) -> Open311Error:
        status = error.status if error.status in (403, 404) else 400
        details = [(error.status, f"{d.field}: {d.message}") for d in error.details]
        return cls(status, *(details or [(error.status, error.message)]))


def _error(problems: list[tuple[int, str]]) -> Open311Error:
    return Open311Error(400, *problems)


def feedback_body(form: dict) -> dict:
    """A feedback body from a POSTed form (field names of the spec)."""
    problems: list[tuple[int, str]] = []
    description = (form.get("description") or "").strip()
    if not description:
        problems.append((400, "description: Bắt buộc phải nhập nội dung phản ánh"))
    elif len(description) > MAX_DESCRIPTION:
        problems.append((400, f"description: Tối đa {MAX_DESCRIPTION} ký tự"))
    location = _location(form, problems)
    attrs = _attributes(form, problems)
    if form.get("media_url") and not is_https_url(form["media_url"]):
        problems.append((400, f"media_url: {HTTPS_ONLY}"))
    phone, email = _contact(form, problems)
    if problems:
        raise _error(problems)
    name = " ".join(p for p in (form.get("last_name"), form.get("first_name")) if p).strip()
    body = {
        "title": attrs.get("title"),
        "content": description,
        "category": form["service_code"],
        "public": attrs.get("public") == "true",
        "agency": attrs.get("agency"),
        "procedure_code": attrs.get("procedure_code"),
        "dossier_code": attrs.get("dossier_code"),
        "sender": {
            "full_name": name[:200],
            "phone": phone,
            "email": email,
            "open311_account_id": form.get("account_id"),
            "open311_device_id": form.get("device_id"),
        },
        "location": location,
        "attachments": [{"url": form["media_url"]}] if form.get("media_url") else [],
    }
    return body


def _contact(form: dict, problems: list) -> tuple[str, str]:
    """The sender's phone and email, checked as the web API's schema checks them (a phone may
    be written with spaces, dots or dashes): they are where the answer is sent."""
    phone = re.sub(r"[\s.-]", "", form.get("phone") or "")
    email = (form.get("email") or "").strip()
    if phone and not PHONE.fullmatch(phone):
        problems.append((400, "phone: Phải gồm 10 chữ số, bắt đầu bằng 0 (hoặc +84)"))
    if email and (len(email) > 254 or not EMAIL.fullmatch(email)):
        problems.append((400, "email: Địa chỉ email không hợp lệ"))
    return phone, email


def _location(form: dict, problems: list) -> dict:
    lat, long_ = form.get("lat"), form.get("long")
    address, address_id = form.get("address_string"), form.get("address_id")
    location: dict = {}
    if lat or long_:
        try:
            location["lat"], location["long"] = float(lat), float(long_)
            if not (-90 <= location["lat"] <= 90 and -180 <= location["long"] <= 180):
                raise ValueError
        except (TypeError, ValueError):
            problems.append((400, "lat, long: Phải có cả vĩ độ và kinh độ hợp lệ (WGS84)"))
    if address:
        location["address"] = address.strip()[:500]
    if address_id:
        location["address_id"] = address_id.strip()[:100]
    if not (lat or long_ or address or address_id):
        problems.append((400, "location: Cần lat và long, hoặc address_string, hoặc address_id"))
    return location


def _attributes(form: dict, problems: list) -> dict:
    found = {}
    for key, value in form.items():
        match = re.fullmatch(r"attribute\[([A-Za-z0-9_]+)\](\[\])?", key)
        if match and value:
            found[match.group(1)] = value[-1] if isinstance(value, list) else value
    checks = {
        "public": lambda v: v in ("true", "false"),
        "agency": lambda v: catalog_service.get_catalog().agency(v) is not None,
        "procedure_code": PROCEDURE_CODE.fullmatch,
        "dossier_code": DOSSIER_CODE.fullmatch,
        "title": lambda v: len(v) <= 200,
    }
    for code, ok in checks.items():
        if code in found and not ok(found[code]):
            problems.append((400, f"attribute[{code}]: Giá trị không hợp lệ"))
    return found


def _parse_time(name: str, text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise _error(
            [(400, f"{name}: Phải theo W3C/ISO 8601, ví dụ 2026-01-01T00:00:00Z")]
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=VN_TZ)


def window(
    start_text: str | None, end_text: str | None, now: datetime, span: timedelta
) -> tuple[datetime, datetime]:
    start, end = _parse_time("start_date", start_text), _parse_time("end_date", end_text)
    if start is None and end is None:
        end = now
    if start is None:
        start = end - span
    if end is None:
        end = start + span
    if end < start:
        raise _error([(400, "end_date: Phải sau start_date")])
    if end - start > span:
        raise _error([(400, f"start_date, end_date: Khoảng thời gian tối đa {span.days} ngày")])
    return start, end


def statuses(text: str | None) -> list[str]:
    wanted = [s.strip() for s in (text or "").split(",") if s.strip()]
    unknown = [s for s in wanted if s not in ("open", "closed")]
    if unknown:
        raise _error([(400, "status: Chỉ nhận open, closed")])
    return sorted(set(wanted)) if set(wanted) != {"open", "closed"} else []


def service_codes(text: str | None) -> list[str]:
    """The requested categories we know (others match nothing); all when none is given."""
    known = [c.value for c in Category]
    wanted = [s.strip() for s in (text or "").split(",") if s.strip()]
    return [c for c in known if c in wanted] if wanted else known
