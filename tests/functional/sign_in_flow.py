"""A browser's walk through the citizens' sign-in, step by step, so that tests can break any step:
the portal (Chalice's test client) and the local OpenID provider (in-process WSGI)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlparse

import httpx

PASSWORD = "dvc-local"  # noqa: S105 - the local test accounts' password
CITIZEN = "001090000001"


@dataclass
class Browser:
    """The cookies a browser would keep for the portal."""

    cookies: dict

    def header(self) -> dict:
        if not self.cookies:
            return {}
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}

    def keep(self, response) -> None:
        values = response.headers.get("Set-Cookie") or []
        for value in [values] if isinstance(values, str) else values:
            name, _, rest = value.partition("=")
            cookie = rest.split(";", 1)[0]
            if "Max-Age=0" in value:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = cookie


def set_cookies(response) -> list[str]:
    values = response.headers.get("Set-Cookie") or []
    return [values] if isinstance(values, str) else list(values)


def provider_http(provider) -> httpx.Client:
    return httpx.Client(transport=httpx.WSGITransport(app=provider), base_url=provider.issuer)


def start(client, browser: Browser, next_path: str = "/ho-so-cua-toi") -> str:
    """GET /dang-nhap: the provider's authorization URL."""
    answer = client.http.get(f"/dang-nhap?next={next_path}", headers=browser.header())
    assert answer.status_code == 302, answer.body
    browser.keep(answer)
    return answer.headers["Location"]


def authorize(provider, url: str, username: str = CITIZEN, password: str = PASSWORD):
    """The citizen signs in on the provider's page: its answer (a redirect when right)."""
    with provider_http(provider) as http:
        page = http.get(url)
        assert page.status_code == 200, page.text
        request_id = re.search(r'name="request_id" value="([^"]+)"', page.text).group(1)
        return http.post(
            "/authorize",
            data={"request_id": request_id, "username": username, "password": password},
        )


def callback_query(answer) -> dict:
    assert answer.status_code == 302, answer.text
    return {k: v[0] for k, v in parse_qs(urlparse(answer.headers["location"]).query).items()}


def callback(client, browser: Browser, query: dict):
    from urllib.parse import urlencode

    answer = client.http.get(f"/dang-nhap/callback?{urlencode(query)}", headers=browser.header())
    browser.keep(answer)
    return answer


def sign_in(client, provider, username: str = CITIZEN, next_path: str = "/ho-so-cua-toi"):
    """A signed-in browser and the callback's answer."""
    browser = Browser({})
    query = callback_query(authorize(provider, start(client, browser, next_path), username))
    answer = callback(client, browser, query)
    assert answer.status_code == 302, answer.body
    return browser, answer


def csrf_token(client, browser: Browser) -> str:
    page = client.http.get("/ho-so-cua-toi", headers=browser.header())
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', page.body.decode()).group(1)
