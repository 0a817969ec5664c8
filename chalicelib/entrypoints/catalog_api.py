"""Public catalog: agencies, procedure search, one procedure, its application form."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.domain.catalog import Catalog, Offering, Procedure, SearchQuery
from chalicelib.entrypoints import caching
from chalicelib.entrypoints.http import ok, route
from chalicelib.services.shared.paging import DEFAULT_PAGE_SIZE, slice_page

bp = Blueprint(__name__)
TAG = "Danh mục thủ tục"
# The same for everyone and without personal data: kept by browsers and the CDN.
CACHED = {"Cache-Control": caching.CATALOG}


@route(
    bp,
    "/v1/agencies",
    summary="Danh sách cơ quan tiếp nhận, giải quyết",
    tag=TAG,
    query="api/agency-list.query.json",
    response="api/agency-list.json",
    errors=(400,),
)
def list_agencies(params):
    from chalicelib.services.catalog import reads as catalog_service

    agencies = [
        a.public_dict()
        for a in sorted(catalog_service.get_catalog().agencies.values(), key=_agency_order)
        if not params.get("level") or a.level == params["level"]
    ]
    items, token = slice_page(
        agencies, params.get("page_size", DEFAULT_PAGE_SIZE), params.get("page_token"), "agencies"
    )
    return ok({"items": items, "next_page_token": token}, headers=CACHED)


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
def search_procedures(params):
    from chalicelib.services.catalog import reads as catalog_service

    catalog = catalog_service.get_catalog()
    if params.get("agency"):
        catalog_service.get_agency(params["agency"])
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
            "items": [summary(p, catalog, params.get("agency")) for p in items],
            "next_page_token": token,
            "total": len(found),
        },
        headers=CACHED,
    )


@route(
    bp,
    "/v1/procedures/{code}",
    summary="Chi tiết một thủ tục (và các cơ quan thực hiện)",
    tag=TAG,
    query="api/procedure.query.json",
    response="api/procedure.json",
    errors=(400, 404),
)
def get_procedure(code, params):
    from chalicelib.services.catalog import reads as catalog_service

    catalog = catalog_service.get_catalog()
    procedure = catalog_service.get_procedure(code)
    chosen = (
        catalog_service.offering_for(procedure, params["agency"]) if "agency" in params else None
    )
    return ok(detail(procedure, catalog, chosen), headers=CACHED)


@route(
    bp,
    "/v1/procedures/{code}/form",
    summary="Biểu mẫu điện tử (JSON Schema) của thủ tục",
    tag=TAG,
    response="api/json-schema.json",
    errors=(404,),
)
def get_form(code):
    from chalicelib.services.catalog import reads as catalog_service

    return ok(catalog_service.get_form(code), headers=CACHED)


def _chosen(procedure: Procedure, catalog: Catalog, agency_ref: str | None) -> Offering | None:
    """The offering an answer speaks for: the filtered agency's, or the only one there is."""
    if agency_ref:
        return catalog.offering(procedure.code, agency_ref)
    offerings = catalog.offerings(procedure.code)
    return offerings[0] if len(offerings) == 1 else None


def _effective(procedure: Procedure, offering: Offering | None) -> dict:
    """The time limit and fees: the agency's own when one is chosen, else the procedure's."""
    processing_time = offering.processing_time if offering else procedure.processing_time
    fees = offering.fees if offering else procedure.data.get("fees", [])
    return {"processing_time": dict(processing_time), "fees": [dict(f) for f in fees]}


def summary(procedure: Procedure, catalog: Catalog, agency_ref: str | None = None) -> dict:
    """A search result; with `?agency=` it speaks for that agency's fees and time limit."""
    chosen = _chosen(procedure, catalog, agency_ref)
    return {
        "code": procedure.code,
        "name": procedure.name,
        "agency": chosen.agency.ref() if chosen else None,
        "agencies_count": len(catalog.offerings(procedure.code)),
        "field": procedure.field,
        "level": procedure.level,
        "online_mode": procedure.online_mode,
        "government_level": procedure.data.get("government_level"),
        **_effective(procedure, chosen),
    }


def detail(procedure: Procedure, catalog: Catalog, chosen: Offering | None = None) -> dict:
    hidden = ("performed_by", "form_schema")
    data = {k: v for k, v in procedure.to_dict().items() if k not in hidden}
    chosen = chosen or _chosen(procedure, catalog, None)
    data["agency"] = chosen.agency.ref() if chosen else None
    data["agencies"] = [o.ref() for o in catalog.offerings(procedure.code)]
    data.update(_effective(procedure, chosen))
    data["form_url"] = (
        f"/v1/procedures/{procedure.code}/form"
        if data.get("level", 0) >= 3 and procedure.data.get("form_schema")
        else None
    )
    return data
