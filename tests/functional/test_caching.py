"""Only what is the same for everyone is kept by browsers and the CDN (issue 18, cost): the
catalog, the calendar, the statistics and the static files say so with a shared-cache
`Cache-Control`; every other answer — and every answer to a signed-in caller that differs from
the anonymous one, or that sets a cookie — is `no-store`."""

from __future__ import annotations

import pytest
from chalice import Response

from chalicelib.domain.principal import Principal
from chalicelib.entrypoints import caching
from chalicelib.services.accounts.sessions import open_session
from tests.cached_routes import CACHED
from tests.factories import PROCEDURE, submit, token

AGENCY = "ubnd-phuong-kinh-bac"  # the agency of tests.factories.PROCEDURE
SAMPLES = {
    "{code}": PROCEDURE,
    "{name}": "portal.css",
    "{year}": "2026",
    "{agency}": AGENCY,
    "{number}": "01",
    "{document_id}": "khong-co-van-ban",
    "{feedback_id}": "khong-co",
    "{id_fmt}": "khong-co.json",
    "{code_fmt}": f"{PROCEDURE}.json",
    "{token_fmt}": "khong-co.json",
    "{resource}": "services.json",
}


def get_routes() -> list[str]:
    from app import app  # noqa: F401 - registers every route
    from chalicelib.entrypoints.http import ROUTES

    return sorted({r.path for r in ROUTES if r.method == "GET"})


GETS = get_routes()


@pytest.fixture(scope="module")
def world(app):
    from chalice.test import Client

    from tests.conftest import ROOT

    with Client(app, stage_name="local", project_dir=str(ROOT)) as client:
        _, created = submit(client)
        citizen = open_session(Principal("caching-citizen", "citizen"))
        callers = {
            "citizen": {
                "Cookie": f"dvc_session={citizen.cookie}",
                "Authorization": f"Bearer {token(client, 'citizen')}",
            },
            "officer": {"Authorization": f"Bearer {token(client, 'admin', AGENCY)}"},
        }
        yield client, created, callers


def url_of(path: str, created: dict) -> str:
    if not path.startswith(("/thu-tuc", "/v1/procedures", "/open311")):
        path = path.replace("{code}", created["code"])
    for name, value in SAMPLES.items():
        path = path.replace(name, value)
    return path


def get(client, url: str, headers: dict | None = None):
    response = client.http.get(url, headers={"Accept": "*/*", **(headers or {})})
    return response, {k.lower(): v for k, v in response.headers.items()}


@pytest.mark.parametrize("path", sorted(CACHED))
def test_public_answers_say_shared_caches_may_keep_them(world, path):
    client, created, _ = world
    response, got = get(client, url_of(path, created))
    assert response.status_code == 200, (path, response.body[:200])
    assert got["cache-control"] == CACHED[path]
    assert "set-cookie" not in got


def test_a_missing_page_or_item_is_not_kept(world):
    client, _, _ = world
    for url in ("/v1/procedures/9.999999", "/thu-tuc/9.999999", "/static/khong-co.js"):
        response, got = get(client, url)
        assert response.status_code == 404 and got["cache-control"] == "no-store", url


@pytest.mark.parametrize("path", GETS)
def test_no_answer_to_a_signed_in_caller_is_shared(world, path, monkeypatch):
    """A signed-in caller (session cookie, bearer token) gets a public answer only on a cached
    route, and then the very answer an anonymous visitor gets: the CDN keys its cache on neither
    cookies nor Authorization. Every other route answers `no-store`."""
    from chalicelib.entrypoints import stats_api

    at = stats_api.now()
    monkeypatch.setattr(stats_api, "now", lambda: at)  # the reports say when they were made
    client, created, callers = world
    url = url_of(path, created)
    anonymous, _ = get(client, url)
    for who, headers in callers.items():
        response, got = get(client, url, headers)
        cache = got.get("cache-control", "")
        if path not in CACHED or "set-cookie" in got or response.status_code >= 400:
            assert cache == "no-store", (who, path, response.status_code, cache)
            continue
        assert cache == CACHED[path], (who, path)
        assert response.body == anonymous.body, (who, path)


def test_an_answer_setting_a_cookie_is_never_kept():
    """Whatever a view says, a shared cache must not hand one visitor's cookie to the next."""
    headers = {"Cache-Control": caching.CATALOG, "Set-Cookie": "dvc_session=x; HttpOnly"}
    assert caching.enforce(Response(body="", headers=headers)).headers["Cache-Control"] == (
        "no-store"
    )
    assert caching.enforce(Response(body="", headers={})).headers["Cache-Control"] == "no-store"
