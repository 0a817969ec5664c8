"""Signed documents and the citizen's wallet: public verification (JSON and the page the QR code
opens, with a file comparison), the wallet's list, one document's download or removal, the
whole wallet; officers generate a standard result from its template and issue a form as a
signed document."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.domain.errors import FieldError, NotFound, PayloadTooLarge, ValidationFailed
from chalicelib.domain.principal import OFFICER_ROLES
from chalicelib.entrypoints.auth import require
from chalicelib.entrypoints.http import idempotent_create, json_body, ok, route
from chalicelib.services.shared.clock import now
from chalicelib.services.shared.paging import DEFAULT_PAGE_SIZE
from chalicelib.web.pages import PRIVATE, not_found, page

bp = Blueprint(__name__)
TAG = "Văn bản điện tử và kho giấy tờ"
PDF_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
    }
}


@route(
    bp,
    "/v1/documents/{document_id}/verification",
    summary="Xác thực văn bản điện tử đã ký số (công khai, không có dữ liệu cá nhân)",
    tag=TAG,
    response="api/document-verification.json",
    errors=(404,),
)
def document_verification(document_id):
    from chalicelib.services.documents import verification

    return ok(verification.verification(document_id))


@route(
    bp,
    "/v1/documents/{document_id}/verification",
    "POST",
    summary="So khớp một tệp PDF với văn bản đã phát hành",
    tag=TAG,
    response="api/document-verification.json",
    errors=(400, 404, 413),
    content_types=["application/pdf"],
    extra=PDF_BODY,
)
def document_comparison(document_id):
    from chalicelib.services.documents import verification

    data = bp.current_request.raw_body or b""
    if len(data) > verification.MAX_FILE_BYTES:
        raise PayloadTooLarge(
            f"Tệp vượt quá {verification.MAX_FILE_BYTES // (1024 * 1024)} MB.",
            [FieldError("(body)", "Tệp quá lớn")],
        )
    if not data:
        raise ValidationFailed("Chưa chọn tệp để so khớp.", [FieldError("(body)", "Bắt buộc")])
    return ok(verification.compare(document_id, data))


@route(
    bp,
    "/v1/me/documents",
    summary="Kho giấy tờ của tôi: kết quả đã được cấp và tệp đã được tiếp nhận",
    tag=TAG,
    query="api/my-dossiers.query.json",
    response="api/my-documents.json",
    auth=("citizen",),
)
def my_documents(principal, params):
    from chalicelib.services.documents import wallet

    return ok(
        wallet.mine(principal, params.get("page_size", DEFAULT_PAGE_SIZE), params.get("page_token"))
    )


@route(
    bp,
    "/v1/me/documents/export",
    summary="Tải toàn bộ kho giấy tờ (tệp ZIP, đường dẫn hiệu lực ngắn)",
    tag=TAG,
    response="api/document-download.json",
    auth=("citizen",),
)
def export_documents(principal):
    from chalicelib.services.documents import wallet

    return ok(wallet.export(principal, now()))


@route(
    bp,
    "/v1/me/documents/{document_id}/download",
    summary="Tải một giấy tờ trong kho (đường dẫn hiệu lực ngắn)",
    tag=TAG,
    response="api/document-download.json",
    auth=("citizen",),
    errors=(404,),
)
def download_document(document_id, principal):
    from chalicelib.services.documents import wallet

    return ok(wallet.download(principal, document_id, now()))


@route(
    bp,
    "/v1/me/documents/{document_id}",
    "DELETE",
    summary="Gỡ một tệp đã nộp khỏi kho giấy tờ (kết quả, mẫu phiếu đã ký không xóa được)",
    tag=TAG,
    response="api/document-removed.json",
    auth=("citizen",),
    errors=(404, 409),
)
def remove_document(document_id):
    from chalicelib.services.documents import wallet

    principal = require(bp.current_request, "citizen")
    return ok(wallet.remove(principal, document_id))


@route(
    bp,
    "/xac-thuc/{document_id}",
    summary="Trang xác thực văn bản điện tử (mã QR trên văn bản)",
    tag="Trang web cho công dân",
    content_type="text/html",
    pages=(404,),
)
def verification_page(document_id):
    from chalicelib.services.documents import verification

    try:
        verdict = verification.verification(document_id)
    except NotFound:
        return not_found("Không tìm thấy văn bản điện tử có mã này.")
    return page("portal/verification.html", nav="", cache=PRIVATE, verdict=verdict)


@route(
    bp,
    "/v1/officer/dossiers/{code}/result/template",
    "POST",
    summary="Tạo văn bản kết quả theo mẫu (thủ tục có kết quả là văn bản theo mẫu)",
    tag=TAG,
    request="api/issue-document.json",
    response="api/result-template.response.json",
    status=201,
    auth=OFFICER_ROLES,
    errors=(404, 409),
)
def result_from_template(code):
    from chalicelib.services.documents import officer

    request = bp.current_request
    principal = require(request, *OFFICER_ROLES)
    json_body(request, "api/issue-document.json")
    return ok(officer.result_from_template(code, principal, now()), 201)


@route(
    bp,
    "/v1/officer/dossiers/{code}/forms/{number}/issue",
    "POST",
    summary="Phát hành mẫu phiếu (01–06) thành văn bản điện tử được cơ quan ký số",
    tag=TAG,
    request="api/issue-document.json",
    response="api/issued-form.json",
    status=201,
    auth=OFFICER_ROLES,
    errors=(404, 409),
)
def issue_form(code, number):
    from chalicelib.services.documents import form_issue

    request = bp.current_request
    principal = require(request, *OFFICER_ROLES)
    body = {**json_body(request, "api/issue-document.json"), "code": code, "number": number}
    return idempotent_create(
        request,
        "issue-form",
        principal.subject,
        body,
        lambda claim: form_issue.issue_form(code, number, principal, now()),
    )
