"""A query string's declared types are resolved once per schema and process, not on every
request (issue 18: the lookup resolved its query schema's `$ref`s each time)."""

from __future__ import annotations

import pytest

from chalicelib import validation

LOOKUP_QUERY = "api/dossier-lookup.query.json"


def test_a_query_schemas_types_are_resolved_once(monkeypatch):
    first = validation.property_types(LOOKUP_QUERY)

    def no_registry():
        pytest.fail("the query schema was resolved again")

    monkeypatch.setattr(validation, "registry", no_registry)

    assert validation.property_types(LOOKUP_QUERY) == first == {"phone": "string"}
