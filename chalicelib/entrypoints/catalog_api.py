"""Public catalog: agencies, procedure search, one procedure, its application form."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.domain.catalog import Catalog, Procedure, SearchQuery
from chalicelib.entrypoints.http import ok, query_params, route
from chalicelib.services.catalog import reads as catalog_service
from chalicelib.services.shared.paging import DEFAULT_PAGE_SIZE, slice_page

bp = Blueprint(__name__)
TAG = "Danh mục thủ tục"


@route(
    bp,
    "/v1/agencies",
    summary="Danh sách cơ quan tiếp nhận, giải quyết",
    tag=TAG,
    query="api/agency-list.query.json",
    response="api/agency-list.json",
    errors=(400,),
)
def list_agencies():
    params = query_params(bp.current_request, "api/agency-list.query.json")
    agencies = [
        a.to_dict()
        for a in sorted(catalog_service.get_catalog().agencies.values(), key=_agency_order)
        if not params.get("level") or a.level == params["level"]
    ]
    items, token = slice_page(
        agencies, params.get("page_size", DEFAULT_PAGE_SIZE), params.get("page_token"), "agencies"
    )
    return ok({"items": items, "next_page_token": token})


def _agency_order(agency):
    return ({"centre": 0, "province": 1, "commune": 2}.get(agency.level, 3), agency.name)


@route(
    bp,
    "/v1/procedures",
    summary="Tìm kiếm thủ tục hành chính",
    tag=TAG,
    query="api/procedure-search.query.json",
    response="api/procedure-list.json",
    errors=(400,),
)
def search_procedures():
    params = query_params(bp.current_request, "api/procedure-search.query.json")
    catalog = catalog_service.get_catalog()
    found = catalog.search(
        SearchQuery(
            q=params.get("q", ""),
            agency=params.get("agency"),
            field=params.get("field"),
            level=params.get("level"),
            online=params.get("online"),
        )
    )
    scope = "procedures:" + "|".join(
        f"{k}={v}" for k, v in sorted(params.items()) if k not in ("page_token", "page_size")
    )
    items, token = slice_page(
        found, params.get("page_size", DEFAULT_PAGE_SIZE), params.get("page_token"), scope
    )
    return ok(
        {
            "items": [summary(p, catalog) for p in items],
            "next_page_token": token,
            "total": len(found),
        }
    )


@route(
    bp,
    "/v1/procedures/{code}",
    summary="Chi tiết một thủ tục",
    tag=TAG,
    response="api/procedure.json",
    errors=(404,),
)
def get_procedure(code):
    catalog = catalog_service.get_catalog()
    procedure = catalog_service.get_procedure(code)
    return ok(detail(procedure, catalog))


@route(
    bp,
    "/v1/procedures/{code}/form",
    summary="Biểu mẫu điện tử (JSON Schema) của thủ tục",
    tag=TAG,
    response="api/json-schema.json",
    errors=(404,),
)
def get_form(code):
    return ok(catalog_service.get_form(code))


def _agency_ref(procedure: Procedure, catalog: Catalog) -> dict:
    agency = catalog.agency(procedure.agency_id)
    return {
        "id": procedure.agency_id,
        "name": agency.name if agency else procedure.agency_id,
        "id_code": agency.id_code if agency else None,
    }


def summary(procedure: Procedure, catalog: Catalog) -> dict:
    data = procedure.data
    return {
        "code": procedure.code,
        "name": procedure.name,
        "agency": _agency_ref(procedure, catalog),
        "field": procedure.field,
        "level": procedure.level,
        "online_mode": procedure.online_mode,
        "government_level": data.get("government_level"),
        "processing_time": dict(data["processing_time"]),
        "fees": list(data.get("fees", [])),
    }


def detail(procedure: Procedure, catalog: Catalog) -> dict:
    data = {k: v for k, v in procedure.to_dict().items() if k not in ("agency_id", "form_schema")}
    data["agency"] = _agency_ref(procedure, catalog)
    data["form_url"] = (
        f"/v1/procedures/{procedure.code}/form"
        if data.get("level", 0) >= 3 and procedure.data.get("form_schema")
        else None
    )
    return data
