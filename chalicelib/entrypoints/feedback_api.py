"""Citizens and the public: send feedback (PAKN), read one's own or a published answer, list
published answers, rate an answer; and rate a dossier once its result is out."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.entrypoints.auth import (
    FEEDBACK_PHONE_MESSAGE,
    applicant_body,
    caller_create,
    optional_principal,
)
from chalicelib.entrypoints.http import idempotent_create, ok, query_params, route
from chalicelib.entrypoints.viewer import client_ip
from chalicelib.services.shared.clock import now

bp = Blueprint(__name__)


TAG = "Phản ánh, kiến nghị"


@route(
    bp,
    "/v1/feedback",
    "POST",
    summary="Gửi phản ánh, kiến nghị",
    tag=TAG,
    request="api/feedback-submission.json",
    response="api/feedback-created.json",
    errors=(401, 409, 429, 503),
    idempotent=True,
)
def submit_feedback():
    from chalicelib.services.feedback import intake as feedback

    request = bp.current_request
    return caller_create(
        request,
        "feedback",
        "api/feedback-submission.json",
        lambda body, principal, claim: feedback.submit_public(
            body, principal, now(), claim, client_ip(request)
        ),
        completes_claim=True,
    )


@route(
    bp,
    "/v1/feedback/uploads",
    "POST",
    summary="Xin đường dẫn tải lên ảnh, tệp kèm phản ánh (S3 presigned POST)",
    tag=TAG,
    request="api/feedback-upload-request.json",
    response="api/upload.json",
    errors=(401, 409, 413, 429),
    idempotent=True,
)
def create_feedback_upload():
    from chalicelib.services.feedback import uploads as feedback_uploads

    return caller_create(
        bp.current_request,
        "feedback-upload",
        "api/feedback-upload-request.json",
        lambda body, principal, claim: feedback_uploads.create(
            body, principal, now(), client_ip(bp.current_request)
        ),
    )


@route(
    bp,
    "/v1/feedback",
    summary="Các câu trả lời phản ánh, kiến nghị đã công khai (mới nhất trước)",
    tag=TAG,
    query="api/feedback-public.query.json",
    response="api/feedback-list.json",
)
def public_feedback(params):
    from chalicelib.services.feedback import intake as feedback

    return ok(feedback.public_answers(params))


@route(
    bp,
    "/v1/feedback/{feedback_id}",
    summary="Xem phản ánh: người gửi (đăng nhập hoặc số điện thoại) xem đầy đủ; người khác xem "
    "câu trả lời đã công khai",
    tag=TAG,
    query="api/feedback-lookup.query.json",
    response="api/feedback.json",
    errors=(401, 404, 429),
)
def read_feedback(feedback_id):
    from chalicelib.services.feedback import intake as feedback

    request = bp.current_request
    params = query_params(request, "api/feedback-lookup.query.json")
    principal = optional_principal(request)
    return ok(feedback.read(feedback_id, principal, params.get("phone"), client_ip(request)))


@route(
    bp,
    "/v1/feedback/{feedback_id}/rating",
    "POST",
    summary="Người gửi đánh giá câu trả lời (hài lòng / chưa hài lòng), một lần",
    tag=TAG,
    request="api/feedback-rating.json",
    response="api/feedback.json",
    errors=(401, 404, 409, 429),
)
def rate_feedback(feedback_id):
    from chalicelib.services.feedback import intake as feedback

    request = bp.current_request
    principal, body = applicant_body(request, "api/feedback-rating.json", FEEDBACK_PHONE_MESSAGE)
    return ok(feedback.rate(feedback_id, principal, body, client_ip(request), now()))


@route(
    bp,
    "/v1/me/feedback",
    summary="Phản ánh, kiến nghị của tôi (công dân đã đăng nhập)",
    tag=TAG,
    query="api/my-dossiers.query.json",
    response="api/my-feedback.json",
    auth=("citizen",),
)
def my_feedback(principal, params):
    from chalicelib.services.feedback import intake as feedback

    return ok(feedback.mine(principal, params))


@route(
    bp,
    "/v1/dossiers/{code}/rating",
    "POST",
    summary="Đánh giá mức độ hài lòng về giải quyết hồ sơ (người nộp, sau khi có kết quả, một lần)",
    tag="Hồ sơ (công dân)",
    request="api/dossier-rating.json",
    response="api/dossier-rating.response.json",
    errors=(401, 404, 409, 429),
    idempotent=True,
)
def rate_dossier(code):
    from chalicelib.services.dossiers import ratings

    request = bp.current_request
    principal, body = applicant_body(request, "api/dossier-rating.json")
    return idempotent_create(
        request,
        f"dossier-rating:{code}",
        principal and principal.subject,
        body,
        lambda claim: ratings.rate_dossier(code, principal, body, client_ip(request), now(), claim),
        completes_claim=True,
    )
