"""Officers: the agency inbox, a dossier with its attachments and history, workflow actions,
the result document, and the printable forms."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.domain.principal import OFFICER_ROLES
from chalicelib.entrypoints.auth import require
from chalicelib.entrypoints.http import html, json_body, ok, query_params, route
from chalicelib.services.dossiers import forms, inbox, workflow
from chalicelib.services.shared.clock import now

bp = Blueprint(__name__)
TAG = "Cán bộ xử lý hồ sơ"


@route(
    bp,
    "/v1/officer/dossiers",
    summary="Hồ sơ của cơ quan (sớm hạn nhất trước)",
    tag=TAG,
    query="api/officer-inbox.query.json",
    response="api/officer-dossier-list.json",
    auth=OFFICER_ROLES,
)
def officer_inbox():
    request = bp.current_request
    principal = require(request, *OFFICER_ROLES)
    return ok(inbox.inbox(principal, query_params(request, "api/officer-inbox.query.json"), now()))


@route(
    bp,
    "/v1/officer/dossiers/{code}",
    summary="Chi tiết hồ sơ, tệp đính kèm và lịch sử",
    tag=TAG,
    response="api/officer-dossier.json",
    auth=OFFICER_ROLES,
    errors=(404,),
)
def officer_dossier(code):
    principal = require(bp.current_request, *OFFICER_ROLES)
    return ok(workflow.officer_view(workflow.load_for(code, principal), principal, now()))


@route(
    bp,
    "/v1/officer/dossiers/{code}/actions",
    "POST",
    summary="Thực hiện thao tác xử lý",
    tag=TAG,
    request="api/officer-action.json",
    response="api/officer-dossier.json",
    auth=OFFICER_ROLES,
    errors=(404, 409),
)
def officer_action(code):
    request = bp.current_request
    principal = require(request, *OFFICER_ROLES)
    return ok(workflow.act(code, principal, json_body(request, "api/officer-action.json"), now()))


@route(
    bp,
    "/v1/officer/dossiers/{code}/result",
    "POST",
    summary="Đính kèm văn bản kết quả",
    tag=TAG,
    request="api/result-upload.json",
    response="api/result-upload.response.json",
    status=201,
    auth=OFFICER_ROLES,
    errors=(404, 409),
)
def officer_result(code):
    request = bp.current_request
    principal = require(request, *OFFICER_ROLES)
    body = json_body(request, "api/result-upload.json")
    return ok(workflow.attach_result(code, principal, body, now()), 201)


@route(
    bp,
    "/v1/officer/dossiers/{code}/forms/{number}",
    summary="Mẫu phiếu 01–05 để in",
    tag=TAG,
    auth=OFFICER_ROLES,
    errors=(404,),
    content_type="text/html",
)
def officer_form(code, number):
    principal = require(bp.current_request, *OFFICER_ROLES)
    return html(forms.render_form(workflow.load_for(code, principal), number))
