"""Officers: their agency's feedback (PAKN), one feedback with its history, the handling actions
(classify, assign, forward, answer, publish, close) and the answer shortcut."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.domain.principal import OFFICER_ROLES
from chalicelib.entrypoints.http import ok, routes_of
from chalicelib.services.shared.clock import now

bp = Blueprint(__name__)
TAG = "Cán bộ xử lý phản ánh, kiến nghị"

officer_route = routes_of(bp, tag=TAG, auth=OFFICER_ROLES)

officer_route.listing(
    "/v1/officer/feedback",
    "chalicelib.services.feedback.officer:listing",
    summary="Phản ánh, kiến nghị của cơ quan (sớm hạn nhất trước; mặc định: đang xử lý)",
    query="api/officer-feedback.query.json",
    response="api/officer-feedback-list.json",
)


@officer_route(
    "/v1/officer/feedback/{feedback_id}",
    summary="Chi tiết phản ánh, người gửi và lịch sử xử lý",
    response="api/officer-feedback.json",
    errors=(404,),
)
def officer_feedback(feedback_id, principal):
    from chalicelib.services.feedback import officer as feedback_officer

    return ok(feedback_officer.view(feedback_id, principal, now()))


officer_route.action(
    "/v1/officer/feedback/{feedback_id}/actions",
    "chalicelib.services.feedback.officer:act",
    summary="Phân loại, giao xử lý, chuyển cơ quan có thẩm quyền, trả lời, công khai, kết thúc",
    request="api/officer-feedback-action.json",
    response="api/officer-feedback.json",
    errors=(404, 409),
)

officer_route.action(
    "/v1/officer/feedback/{feedback_id}/answer",
    "chalicelib.services.feedback.officer:answer",
    summary="Trả lời phản ánh, kiến nghị",
    request="api/officer-feedback-answer.json",
    response="api/officer-feedback.json",
    errors=(404, 409),
)
