"""Opaque, tamper-evident page tokens (`page_token`) for every list in the API."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Sequence
from typing import Any, TypeVar

from chalicelib.domain.errors import FieldError, ValidationFailed
from chalicelib.integrations import secrets

T = TypeVar("T")
DEFAULT_PAGE_SIZE = 20


def _mac(payload: bytes) -> str:
    key = secrets.app_secrets().secret_key.encode()
    return hmac.new(key, payload, hashlib.sha256).hexdigest()[:16]


def encode(state: dict[str, Any] | None) -> str | None:
    if not state:
        return None
    payload = base64.urlsafe_b64encode(json.dumps(state, separators=(",", ":")).encode())
    return f"{payload.decode().rstrip('=')}.{_mac(payload.rstrip(b'='))}"


def decode(token: str | None, scope: str) -> dict[str, Any] | None:
    """The state inside a token issued for the same `scope` (list), or a 400."""
    if not token:
        return None
    try:
        payload, mac = token.rsplit(".", 1)
        if not hmac.compare_digest(mac, _mac(payload.encode())):
            raise ValueError
        state = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        if state.pop("_s", None) != scope:
            raise ValueError
        return state
    except (ValueError, TypeError):
        raise ValidationFailed(
            "Mã trang không hợp lệ.", [FieldError("page_token", "Không hợp lệ hoặc đã hết hạn")]
        ) from None


def scoped(state: dict[str, Any] | None, scope: str) -> str | None:
    return encode({**state, "_s": scope}) if state else None


def slice_page(items: Sequence[T], page_size: int, token: str | None, scope: str):
    """One page of an in-memory list: (items, next_page_token)."""
    state = decode(token, scope) or {"o": 0}
    offset = int(state.get("o", 0))
    page = list(items[offset : offset + page_size])
    more = offset + page_size < len(items)
    return page, scoped({"o": offset + page_size}, scope) if more else None
