"""A local OpenID provider for citizens, the stand-in for VNeID / the national single sign-on.

`make run` serves it on its own port; the tests call it in-process through httpx's WSGI
transport. It implements what the portal uses and checks what it receives as a real provider
would: discovery, authorize (a Vietnamese sign-in page with `username` and `password`), token
(authorization code, once only, with the registered redirect URI and a PKCE S256 verifier) and
a JWKS with an RS256 key made at start-up. ID tokens carry the `nonce` sent to authorize.
Every test citizen's password is `dvc-local`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import json
import secrets
import threading
import time
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode

PASSWORD = "dvc-local"  # noqa: S105 - the documented password of the local test accounts
CODE_SECONDS = 60
TOKEN_SECONDS = 600
PENDING_SECONDS = 600


@dataclass(frozen=True)
class Citizen:
    id_number: str
    name: str
    phone: str
    birthdate: str
    address: str | None = None

    def claims(self) -> dict:
        claims = {
            "sub": self.id_number,
            "id_number": self.id_number,
            "name": self.name,
            "phone_number": self.phone,
            "birthdate": self.birthdate,
        }
        if self.address:
            claims["address"] = {"formatted": self.address}
        return claims


CITIZENS = {
    c.id_number: c
    for c in (
        Citizen(
            "001090000001",
            "Nguyễn Văn An",
            "0912345678",
            "1990-05-12",
            "Số 8 Lý Thái Tổ, phường Kinh Bắc, tỉnh Bắc Ninh",
        ),
        Citizen(
            "001192000002",
            "Trần Thị Bình",
            "0987654321",
            "1992-11-03",
            "Thôn Đông, xã Tiên Du, tỉnh Bắc Ninh",
        ),
        Citizen("001085000003", "Lê Văn Cường", "0903123456", "1985-02-20"),
    )
}

PAGE = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>Đăng nhập định danh điện tử (thử nghiệm)</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main>
<h1>Đăng nhập bằng tài khoản định danh điện tử</h1>
<p>Nhà cung cấp định danh thử nghiệm của môi trường local (thay cho VNeID). Mật khẩu của mọi
tài khoản thử là <code>dvc-local</code>.</p>
{error}
<form method="post" action="{action}">
<input type="hidden" name="request_id" value="{request_id}">
<p><label for="username">Số định danh cá nhân</label><br>
<input id="username" name="username" autocomplete="username" inputmode="numeric"
 value="{username}"></p>
<p><label for="password">Mật khẩu</label><br>
<input id="password" name="password" type="password" autocomplete="current-password"></p>
<p><button type="submit">Đăng nhập</button></p>
</form></main></body></html>"""


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class CitizenIdentityProvider:
    """A WSGI application. `clients` maps client ids to their registered redirect URIs."""

    def __init__(self, issuer: str, clients: dict[str, list[str]]) -> None:
        from joserfc.jwk import RSAKey

        self.issuer = issuer.rstrip("/")
        self.clients = clients
        self.key = RSAKey.generate_key(2048, parameters={"kid": secrets.token_hex(8)})
        self._lock = threading.Lock()
        self._pending: dict[str, dict] = {}
        self._codes: dict[str, dict] = {}

    # ---- helpers -------------------------------------------------------------------------
    def metadata(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["none", "client_secret_basic"],
            "scopes_supported": ["openid", "profile", "phone", "address"],
            "claims_supported": [
                "sub",
                "name",
                "id_number",
                "phone_number",
                "birthdate",
                "address",
                "nonce",
            ],
        }

    def id_token(
        self,
        citizen: Citizen,
        client_id: str,
        nonce: str,
        now: int | None = None,
        issuer: str | None = None,
        key=None,
    ) -> str:
        from joserfc import jwt

        now = int(time.time()) if now is None else now
        claims = {
            **citizen.claims(),
            "iss": issuer or self.issuer,
            "aud": client_id,
            "iat": now,
            "exp": now + TOKEN_SECONDS,
            "auth_time": now,
            "nonce": nonce,
        }
        signing = key or self.key
        return jwt.encode({"alg": "RS256", "kid": signing.kid}, claims, signing)

    # ---- WSGI ----------------------------------------------------------------------------
    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        routes = {
            ("GET", "/.well-known/openid-configuration"): lambda: _json(self.metadata()),
            ("GET", "/jwks"): lambda: _json({"keys": [self.key.as_dict(private=False)]}),
            ("GET", "/authorize"): lambda: self._authorize(query),
            ("POST", "/authorize"): lambda: self._sign_in(_form(environ)),
            ("POST", "/token"): lambda: self._token(_form(environ), environ),
        }
        handler = routes.get((method, path))
        status, headers, body = handler() if handler else _json({"error": "not_found"}, 404)
        start_response(status, headers)
        return [body]

    def _authorize(self, q: dict) -> tuple:
        redirects = self.clients.get(q.get("client_id", ""))
        if redirects is None or q.get("redirect_uri") not in redirects:
            # Never redirect to an unregistered address: tell the person instead.
            return _page("<p>Ứng dụng hoặc địa chỉ quay lại không được đăng ký.</p>", 400)
        problem = None
        if q.get("response_type") != "code":
            problem = "unsupported_response_type"
        elif "openid" not in q.get("scope", "").split():
            problem = "invalid_scope"
        elif q.get("code_challenge_method") != "S256" or len(q.get("code_challenge", "")) < 43:
            problem = "invalid_request"
        elif not q.get("state") or not q.get("nonce"):
            problem = "invalid_request"
        if problem:
            return _redirect(q["redirect_uri"], {"error": problem, "state": q.get("state", "")})
        request_id = secrets.token_urlsafe(24)
        with self._lock:
            self._pending[request_id] = {**q, "expires": time.time() + PENDING_SECONDS}
        return self._form_page(request_id, "", None)

    def _form_page(self, request_id: str, username: str, error: str | None, status: int = 200):
        return _page(
            PAGE.format(
                action=html.escape(f"{self.issuer}/authorize"),
                request_id=html.escape(request_id),
                username=html.escape(username),
                error=f'<p role="alert"><strong>{html.escape(error)}</strong></p>' if error else "",
            ),
            status,
        )

    def _sign_in(self, form: dict) -> tuple:
        with self._lock:
            request = self._pending.get(form.get("request_id", ""))
        if request is None or request["expires"] < time.time():
            return _page("<p>Phiên đăng nhập đã hết hạn. Hãy quay lại Cổng và thử lại.</p>", 400)
        username = form.get("username", "").strip()
        citizen = CITIZENS.get(username)
        if citizen is None or not hmac.compare_digest(form.get("password", ""), PASSWORD):
            return self._form_page(
                form["request_id"], username, "Số định danh hoặc mật khẩu không đúng.", 401
            )
        code = secrets.token_urlsafe(32)
        with self._lock:
            self._pending.pop(form["request_id"], None)
            self._codes[code] = {
                "citizen": citizen,
                "client_id": request["client_id"],
                "redirect_uri": request["redirect_uri"],
                "code_challenge": request["code_challenge"],
                "nonce": request["nonce"],
                "expires": time.time() + CODE_SECONDS,
            }
        return _redirect(request["redirect_uri"], {"code": code, "state": request["state"]})

    def _token(self, form: dict, environ) -> tuple:
        client_id = form.get("client_id") or _basic_client_id(environ)
        with self._lock:
            grant = self._codes.pop(form.get("code", ""), None)  # a code works once
        if form.get("grant_type") != "authorization_code":
            return _json({"error": "unsupported_grant_type"}, 400)
        if grant is None or grant["expires"] < time.time() or grant["client_id"] != client_id:
            return _json({"error": "invalid_grant"}, 400)
        if form.get("redirect_uri") != grant["redirect_uri"]:
            return _json({"error": "invalid_grant", "error_description": "redirect_uri"}, 400)
        verifier = form.get("code_verifier", "")
        challenge = _b64url(hashlib.sha256(verifier.encode()).digest())
        if not verifier or not hmac.compare_digest(challenge, grant["code_challenge"]):
            return _json({"error": "invalid_grant", "error_description": "code_verifier"}, 400)
        return _json(
            {
                "access_token": secrets.token_urlsafe(32),
                "token_type": "Bearer",
                "expires_in": TOKEN_SECONDS,
                "scope": "openid profile phone address",
                "id_token": self.id_token(grant["citizen"], client_id, grant["nonce"]),
            }
        )


def _form(environ) -> dict:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    raw = environ["wsgi.input"].read(length).decode() if length else ""
    return {k: v[0] for k, v in parse_qs(raw).items()}


def _basic_client_id(environ) -> str:
    header = environ.get("HTTP_AUTHORIZATION", "")
    if not header.startswith("Basic "):
        return ""
    try:
        return base64.b64decode(header[6:]).decode().partition(":")[0]
    except ValueError:
        return ""


def _json(body: dict, status: int = 200) -> tuple:
    reason = {200: "OK", 400: "Bad Request", 404: "Not Found"}[status]
    headers = [("Content-Type", "application/json"), ("Cache-Control", "no-store")]
    return f"{status} {reason}", headers, json.dumps(body).encode()


def _page(text: str, status: int = 200) -> tuple:
    reason = {200: "OK", 400: "Bad Request", 401: "Unauthorized"}[status]
    headers = [("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-store")]
    return f"{status} {reason}", headers, text.encode()


def _redirect(uri: str, params: dict) -> tuple:
    separator = "&" if "?" in uri else "?"
    return "302 Found", [("Location", f"{uri}{separator}{urlencode(params)}")], b""


def serve(provider: CitizenIdentityProvider, host: str, port: int):
    """Serve `provider` on its own thread (the portal calls its token endpoint while serving)."""
    from socketserver import ThreadingMixIn
    from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

    class Quiet(WSGIRequestHandler):
        def log_message(self, format, *args):  # noqa: A002
            return

    class Threaded(ThreadingMixIn, WSGIServer):
        daemon_threads = True

    server = make_server(host, port, provider, server_class=Threaded, handler_class=Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
