"""Open311 GeoReport v2 under /open311/v2, each resource as `.json` or `.xml`.

API Gateway and Chalice take a path parameter only as a whole segment, so `services.json` is
matched as `/open311/v2/{resource}` and split here; an unknown resource or format is a 404 in
the spec's error shape (XML when the format cannot be told). Errors never use the portal's JSON
error body here: Open311 clients expect `[{code, description}]` / `<errors>`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import parse_qs

from chalice import Blueprint, Response

from chalicelib.config import get_settings
from chalicelib.domain.errors import DomainError
from chalicelib.entrypoints.http import route
from chalicelib.entrypoints.open311_format import render
from chalicelib.services.shared.clock import now

if TYPE_CHECKING:
    from chalicelib.services.feedback.open311_intake import Open311Error

bp = Blueprint(__name__)
TAG = "Open311 GeoReport v2"
FORMATS = ("json", "xml")
FORM = "application/x-www-form-urlencoded"


def _param(name: str, description: str, where: str = "query") -> dict:
    return {"name": name, "in": where, "required": False, "description": description,
            "schema": {"type": "string"}}  # fmt: skip


REQUEST_FILTERS = [
    _param("service_request_id", "Danh sách mã, cách nhau dấu phẩy (bỏ qua các bộ lọc khác)"),
    _param("service_code", "Danh sách mã dịch vụ, cách nhau dấu phẩy"),
    _param("start_date", "W3C/ISO 8601; khoảng tối đa 90 ngày, mặc định 90 ngày gần nhất"),
    _param("end_date", "W3C/ISO 8601"),
    _param("status", "open, closed (cách nhau dấu phẩy)"),
    _param("jurisdiction_id", "Không bắt buộc; bỏ qua (một đơn vị)"),
]
FORM_FIELDS = {
    k: {"type": "string"}
    for k in (
        "api_key service_code lat long address_string address_id email device_id account_id "
        "first_name last_name phone description media_url jurisdiction_id"
    ).split()
}
OPEN311_ERRORS = {
    str(status): {
        "description": "Lỗi theo Open311: [{code, description}] hoặc <errors><error>…",
        "content": {"application/json": {"schema": {"type": "array"}}, "text/xml": {}},
    }
    for status in (400, 403, 404)
}


def _open311(
    path: str, summary: str, method: str = "GET", content_types: list | None = None, **extra: object
) -> Callable:
    """Register an Open311 resource: XML or JSON by its name's extension, the spec's errors."""
    return route(
        bp,
        f"/open311/v2/{path}",
        method,
        summary=summary,
        tag=TAG,
        content_type="text/xml",
        content_types=content_types,
        extra={**extra, "responses": OPEN311_ERRORS},
    )


def _split(name: str) -> tuple[str, str]:
    from chalicelib.services.feedback.open311_intake import Open311Error

    stem, dot, fmt = name.rpartition(".")
    if not dot or fmt not in FORMATS:
        raise Open311Error(404, (404, "Chỉ hỗ trợ định dạng .json hoặc .xml."))
    return stem, fmt


def _serve(name: str, work: Callable[[str, str], tuple[str, object]], status: int = 200):
    from chalicelib.services.feedback.open311_intake import Open311Error

    fmt = name.rpartition(".")[2] if name.rpartition(".")[2] in FORMATS else "xml"
    try:
        stem, fmt = _split(name)
        kind, payload = work(stem, fmt)
        return render(fmt, kind, payload, status)
    except DomainError as error:
        return _error(fmt, Open311Error.from_domain(error))
    except Open311Error as error:
        return _error(fmt, error)


def _error(fmt: str, error: Open311Error) -> Response:
    return render(fmt, "errors", error.errors, error.status)


def _query() -> dict:
    """Query parameters; one passed empty counts as absent (spec)."""
    raw = bp.current_request.query_params or {}
    return {k: v for k, v in raw.items() if v and v.strip()}


def _base_url() -> str:
    configured = get_settings().public_base_url
    if configured:
        return configured
    headers = bp.current_request.headers or {}
    proto = headers.get("x-forwarded-proto", "http" if get_settings().is_local else "https")
    return f"{proto}://{headers.get('host', 'localhost')}"


def _resource(stem: str, fmt: str) -> tuple[str, object]:
    from chalicelib.services.feedback import open311
    from chalicelib.services.feedback.open311_intake import Open311Error

    if stem == "discovery":
        return "discovery", open311.discovery(_base_url())
    if stem == "services":
        return "services", open311.services()
    if stem == "requests":
        return "requests", open311.query(_query(), now())
    raise Open311Error(404, (404, f"Không có tài nguyên '{stem}'."))


@_open311(
    "{resource}",
    "Open311: discovery, services, requests — `.json` hoặc `.xml` (ví dụ services.xml)",
    parameters=REQUEST_FILTERS,
)
def open311_get(resource):
    return _serve(resource, _resource)


def _form() -> dict:
    from chalicelib.services.feedback.open311_intake import Open311Error

    request = bp.current_request
    content_type = (request.headers or {}).get("content-type", FORM).split(";")[0].strip()
    if content_type.lower() != FORM:
        raise Open311Error(400, (400, f"Nội dung phải là {FORM}."))
    raw = request.raw_body or b""
    text = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else raw
    form: dict = {k: v for k, v in _query().items()}
    for key, values in parse_qs(text).items():
        form[key] = values if key.endswith("[]") else values[-1]
    return form


def _create(stem: str, fmt: str) -> tuple[str, object]:
    from chalicelib.services.feedback import open311
    from chalicelib.services.feedback.open311_intake import Open311Error

    if stem != "requests":
        raise Open311Error(404, (404, f"Không có tài nguyên '{stem}' để gửi."))
    return "requests", open311.create(_form(), now())


@_open311(
    "{resource}",
    "Open311: tạo yêu cầu (requests.json / requests.xml), form-urlencoded, cần api_key",
    "POST",
    content_types=[FORM, "*/*"],
    requestBody={
        "required": True,
        "content": {FORM: {"schema": {"type": "object", "properties": FORM_FIELDS}}},
    },
)
def open311_post(resource):
    return _serve(resource, _create)


@_open311(
    "services/{code_fmt}",
    "Open311: định nghĩa dịch vụ (thuộc tính), ví dụ services/moi_truong.json",
)
def open311_service(code_fmt):
    from chalicelib.services.feedback import open311

    return _serve(code_fmt, lambda code, fmt: ("service_definition", open311.definition(code)))


@_open311("requests/{id_fmt}", "Open311: một yêu cầu, ví dụ requests/PAKN-251127-ABCDE.json")
def open311_request(id_fmt):
    from chalicelib.services.feedback import open311

    return _serve(id_fmt, lambda request_id, fmt: ("requests", open311.one(request_id)))


@_open311(
    "tokens/{token_fmt}",
    "Open311: tra mã yêu cầu từ token (yêu cầu được tạo ngay nên không cấp token)",
)
def open311_token(token_fmt):
    from chalicelib.services.feedback.open311_intake import Open311Error

    def work(token: str, fmt: str):
        raise Open311Error(404, (404, f"Không có token '{token}'."))

    return _serve(token_fmt, work)
