"""A listing or an action declares its route without a view: the route still takes the caller
and the query or body it declares, so one that declares neither is refused at import."""

import pytest
from chalice import Blueprint

from chalicelib.entrypoints.http import ROUTES, routes_of
from tests.factories import call, token

UNUSED = "tests.functional.test_route_kinds:unused"


def unused(*args):
    raise AssertionError("never called")


def test_a_listing_without_its_roles_and_query_is_refused_at_import():
    routes = routes_of(Blueprint(__name__), tag="x")
    before = list(ROUTES)

    with pytest.raises(TypeError, match="principal"):
        routes.listing("/v1/test-only", UNUSED, summary="x")

    assert ROUTES == before


def test_an_action_without_its_body_schema_is_refused_at_import():
    routes = routes_of(Blueprint(__name__), tag="x", auth=("specialist",))
    before = list(ROUTES)

    with pytest.raises(TypeError, match="body"):
        routes.action("/v1/test-only/{item}", UNUSED, summary="x")

    assert ROUTES == before


def test_an_action_hands_the_item_of_its_path_to_the_service(client):
    officer = token(client, "specialist", "ubnd-phuong-kinh-bac")
    body = {"action": "answer", "version": 1, "note": "x"}

    status, answer = call(client, "POST", "/v1/officer/feedback/NO-SUCH-ID/actions", body, officer)

    assert status == 404, answer


def test_a_service_named_without_its_module_is_refused_at_import():
    routes = routes_of(Blueprint(__name__), tag="x", auth=("specialist",))

    with pytest.raises(ValueError, match="module:function"):
        routes.listing("/v1/test-only", "unused", summary="x", query="api/officer-inbox.query.json")
