"""Local-stage conveniences. Refused (404) on every other stage."""

from __future__ import annotations

import uuid

from chalice import Blueprint

from chalicelib.config import get_settings
from chalicelib.domain.errors import FieldError, ValidationFailed
from chalicelib.domain.principal import OFFICER_ROLES, Principal
from chalicelib.entrypoints.auth import local_only
from chalicelib.entrypoints.http import json_body, ok, route
from chalicelib.integrations.identity import issue_local_token

bp = Blueprint(__name__)
TAG = "Môi trường thử (local)"


@route(
    bp,
    "/dev/token",
    "POST",
    summary="Cấp mã xác thực thử cho công dân/cán bộ",
    tag=TAG,
    request="api/dev-token.json",
    response="api/dev-token.response.json",
    status=201,
    errors=(404,),
)
def issue_token():
    from chalicelib.services.catalog import reads as catalog_service

    local_only()
    body = json_body(bp.current_request, "api/dev-token.json")
    found = catalog_service.get_catalog().agency(body.get("agency"))
    agency = found.id if found else body.get("agency")
    if body["role"] in OFFICER_ROLES and found is None:
        raise ValidationFailed(
            "Cán bộ phải thuộc một cơ quan có trong danh mục.",
            [FieldError("agency", "Không có cơ quan này")],
        )
    principal = Principal(
        subject=body.get("subject") or f"{body['role']}-{uuid.uuid4().hex[:8]}",
        role=body["role"],
        agency=agency,
        name=body.get("name"),
    )
    ttl = body.get("ttl_seconds", 8 * 3600)
    token = issue_local_token(get_settings(), principal, ttl)
    return ok(
        {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": ttl,
            "role": principal.role,
            "subject": principal.subject,
            "agency": agency,
        },
        201,
    )
