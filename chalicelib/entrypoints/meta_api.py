"""Health and the API description."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.config import get_settings
from chalicelib.entrypoints import openapi
from chalicelib.entrypoints.http import ok, route
from chalicelib.services.shared.clock import now

bp = Blueprint(__name__)


@route(bp, "/health", summary="Tình trạng hệ thống", tag="Hệ thống", response="api/health.json")
def health():
    from chalicelib.services.catalog import reads as catalog_service

    return ok(
        {
            "status": "ok",
            "stage": get_settings().stage,
            "catalog_version": catalog_service.get_catalog().version,
            "time": now().isoformat(),
        }
    )


@route(
    bp,
    "/openapi.json",
    summary="Mô tả API (OpenAPI 3.1)",
    tag="Hệ thống",
    response="api/openapi-document.json",
)
def openapi_document():
    return ok(openapi.document())
