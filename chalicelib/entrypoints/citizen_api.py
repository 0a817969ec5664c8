"""Citizens: upload attachments, submit a dossier, look it up, list their own, withdraw."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.entrypoints.auth import applicant_body, applicant_query, caller_create
from chalicelib.entrypoints.http import deferred, ok, routes_of
from chalicelib.entrypoints.viewer import client_ip
from chalicelib.services.shared.clock import now
from chalicelib.services.shared.paging import DEFAULT_PAGE_SIZE
from chalicelib.web.pages import printable

bp = Blueprint(__name__)
TAG = "Hồ sơ (công dân)"

citizen_route = routes_of(bp, tag=TAG)


@citizen_route(
    "/v1/uploads",
    "POST",
    summary="Xin đường dẫn tải lên tệp đính kèm (S3 presigned POST)",
    request="api/upload-request.json",
    response="api/upload.json",
    errors=(401, 404, 409, 413, 429),
    idempotent=True,
)
def create_upload():
    from chalicelib.services.shared import uploads

    return caller_create(
        bp.current_request,
        "upload",
        "api/upload-request.json",
        lambda body, principal, claim: uploads.create(
            body, principal, now(), client_address=client_ip(bp.current_request)
        ),
    )


@citizen_route(
    "/v1/dossiers",
    "POST",
    summary="Nộp hồ sơ trực tuyến",
    request="api/dossier-submission.json",
    response="api/dossier-created.json",
    errors=(401, 404, 409, 429, 503),
    idempotent=True,
)
def submit_dossier():
    from chalicelib.services.dossiers import submission

    request = bp.current_request
    return caller_create(
        request,
        "dossier",
        "api/dossier-submission.json",
        lambda body, principal, claim: submission.submit(
            body, principal, claim, now(), client_ip(request)
        ),
        completes_claim=True,
    )


@citizen_route(
    "/v1/dossiers/{code}",
    summary="Tra cứu tình trạng hồ sơ (mã hồ sơ + số điện thoại)",
    query="api/dossier-lookup.query.json",
    response="api/dossier-status.json",
    errors=(401, 404, 429),
)
def lookup_dossier(code):
    from chalicelib.services.dossiers import citizen as dossiers

    request = bp.current_request
    principal, params = applicant_query(request, "api/dossier-lookup.query.json")
    return ok(dossiers.lookup(code, principal, params.get("phone"), client_ip(request)))


@printable(
    bp,
    "/v1/dossiers/{code}/receipt",
    "Giấy tiếp nhận và hẹn trả kết quả (Mẫu 01), để in",
    "Giấy tiếp nhận và hẹn trả kết quả (Mẫu số 01), bản PDF khổ A4",
    tag=TAG,
    errors=(404,),
    extra={
        "parameters": [{"name": "t", "in": "query", "required": True, "schema": {"type": "string"}}]
    },
)
def dossier_receipt(code):
    from chalicelib.services.dossiers import citizen as dossiers

    return dossiers.receipt(code, (bp.current_request.query_params or {}).get("t"))


@citizen_route(
    "/v1/me/dossiers",
    summary="Hồ sơ của tôi (công dân đã đăng nhập)",
    query="api/my-dossiers.query.json",
    response="api/dossier-list.json",
    auth=("citizen",),
)
def my_dossiers(principal, params):
    from chalicelib.services.dossiers import citizen as dossiers

    return ok(
        dossiers.mine(
            principal, params.get("page_size", DEFAULT_PAGE_SIZE), params.get("page_token")
        )
    )


def applicant_action(path: str, act: str, **doc) -> None:
    """POST `path`: the applicant (signed in, or with the dossier's phone) acts on the dossier
    the path names, as `act(code, principal, body, client_ip, now)` (named `"module:function"`,
    imported with the first request) does it, and sees its status."""
    service = deferred(act)

    def view(code: str) -> Response:
        request = bp.current_request
        principal, body = applicant_body(request, doc["request"])
        return ok(service()(code, principal, body, client_ip(request), now()))

    view.__name__ = view.__qualname__ = act.rpartition(":")[2]
    citizen_route(
        path,
        "POST",
        response="api/dossier-status.json",
        errors=(401, 404, 409, 429),
        **doc,
    )(view)


applicant_action(
    "/v1/dossiers/{code}/withdraw",
    "chalicelib.services.dossiers.citizen:withdraw",
    summary="Rút hồ sơ",
    request="api/withdraw.json",
)
applicant_action(
    "/v1/dossiers/{code}/supplements",
    "chalicelib.services.dossiers.supplements:answer",
    summary="Bổ sung, hoàn thiện hồ sơ theo yêu cầu",
    request="api/supplement.json",
)
