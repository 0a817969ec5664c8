"""Citizens' identity provider: an OpenID Connect relying party (authorization code + PKCE S256,
`state` and `nonce`), built on Authlib's httpx client and joserfc.

The same code talks to VNeID / the national portal's single sign-on in production and to the
local provider that `make run` serves (infra/local/citizen_idp.py). The httpx transport is
injectable, which is how the tests drive the local provider in-process. Authlib and joserfc are
imported inside the functions that need them: only the sign-in routes pay for them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # httpx too loads with the first sign-in, not with the app (cold start)
    import httpx

METADATA_SECONDS = 3600
SIGNING_ALGORITHMS = ["RS256", "ES256", "PS256"]
LEEWAY_SECONDS = 60


@cache
def _timeout() -> httpx.Timeout:
    import httpx

    return httpx.Timeout(10.0, connect=3.0)


class OidcError(Exception):
    """The provider's answer cannot be trusted or used; `reason` is stable, for logs and tests."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class OidcConfig:
    issuer: str
    client_id: str
    client_secret: str
    scopes: str
    redirect_uri: str


class OidcClient:
    def __init__(self, config: OidcConfig, transport: httpx.BaseTransport | None = None) -> None:
        self.config = config
        self._transport = transport
        self._metadata: dict[str, Any] | None = None
        self._metadata_at = 0.0
        self._jwks: dict[str, Any] | None = None

    def _oauth(self):
        from authlib.integrations.httpx_client import OAuth2Client

        secret = self.config.client_secret or None
        return OAuth2Client(
            client_id=self.config.client_id,
            client_secret=secret,
            token_endpoint_auth_method="client_secret_basic" if secret else "none",
            redirect_uri=self.config.redirect_uri,
            scope=self.config.scopes,
            code_challenge_method="S256",
            timeout=_timeout(),
            transport=self._transport,
        )

    def _get_json(self, url: str) -> dict[str, Any]:
        import httpx

        try:
            with httpx.Client(timeout=_timeout(), transport=self._transport) as http:
                answer = http.get(url, headers={"Accept": "application/json"})
        except httpx.HTTPError:
            raise OidcError("provider_unreachable") from None
        if answer.status_code != 200:
            raise OidcError("provider_error")
        try:
            return answer.json()
        except ValueError:
            raise OidcError("provider_error") from None

    def metadata(self) -> dict[str, Any]:
        """The discovery document; its `issuer` must be exactly the configured one."""
        if self._metadata is None or time.monotonic() - self._metadata_at > METADATA_SECONDS:
            found = self._get_json(f"{self.config.issuer}/.well-known/openid-configuration")
            if found.get("issuer", "").rstrip("/") != self.config.issuer:
                raise OidcError("issuer_mismatch")
            self._metadata, self._metadata_at, self._jwks = found, time.monotonic(), None
        return self._metadata

    def authorization_url(self, state: str, nonce: str, code_verifier: str) -> str:
        endpoint = self.metadata()["authorization_endpoint"]
        with self._oauth() as oauth:
            url, _ = oauth.create_authorization_url(
                endpoint, state=state, nonce=nonce, code_verifier=code_verifier
            )
        return url

    def exchange(self, code: str, code_verifier: str) -> dict[str, Any]:
        """The token endpoint's answer for `code` (which the provider accepts only once)."""
        import httpx
        from authlib.integrations.base_client import OAuthError

        endpoint = self.metadata()["token_endpoint"]
        try:
            with self._oauth() as oauth:
                token = oauth.fetch_token(
                    endpoint,
                    grant_type="authorization_code",
                    code=code,
                    code_verifier=code_verifier,
                )
        except OAuthError:
            raise OidcError("code_rejected") from None
        except httpx.HTTPError:
            raise OidcError("provider_unreachable") from None
        if not token.get("id_token"):
            raise OidcError("no_id_token")
        return dict(token)

    def _key_set(self, refresh: bool = False):
        from joserfc.jwk import KeySet

        if self._jwks is None or refresh:
            self._jwks = self._get_json(self.metadata()["jwks_uri"])
        return KeySet.import_key_set(self._jwks)

    def verify_id_token(self, id_token: str, nonce: str, access_token: str | None = None) -> dict:
        """Claims of an ID token whose signature (provider's JWKS), `iss`, `aud`, `exp`, `iat`
        and `nonce` are right; anything else raises OidcError."""
        from authlib.oidc.core import CodeIDToken
        from joserfc import jwt
        from joserfc.errors import InvalidKeyIdError, JoseError
        from joserfc.jws import JWSRegistry

        registry = JWSRegistry(algorithms=SIGNING_ALGORITHMS)
        try:
            try:
                token = jwt.decode(id_token, self._key_set(), registry=registry)
            except InvalidKeyIdError:  # the provider rotated its keys
                token = jwt.decode(id_token, self._key_set(refresh=True), registry=registry)
            claims = CodeIDToken(
                token.claims,
                token.header,
                {
                    "iss": {"essential": True, "value": self.config.issuer},
                    "aud": {"essential": True, "value": self.config.client_id},
                    "exp": {"essential": True},
                },
                {"nonce": nonce, "client_id": self.config.client_id, "access_token": access_token},
            )
            claims.validate(leeway=LEEWAY_SECONDS)
        except (JoseError, ValueError) as exc:
            raise OidcError(_reason(exc)) from None
        return dict(claims)


def _reason(exc: Exception) -> str:
    claim = getattr(exc, "claim", None)
    if claim:
        return f"bad_{claim}"
    return getattr(exc, "error", None) or "bad_token"
