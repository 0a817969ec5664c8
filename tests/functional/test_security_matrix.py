"""Who may touch what: every route that takes an id (path parameter), discovered from the app, is
called by the resource's rightful owner and by everyone else — the other citizen, officers of
the owning and of another agency, an anonymous caller, one holding another dossier's phone, and
the owner's own token expired or forged, and the other citizen and officer signed in with a
browser session (cookie and CSRF token). Nobody but the owner gets a 2xx, nobody sees the
owner's personal data, nothing changes, and nobody gets a 5xx. An agency that transferred a
dossier on reads it and changes nothing (`test_the_agency_that_transferred_a_dossier_reads_only`).

A new route with an id fails `test_every_route_with_an_id_is_classified` until it is given a
family below (or declared public); bodies come from its request schema unless overridden."""

from __future__ import annotations

import json
import re
import uuid

import pytest

from tests.factories import call
from tests.security_support import (
    CALLERS,
    OWNER_CALLER,
    Resources,
    example_body,
    fill_path,
    id_routes,
)

# (path pattern, resource kind, who owns it). "nobody": a public summary whose private parts
# must stay hidden from every caller.
FAMILIES = [
    (r"^/v1/officer/dossiers/\{code\}", "dossier", "officer"),
    (r"^/v1/dossiers/\{code\}", "dossier", "citizen"),
    (r"^/v1/officer/feedback/\{feedback_id\}", "feedback", "officer"),
    (r"^/v1/feedback/\{feedback_id\}", "feedback", "citizen"),
    (r"^/open311/v2/(requests|tokens)/", "feedback", "nobody"),
    # Web pages are shells that load the dossier through the API: they must carry none of it.
    (r"^/ho-so-cua-toi/\{code\}", "dossier", "nobody"),
    (r"^/can-bo/ho-so/\{code\}", "dossier", "nobody"),
    (r"^/v1/me/documents/\{document_id\}", "document", "wallet"),
    # Verification is public by design: it must show nothing personal to anyone.
    (r"^/v1/documents/\{document_id\}/verification", "document", "nobody"),
    (r"^/xac-thuc/\{document_id\}", "document", "nobody"),
]
PUBLIC = [
    r"^/v1/procedures/\{code\}",  # the catalog
    r"^/open311/v2/services/",  # Open311 service definitions
    r"^/open311/v2/\{resource\}$",  # Open311 collections (the segment is a name, not an id)
    r"^/thu-tuc/\{code\}",  # public procedure pages
    r"^/static/",  # CSS and JavaScript
    # The local stand-in of the national portal (an outside party; 404 on every other stage,
    # tests/functional/test_dev_routes.py): what it received is the test harness's to read.
    r"^/dev/national-portal/dossiers/\{code\}",
    r"^/v1/calendar/",  # the public calendar (a year is not a resource)
    # Calendar upkeep: roles and agency scope are checked in tests/functional/test_calendar_api.py
    r"^/v1/admin/(calendar|office-hours)/",
    # The tracking register (Form 07) is an agency's book, not one resource: its keepers, the
    # other roles and agencies are checked in tests/functional/test_tracking_register.py
    r"^/v1/officer/agencies/\{agency\}/register",
]
DENIED = {
    "citizen": {
        "citizen_b": {404},
        "officer_x": {403, 404},
        "officer_y": {403, 404},
        "anonymous": {400, 401, 404},
        "stranger_phone": {404, 429},
        "expired": {401},
        "forged": {401},
        "citizen_b_session": {404},
        "officer_y_session": {403, 404},
    },
    "wallet": {  # bearer-only citizen routes: a phone number opens nothing
        "citizen_b": {404},
        "officer_x": {403},
        "officer_y": {403},
        "anonymous": {401},
        "stranger_phone": {401},
        "expired": {401},
        "forged": {401},
        "citizen_b_session": {404},
        "officer_y_session": {403},
    },
    "officer": {
        "officer_y": {404},
        "citizen_a": {403},
        "citizen_b": {403},
        "anonymous": {401},
        "stranger_phone": {401},
        "expired": {401},
        "forged": {401},
        "officer_y_session": {404},
        "citizen_b_session": {403},
    },
}
# Routes whose credential is not the bearer token: the receipt link's signed `t`.
LINK_ONLY = {("GET", "/v1/dossiers/{code}/receipt"), ("GET", "/v1/dossiers/{code}/receipt/pdf")}
OVERRIDES = {
    ("POST", "/v1/dossiers/{code}/withdraw"): lambda r: {"reason": "Không cần nữa"},
    ("POST", "/v1/dossiers/{code}/supplements"): lambda r: {"note": "Bổ sung giấy tờ"},
    ("POST", "/v1/dossiers/{code}/payments"): lambda r: {},
    ("POST", "/v1/officer/dossiers/{code}/actions"): lambda r: {
        "action": "accept",
        "version": r.version,
    },
    ("POST", "/v1/officer/feedback/{feedback_id}/actions"): lambda r: {
        "action": "classify",
        "classification": "within_competence",
        "version": r.version,
    },
    ("POST", "/v1/documents/{document_id}/verification"): lambda r: None,
    ("POST", "/v1/officer/feedback/{feedback_id}/answer"): lambda r: {
        "version": r.version,
        "answer": "Cơ quan đã tiếp nhận và xử lý.",
    },
}


def family(path: str):
    for pattern, kind, owner in FAMILIES:
        if re.search(pattern, path):
            return kind, owner
    return None


def is_public(path: str) -> bool:
    return any(re.search(p, path) for p in PUBLIC)


ROUTES = id_routes()
PROTECTED = [(m, p) for m, p in ROUTES if not is_public(p) and family(p)]
CASES = [(m, p, c) for m, p in PROTECTED for c in CALLERS]


def test_every_route_with_an_id_is_classified():
    unknown = [f"{m} {p}" for m, p in ROUTES if not is_public(p) and family(p) is None]

    assert unknown == [], "add these to FAMILIES (or PUBLIC) in test_security_matrix.py"


@pytest.fixture(scope="module")
def world(app):
    from chalice.test import Client

    from tests.conftest import ROOT

    with Client(app, stage_name="local", project_dir=str(ROOT)) as client:
        yield Resources(client)


@pytest.fixture(autouse=True)
def own_source_address(monkeypatch):
    """Each case calls from its own address, so failed-lookup throttling stays per case."""
    from chalice.local import LambdaEventConverter

    address = "10." + ".".join(str(b) for b in uuid.uuid4().bytes[:3])
    monkeypatch.setattr(LambdaEventConverter, "LOCAL_SOURCE_IP", address)


def request(world, method, path, owner, caller, resource):
    route = (method, path)
    url = fill_path(path, resource.id)
    query, body = {}, None
    if method in ("POST", "PUT", "PATCH"):
        maker = OVERRIDES.get(route)
        body = maker(resource) if maker else example_body(world.schema_of(route, "request"))
    if caller == "stranger_phone":
        if body is not None:
            body["phone"] = world.other_phone
        else:
            query["phone"] = world.other_phone
    if route in LINK_ONLY:
        query["t"] = resource.link_token if caller == OWNER_CALLER[owner] else world.other_link
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return call(
        world.client,
        method,
        url,
        body,
        token=world.token_for(caller, owner),
        headers=world.headers_for(caller),
    )


@pytest.mark.parametrize(
    ("method", "path", "caller"), CASES, ids=[f"{m} {p} by {c}" for m, p, c in CASES]
)
def test_only_the_owner_reads_or_changes_a_resource(world, method, path, caller):
    kind, owner = family(path)
    if caller == OWNER_CALLER[owner]:
        resource = world.fresh(kind)  # the owner may change it: never reuse
        status, data = request(world, method, path, owner, caller, resource)
        assert status < 500, data
        assert status not in (400, 401, 403, 404), (
            f"the owner is refused ({status}); fix the body in OVERRIDES if it is a 400: {data}"
        )
        return

    resource = world.shared(kind)
    before = resource.state()
    status, data = request(world, method, path, owner, caller, resource)

    assert status < 500, data
    text = (
        data.decode("utf-8", "replace")
        if isinstance(data, bytes)
        else json.dumps(data, ensure_ascii=False)
    )
    assert not [m for m in resource.secrets if m in text], f"{caller} saw personal data: {text}"
    assert resource.state() == before, f"{caller} changed {kind} {resource.id}"
    if owner == "nobody":
        return
    expected = {404} if (method, path) in LINK_ONLY else DENIED[owner][caller]
    assert status in expected, f"{caller}: {status} {data}"


OFFICER_DOSSIER = [(m, p) for m, p in PROTECTED if family(p) == ("dossier", "officer")]


@pytest.mark.parametrize(
    ("method", "path"), OFFICER_DOSSIER, ids=[f"{m} {p}" for m, p in OFFICER_DOSSIER]
)
def test_the_agency_that_transferred_a_dossier_reads_only(world, method, path):
    """Agency X transferred the dossier to Y: X's admin reads it, every change is refused."""
    resource = world.transferred()
    before = resource.state()
    status, data = request(world, method, path, "officer", "officer_x", resource)

    assert resource.state() == before, f"{method} {path} changed the transferred dossier"
    if method == "GET":
        assert status == 200, data
    else:
        assert status == 403 and data["error"]["code"] == "TRANSFERRED_READ_ONLY", data
