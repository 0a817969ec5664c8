"""Throttling of failed dossier lookups, so that codes and phones cannot be enumerated.

Failures are counted per client address and per dossier code in 15-minute windows (items with a
TTL in the counters table); over the limit, lookups answer 429 until the window ends."""

from __future__ import annotations

import time

from chalicelib.config import get_settings
from chalicelib.domain.errors import RateLimited
from chalicelib.persistence import counter_store

WINDOW_SECONDS = 15 * 60


def _limits() -> dict[str, int]:
    settings = get_settings()
    return {"ip": settings.lookup_failures_per_ip, "code": settings.lookup_failures_per_code}


def _keys(kind: str, subjects: dict[str, str]) -> list[tuple[str, str, int]]:
    window = int(time.time()) // WINDOW_SECONDS
    limits = _limits()
    return [
        (f"RL#{kind}#{name}#{value}", str(window), limits[name])
        for name, value in subjects.items()
        if value
    ]


def check(kind: str, subjects: dict[str, str]) -> None:
    """Refuse (429) when any subject has failed too often in the current window."""
    keys = _keys(kind, subjects)
    counted = counter_store.failures([(pk, sk) for pk, sk, _ in keys])
    if any(counted.get((pk, sk), 0) >= limit for pk, sk, limit in keys):
        raise RateLimited("Bạn đã tra cứu sai quá nhiều lần. Vui lòng thử lại sau 15 phút.")


def record_failure(kind: str, subjects: dict[str, str]) -> None:
    expires = int(time.time()) + 2 * WINDOW_SECONDS
    counter_store.add_failure([(pk, sk) for pk, sk, _ in _keys(kind, subjects)], expires)
