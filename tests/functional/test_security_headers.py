"""Every HTML answer of the portal — the pages, the console, the printable forms 01–07, the
receipt, the payment return — carries its security headers, set in one place
(entrypoints/middleware.py `secure`): a CSP that runs only the portal's own files, no MIME
sniffing, no framing, only the origin as referrer, and no caching of personal data."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from chalicelib.domain.principal import Principal
from chalicelib.services.accounts import officers
from chalicelib.services.accounts.sessions import open_session
from chalicelib.services.dossiers.forms import FORM_NUMBERS
from tests.factories import PROCEDURE, submit, token

AGENCY = "ubnd-phuong-kinh-bac"  # the agency of tests.factories.PROCEDURE


def html_routes() -> list[tuple[str, str]]:
    from app import app  # noqa: F401 - registers every route
    from chalicelib.entrypoints.http import ROUTES

    return sorted({(r.method, r.path) for r in ROUTES if r.content_type.startswith("text/html")})


ROUTES = html_routes()
# Routes that answer a redirect here (no body to protect): sign-in hand-offs, the console's root.
REDIRECTS = {
    ("GET", "/dang-nhap"),
    ("GET", "/dang-nhap/callback"),
    ("POST", "/dang-xuat"),
    ("GET", "/can-bo"),
}
# Pages without personal data that say browsers may keep them a minute.
PUBLIC = {
    "/",
    "/thu-tuc",
    "/thu-tuc/{code}",
    "/thu-tuc/{code}/nop-ho-so",
    "/tra-cuu",
    "/phan-anh",
    "/thong-ke",
}
CASES = [(m, p, n) for m, p in ROUTES for n in (FORM_NUMBERS if "{number}" in p else (None,))]


@pytest.fixture(scope="module")
def world(app):
    from chalice.test import Client

    from tests.conftest import ROOT

    with Client(app, stage_name="local", project_dir=str(ROOT)) as client:
        _, created = submit(client)
        sessions = {
            "/can-bo": officers.sign_in(f"admin.{AGENCY}", "dvc-local").session,
            "/ho-so-cua-toi": open_session(Principal("headers-citizen", "citizen")),
            "/phan-anh-cua-toi": open_session(Principal("headers-citizen", "citizen")),
        }
        yield client, created, token(client, "admin", AGENCY), sessions


def signed_in(path: str, sessions: dict) -> dict:
    """The browser session a console or a citizen's page needs (the sign-in pages need none)."""
    prefix = next((p for p in sessions if path.startswith(p)), None)
    if prefix is None or path.startswith("/can-bo/dang-nhap"):
        return {}
    session = sessions[prefix]
    return {"Cookie": f"dvc_session={session.cookie}", "X-CSRF-Token": session.csrf_token}


def url_of(path: str, number: str | None, created: dict) -> str:
    receipt = urlsplit(created["receipt_url"])
    if path == "/v1/dossiers/{code}/receipt":
        return f"{receipt.path}?{receipt.query}"
    code = PROCEDURE if path.startswith("/thu-tuc/") else created["code"]
    query = "?from=2026-01-05&to=2026-01-09" if path.endswith("/register") else ""
    return (
        path.replace("{code}", code)
        .replace("{number}", number or "")
        .replace("{document_id}", "khong-co-van-ban")
        .replace("{agency}", AGENCY)
    ) + query


@pytest.mark.parametrize(("method", "path", "number"), CASES, ids=[
    f"{m} {p}{' ' + n if n else ''}" for m, p, n in CASES])  # fmt: skip
def test_every_html_answer_carries_the_security_headers(world, method, path, number):
    client, created, officer, sessions = world
    headers = {"Accept": "text/html", **signed_in(path, sessions)}
    if path.startswith("/v1/officer/"):
        headers["Authorization"] = f"Bearer {officer}"
    body = b"" if method == "POST" else None
    if method == "POST":
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    url = url_of(path, number, created)
    response = client.http.request(method, url, headers=headers, body=body)
    got = {k.lower(): v for k, v in response.headers.items()}

    if (method, path) in REDIRECTS and 300 <= response.status_code < 400:
        return
    assert got.get("content-type", "").startswith("text/html"), (response.status_code, got)
    csp = dict(
        d.strip().split(" ", 1) for d in got["content-security-policy"].split(";") if d.strip()
    )
    assert csp["default-src"] == "'self'" and csp["script-src"] == "'self'"
    assert csp["frame-ancestors"] == "'none'" and csp["object-src"] == "'none'"
    assert got["x-content-type-options"] == "nosniff"
    assert got["referrer-policy"] == "same-origin" and got["x-frame-options"] == "DENY"
    if path not in PUBLIC or response.status_code >= 400:
        assert got["cache-control"] == "no-store"


def test_no_page_runs_inline_code(world):
    """What the CSP forbids is not in the templates: no inline script, handler or style."""
    from chalicelib.web.render import TEMPLATES

    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        scripts = re.findall(r"<script(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>", text)
        assert not scripts, f"{template.name}: inline <script>"
        assert not re.search(r"\son[a-z]+=", text), f"{template.name}: inline event handler"
        assert "<style" not in text and " style=" not in text, f"{template.name}: inline style"
