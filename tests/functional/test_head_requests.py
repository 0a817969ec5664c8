"""HEAD answers every GET route (HTTP requires it) with the GET's status and headers and no body,
both under `make run` and in the app (API Gateway routes it like Chalice's local server), and it
refuses whatever the GET refuses: the same view answers both."""

from __future__ import annotations

import httpx
import pytest

from tests.factories import call
from tests.functional import test_security_matrix as matrix
from tests.functional.test_security_matrix import own_source_address, world  # noqa: F401

# Headers that differ between any two answers.
PER_ANSWER = {"x-request-id", "date"}
STRANGERS = [(m, p) for m, p in matrix.PROTECTED if m == "GET"]


def _same_headers(head, get):
    return {k: v for k, v in head.headers.items() if k not in PER_ANSWER} == {
        k: v for k, v in get.headers.items() if k not in PER_ANSWER
    }


@pytest.mark.parametrize("path", ["/", "/thu-tuc", "/v1/procedures", "/health"])
def test_the_local_server_answers_head_like_get_without_a_body(local_server, path):
    get = httpx.get(f"{local_server}{path}", timeout=10)
    head = httpx.head(f"{local_server}{path}", timeout=10)

    assert get.status_code == 200
    assert head.status_code == 200 and head.content == b""
    assert _same_headers(head, get)


def test_head_of_an_unknown_path_or_a_write_route_is_refused_as_for_get(client):
    assert client.http.head("/khong-co").status_code == client.http.get("/khong-co").status_code
    assert client.http.head("/v1/dossiers").status_code == 405  # a POST-only route


def test_head_without_credentials_is_refused_like_get_and_says_nothing(client):
    get = client.http.get("/v1/me/dossiers")
    head = client.http.head("/v1/me/dossiers")

    assert get.status_code == head.status_code == 401
    assert head.body == b"" and head.headers["Content-Length"] == str(len(get.body))


@pytest.mark.parametrize(("method", "path"), STRANGERS, ids=[p for _, p in STRANGERS])
def test_head_of_a_resource_answers_each_caller_as_get_does(world, monkeypatch, method, path):  # noqa: F811
    kind, owner = matrix.family(path)
    resource = world.shared(kind)
    for caller in matrix.CALLERS:
        get, _ = matrix.request(world, "GET", path, owner, caller, resource)
        monkeypatch.setattr(matrix, "call", lambda c, _m, *a, **k: call(c, "HEAD", *a, **k))
        head, body = matrix.request(world, "GET", path, owner, caller, resource)
        monkeypatch.setattr(matrix, "call", call)

        assert (head, body) == (get, None), f"{caller}: HEAD {head}, GET {get}"
