"""The local stage's stand-in of the national portal's sync service (`make run`, tests): it
receives the province's sync records, checks and keeps them, shows what it received and can be
told to fail. Every route is refused (404) on every other stage."""

from __future__ import annotations

import json

from chalice import Blueprint

from chalicelib.domain.errors import FieldError, PayloadTooLarge, ValidationFailed
from chalicelib.domain.paths import NATIONAL_STANDIN_PATH as STANDIN_PATH
from chalicelib.entrypoints.auth import local_only
from chalicelib.entrypoints.http import MAX_BODY_BYTES, json_body, ok, route
from chalicelib.services.shared.clock import now

bp = Blueprint(__name__)
TAG = "Môi trường thử (local)"


@route(
    bp,
    f"{STANDIN_PATH}/dossiers/{{code}}/statuses",
    "POST",
    summary="Dịch vụ đồng bộ quốc gia giả lập: nhận một bản ghi trạng thái hồ sơ",
    tag=TAG,
    request="data/national-sync-record.json",
    response="api/national-standin-ack.json",
    errors=(401, 404, 409, 413, 422, 504),
)
def receive_sync_record(code):
    from chalicelib.services.national_portal import standin

    local_only()
    request = bp.current_request
    raw = request.raw_body or b""
    if len(raw) > MAX_BODY_BYTES:
        raise PayloadTooLarge()
    try:
        record = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise ValidationFailed(
            "Nội dung không phải JSON hợp lệ.", [FieldError("(body)", "JSON không hợp lệ")]
        ) from None
    authorization = (request.headers or {}).get("authorization", "")
    return ok(standin.receive(code, record, authorization, now()))


@route(
    bp,
    f"{STANDIN_PATH}/dossiers/{{code}}",
    summary="Dịch vụ đồng bộ quốc gia giả lập: các bản ghi đã nhận của một hồ sơ, cũ nhất trước",
    tag=TAG,
    response="api/national-standin-received.json",
    errors=(404,),
)
def received_sync_records(code):
    from chalicelib.services.national_portal import standin

    local_only()
    return ok(standin.received(code))


@route(
    bp,
    f"{STANDIN_PATH}/faults",
    "PUT",
    summary="Dịch vụ đồng bộ quốc gia giả lập: báo lỗi theo yêu cầu (kiểm thử sự cố)",
    tag=TAG,
    request="api/national-standin-fault.json",
    response="api/national-standin-fault.response.json",
    errors=(404,),
)
def set_sync_fault():
    from chalicelib.services.national_portal import standin

    local_only()
    body = json_body(bp.current_request, "api/national-standin-fault.json")
    return ok(standin.set_fault(body, now()))
