"""Bearer-token verification: signature, expiry, audience and issuer on every protected call.

In production tokens come from the identity providers (VNeID-style OIDC for citizens, Cognito for
officers) and are checked against their JWKS; on the local stage a symmetric key signs the tokens
that `POST /dev/token` issues.
"""

from __future__ import annotations

import time
import uuid
from functools import lru_cache
from typing import TYPE_CHECKING

from chalicelib.config import Settings
from chalicelib.domain.errors import Unauthenticated
from chalicelib.domain.principal import OFFICER_ROLES, ROLES, Principal
from chalicelib.integrations import secrets

if TYPE_CHECKING:  # PyJWT (and cryptography under it) load with the first signed request
    import jwt

LOCAL_ALGORITHM = "HS256"
JWKS_ALGORITHMS = ["RS256", "ES256"]


def issue_local_token(settings: Settings, principal: Principal, ttl_seconds: int = 8 * 3600) -> str:
    now = int(time.time())
    claims = {
        "sub": principal.subject,
        "role": principal.role,
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": now,
        "nbf": now,
        "exp": now + ttl_seconds,
        "jti": uuid.uuid4().hex,
    }
    if principal.agency:
        claims["agency"] = principal.agency
    if principal.name:
        claims["name"] = principal.name
    import jwt

    return jwt.encode(claims, secrets.app_secrets().secret_key, algorithm=LOCAL_ALGORITHM)


@lru_cache(maxsize=4)
def _jwks_client(url: str) -> jwt.PyJWKClient:
    import jwt

    return jwt.PyJWKClient(url, cache_keys=True, lifespan=3600)


def _claims(settings: Settings, token: str) -> dict:
    import jwt

    options = {"require": ["exp", "iat", "sub", "iss", "aud"]}
    common = {
        "audience": settings.jwt_audience,
        "issuer": settings.jwt_issuer,
        "options": options,
        "leeway": 30,
    }
    if settings.auth_mode == "local":
        key = secrets.app_secrets().secret_key
        return jwt.decode(token, key, algorithms=[LOCAL_ALGORITHM], **common)
    key = _jwks_client(settings.jwks_url).get_signing_key_from_jwt(token).key
    return jwt.decode(token, key, algorithms=JWKS_ALGORITHMS, **common)


def unverified_issuer(token: str) -> str | None:
    """The `iss` a token claims, before any check: only to choose whom to verify it with."""
    import jwt

    try:
        return jwt.decode(token, options={"verify_signature": False}).get("iss")
    except jwt.PyJWTError:
        return None


def _role(claims: dict) -> str | None:
    """`role` (local tokens), else the officer role among the Cognito groups."""
    if claims.get("role") or claims.get("custom:role"):
        return claims.get("role") or claims.get("custom:role")
    return next((g for g in claims.get("cognito:groups", []) if g in OFFICER_ROLES), None)


def verify(settings: Settings, token: str) -> Principal:
    import jwt

    try:
        claims = _claims(settings, token)
    except jwt.ExpiredSignatureError:
        raise Unauthenticated("Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại.") from None
    except (jwt.PyJWTError, ValueError):
        raise Unauthenticated("Mã xác thực không hợp lệ.") from None
    role = _role(claims)
    agency = claims.get("agency") or claims.get("custom:agency")
    if role not in ROLES or (role in OFFICER_ROLES and not agency):
        raise Unauthenticated("Mã xác thực không có vai trò hợp lệ.")
    subject = claims.get("cognito:username") or claims["sub"]
    return Principal(subject=str(subject), role=role, agency=agency, name=claims.get("name"))
