"""What the national public-service portal sends the province: dossiers submitted there and
feedback from its PAKN system (service credentials; once per national reference)."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.domain.principal import SERVICE
from chalicelib.entrypoints.http import ok, route
from chalicelib.services.shared.clock import now

bp = Blueprint(__name__)
TAG = "Cổng Dịch vụ công quốc gia"


def _again(schema: str) -> dict:
    """The documented 200: the same national reference received again."""
    ref = {"$ref": f"#/components/schemas/api.{schema}"}
    return {
        "responses": {
            "200": {
                "description": "Đã nhận trước đó (cùng mã quốc gia): trả lại bản đã tạo",
                "content": {"application/json": {"schema": ref}},
            }
        }
    }


@route(
    bp,
    "/v1/integrations/national-portal/dossiers",
    "POST",
    summary="Hồ sơ nộp trên Cổng DVC quốc gia chuyển về tỉnh (mỗi national_code một hồ sơ)",
    tag=TAG,
    request="api/national-dossier.json",
    response="api/national-dossier.response.json",
    status=201,
    auth=(SERVICE,),
    errors=(404, 409, 413, 503),
    extra=_again("national-dossier.response"),
)
def national_dossier(principal, body):
    from chalicelib.services.national_portal import intake

    answer, created = intake.receive_dossier(principal, body, now())
    return ok(answer, 201 if created else 200)


@route(
    bp,
    "/v1/integrations/national-portal/feedback",
    "POST",
    summary="Phản ánh, kiến nghị từ Hệ thống PAKN quốc gia (mỗi national_reference một lần)",
    tag=TAG,
    request="api/national-feedback.json",
    response="api/feedback-created.json",
    status=201,
    auth=(SERVICE,),
    errors=(409, 413),
    extra=_again("feedback-created"),
)
def national_feedback(principal, body):
    from chalicelib.services.national_portal import intake

    answer, created = intake.receive_feedback(principal, body, now())
    return ok(answer, 201 if created else 200)
