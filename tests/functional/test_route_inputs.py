"""A view takes the caller, body and query its route declares: the caller is checked first, so
that a stranger learns nothing about a body's rules, and a view cannot validate a body against
another schema than the one /openapi.json shows."""

import pytest
from chalice import Blueprint

from chalicelib.entrypoints.http import ROUTES, route
from tests.factories import call, token


def test_a_stranger_with_a_bad_body_is_told_to_sign_in_first(client):
    status, body = call(client, "POST", "/v1/officer/dossiers/X-1/actions", {"bad": True})

    assert status == 401 and body["error"]["code"] == "UNAUTHENTICATED"


def test_an_officer_with_a_bad_body_is_told_what_is_wrong_with_it(client):
    officer = token(client, "specialist", "ubnd-phuong-kinh-bac")

    status, body = call(client, "POST", "/v1/officer/dossiers/X-1/actions", {}, officer)

    assert status == 400 and body["error"]["code"] == "VALIDATION_FAILED"


def test_a_citizen_is_not_an_officer_whatever_the_body(client):
    citizen = token(client, "citizen")

    status, _ = call(client, "POST", "/v1/officer/dossiers/X-1/actions", {}, citizen)

    assert status == 403


def test_a_view_taking_what_its_route_does_not_declare_is_refused_at_import():
    bp = Blueprint(__name__)
    before = list(ROUTES)

    with pytest.raises(TypeError, match="body"):

        @route(bp, "/v1/test-only", "POST", summary="x", tag="x")
        def undeclared(body):
            return body

    assert ROUTES == before
