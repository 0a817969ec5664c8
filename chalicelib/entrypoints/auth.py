"""Resolve the caller of a request from its bearer token, and enforce roles."""

from __future__ import annotations

from chalice.app import Request

from chalicelib.config import get_settings
from chalicelib.domain.errors import Forbidden, Unauthenticated
from chalicelib.domain.principal import Principal
from chalicelib.integrations import identity


def optional_principal(request: Request) -> Principal | None:
    header = (request.headers or {}).get("authorization", "")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("Thiếu mã xác thực dạng Bearer.")
    return identity.verify(get_settings(), token.strip())


def require(request: Request, *roles: str) -> Principal:
    principal = optional_principal(request)
    if principal is None:
        raise Unauthenticated()
    if roles and principal.role not in roles:
        raise Forbidden()
    return principal
