"""Officers: the agency inbox, counter and postal intake, a dossier with its attachments and
history, workflow actions, the result document and its shipment, the printable forms, and the
agency's tracking register (Form 07)."""

from __future__ import annotations

from datetime import date

from chalice import Blueprint

from chalicelib.domain.principal import OFFICER_ROLES, RECEPTIONISTS, REGISTER_KEEPERS
from chalicelib.entrypoints.auth import citizen_from_token, require
from chalicelib.entrypoints.http import idempotent_create, json_body, ok, query_params, routes_of
from chalicelib.services.shared.clock import now
from chalicelib.web.pages import printable

bp = Blueprint(__name__)
TAG = "Cán bộ xử lý hồ sơ"

officer_route = routes_of(bp, tag=TAG, auth=OFFICER_ROLES)

officer_route.listing(
    "/v1/officer/dossiers",
    "chalicelib.services.dossiers.inbox:inbox",
    summary="Hồ sơ của cơ quan (sớm hạn nhất trước)",
    query="api/officer-inbox.query.json",
    response="api/officer-dossier-list.json",
)


@officer_route(
    "/v1/officer/uploads",
    "POST",
    summary="Tải lên bản quét một thành phần hồ sơ tại Bộ phận Một cửa (S3 presigned POST)",
    request="api/upload-request.json",
    response="api/upload.json",
    auth=RECEPTIONISTS,
    errors=(404, 409, 413),
    idempotent=True,
)
def officer_upload(principal, body):
    from chalicelib.services.shared import uploads

    def create(claim):
        return uploads.create(body, principal, now(), online_only=False)

    return idempotent_create(bp.current_request, "officer-upload", principal.subject, body, create)


@officer_route(
    "/v1/officer/dossiers",
    "POST",
    summary="Tiếp nhận hồ sơ trực tiếp, qua bưu chính hoặc hỗ trợ công dân nộp trực tuyến",
    request="api/officer-intake.json",
    response="api/officer-intake.response.json",
    auth=RECEPTIONISTS,
    errors=(404, 409, 503),
    idempotent=True,
)
def officer_intake(principal, body):
    from chalicelib.services.dossiers import assisted, intake

    request = bp.current_request
    if body["channel"] == "online":
        token = (body.get("citizen") or {}).get("access_token")
        citizen = citizen_from_token(token, "citizen.access_token") if token else None

        def receive(claim):
            return assisted.file(body, principal, citizen, claim, now())
    else:

        def receive(claim):
            return intake.receive(body, principal, claim, now())

    return idempotent_create(
        request, "officer-dossier", principal.subject, body, receive, completes_claim=True
    )


@officer_route(
    "/v1/officer/dossiers/{code}/shipment",
    "POST",
    summary="Cập nhật hành trình bưu gửi trả kết quả (từ đơn vị bưu chính)",
    request="api/shipment-refresh.json",
    response="api/officer-dossier.json",
    errors=(404, 409, 503),
)
def officer_shipment(code):
    from chalicelib.services.dossiers import workflow

    request = bp.current_request
    principal = require(request, *OFFICER_ROLES)
    json_body(request, "api/shipment-refresh.json")
    return ok(workflow.refresh_shipment(code, principal, now()))


@officer_route(
    "/v1/officer/dossiers/{code}",
    summary="Chi tiết hồ sơ, tệp đính kèm và lịch sử",
    response="api/officer-dossier.json",
    errors=(404,),
)
def officer_dossier(code, principal):
    from chalicelib.services.dossiers import workflow

    dossier = workflow.load_consulted(code, principal)
    return ok(workflow.officer_view(dossier, principal, now()))


@officer_route(
    "/v1/officer/dossiers/{code}/control-slip",
    summary="Phiếu kiểm soát quá trình giải quyết hồ sơ (Mẫu số 06) dạng JSON",
    response="api/control-slip.response.json",
    errors=(404,),
)
def officer_control_slip(code, principal):
    from chalicelib.services.dossiers import control_slip, workflow

    return ok(control_slip.control_slip(workflow.load_for(code, principal)))


officer_route.action(
    "/v1/officer/dossiers/{code}/actions",
    "chalicelib.services.dossiers.workflow:act",
    summary="Thực hiện thao tác xử lý",
    request="api/officer-action.json",
    response="api/officer-dossier.json",
    errors=(404, 409),
)


@officer_route(
    "/v1/officer/dossiers/{code}/result",
    "POST",
    summary="Đính kèm văn bản kết quả",
    request="api/result-upload.json",
    response="api/result-upload.response.json",
    status=201,
    errors=(404, 409),
)
def officer_result(code, principal, body):
    from chalicelib.services.dossiers import workflow

    return ok(workflow.attach_result(code, principal, body, now()), 201)


@printable(
    bp,
    "/v1/officer/dossiers/{code}/forms/{number}",
    "Mẫu số 01–06 (Thông tư 03/2025/TT-VPCP) để in (HTML)",
    "Mẫu số 01–06 (Thông tư 03/2025/TT-VPCP), bản PDF khổ A4",
    tag=TAG,
    auth=OFFICER_ROLES,
    errors=(404,),
)
def officer_form(code, number):
    from chalicelib.services.dossiers import forms, workflow

    principal = require(bp.current_request, *OFFICER_ROLES)
    return forms.form_document(workflow.load_for(code, principal), number)


@printable(
    bp,
    "/v1/officer/agencies/{agency}/register",
    "Sổ theo dõi hồ sơ (Mẫu số 07, Thông tư 03/2025/TT-VPCP) của cơ quan để in (HTML)",
    "Sổ theo dõi hồ sơ (Mẫu số 07, Thông tư 03/2025/TT-VPCP), bản PDF khổ A4 ngang",
    tag=TAG,
    query="api/tracking-register.query.json",
    auth=REGISTER_KEEPERS,
    errors=(400, 404),
)
def officer_register(agency):
    from chalicelib.services.dossiers import register

    request = bp.current_request
    principal = require(request, *REGISTER_KEEPERS)
    period = query_params(request, "api/tracking-register.query.json")
    start, end = (date.fromisoformat(period[name]) for name in ("from", "to"))
    return register.register_document(agency, start, end, principal)
