"""Every route of the app is documented for /openapi.json with the schemas of what it takes and
answers. Routes are discovered from the app itself, so a new route is checked without edits here."""

from __future__ import annotations

import re

import pytest

WRITE_METHODS = {"POST", "PUT", "PATCH"}


def _app_routes():
    from app import app

    return {
        (path, method): entry
        for path, methods in app.routes.items()
        for method, entry in methods.items()
        if method != "HEAD"  # every GET route's HEAD, not an operation of its own (http.route)
    }


def _docs():
    import app  # noqa: F401 - registers every blueprint's routes
    from chalicelib.entrypoints.http import ROUTES

    return {(doc.path, doc.method): doc for doc in ROUTES}


def _ids(pairs):
    return [f"{method} {path}" for path, method in pairs]


ROUTE_KEYS = sorted(_app_routes())
DOCS = _docs()


def test_every_route_is_registered_through_route_so_that_it_is_documented():
    undocumented = sorted(set(ROUTE_KEYS) - set(DOCS))

    assert undocumented == [], "register these with chalicelib.entrypoints.http.route()"


def test_every_documented_route_exists():
    assert sorted(set(DOCS) - set(ROUTE_KEYS)) == []


@pytest.mark.parametrize("key", ROUTE_KEYS, ids=_ids(ROUTE_KEYS))
def test_a_route_that_takes_a_json_body_documents_its_request_schema(key):
    path, method = key
    entry = _app_routes()[key]
    if method not in WRITE_METHODS or "application/json" not in entry.content_types:
        pytest.skip("takes no JSON body")

    assert DOCS[key].request, f"{method} {path}: add request='api/<name>.json' to route()"


@pytest.mark.parametrize("key", ROUTE_KEYS, ids=_ids(ROUTE_KEYS))
def test_a_route_that_answers_json_documents_its_response_schema(key):
    doc = DOCS[key]
    if doc.content_type != "application/json":
        pytest.skip(f"answers {doc.content_type}")

    assert doc.response, f"{doc.method} {doc.path}: add response='api/<name>.json' to route()"


@pytest.mark.parametrize("key", ROUTE_KEYS, ids=_ids(ROUTE_KEYS))
def test_every_schema_a_route_names_exists(key):
    from chalicelib.validation import schema

    doc = DOCS[key]
    for name in filter(None, (doc.request, doc.query, doc.response)):
        assert schema(name), name


def test_the_openapi_document_describes_every_route_and_path_parameter():
    from chalicelib.entrypoints.openapi import document

    paths = document()["paths"]
    for path, method in ROUTE_KEYS:
        operation = paths[path][method.lower()]
        declared = {p["name"] for p in operation["parameters"] if p["in"] == "path"}
        assert declared == set(re.findall(r"{(\w+)}", path)), f"{method} {path}"
        assert any(status.startswith("2") for status in operation["responses"])
