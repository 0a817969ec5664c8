"""Throttling of lookups by code and phone, so that phones cannot be guessed and a stranger
cannot lock the applicant out.

Every lookup with a phone first *takes* an attempt, before the phone is compared: one
conditional counter update per limit, all in one transaction, so parallel guesses can never
pass a limit together. A right phone gives its attempt back, so only wrong guesses stay counted.

Three limits (counters table items with a TTL, `counter_store`):

- per (code, client network), `LOOKUP_FAILURES_PER_CODE_AND_IP` in 15 minutes: the hard limit.
  It is keyed by the caller's network, so guesses from one place lock only that place out: the
  applicant looking up from another address still gets in;
- per client network, `LOOKUP_FAILURES_PER_IP` in 15 minutes, whatever the code (enumeration);
- per code from everywhere, `LOOKUP_FAILURES_PER_CODE` in an hour: slower, a bound on what many
  addresses together may guess. One network cannot reach it on its own.

A client network is an IPv4 address, or the /64 of an IPv6 address (the prefix a subscriber
gets whole, so rotating the low 64 bits does not buy new attempts).
"""

from __future__ import annotations

import ipaddress
import time
from dataclasses import dataclass

from chalicelib.config import get_settings
from chalicelib.domain.errors import RateLimited
from chalicelib.persistence import counter_store

WINDOW_SECONDS = 15 * 60
CODE_WINDOW_SECONDS = 60 * 60
IPV6_PREFIX = 64
MESSAGE = "Bạn đã tra cứu sai quá nhiều lần. Vui lòng thử lại sau {minutes} phút."


def client_network(address: str | None) -> str:
    """The unit an address is counted under: itself (IPv4, or anything that is not an IP
    address such as a chat user id), or its /64 (IPv6)."""
    if not address:
        return ""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6 and ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/{IPV6_PREFIX}", strict=False))
    return str(ip)


@dataclass(frozen=True)
class Attempt:
    """An attempt taken; `give_back()` when the phone was right."""

    keys: tuple[tuple[str, str], ...]

    def give_back(self) -> None:
        counter_store.give_back_attempts(list(self.keys))


def take(kind: str, code: str, client_address: str | None) -> Attempt:
    """Count one lookup attempt of `code` from `client_address`, or refuse it (429 with
    Retry-After) when a limit is already reached; nothing is counted when refused."""
    settings = get_settings()
    now = int(time.time())
    network = client_network(client_address)
    limits = [("code", code, settings.lookup_failures_per_code, CODE_WINDOW_SECONDS)]
    if network:
        limits = [
            ("pair", f"{code}#{network}", settings.lookup_failures_per_code_and_ip, WINDOW_SECONDS),
            ("ip", network, settings.lookup_failures_per_ip, WINDOW_SECONDS),
            *limits,
        ]
    counters = [
        (f"RL#{kind}#{name}#{value}", str(now // window), limit, window)
        for name, value, limit, window in limits
    ]
    refused = counter_store.take_attempts(
        [(pk, sk, limit) for pk, sk, limit, _ in counters], now + 2 * CODE_WINDOW_SECONDS
    )
    if refused:
        window = max(window for pk, _, _, window in counters if pk in refused)
        retry_after = window - now % window
        error = RateLimited(MESSAGE.format(minutes=max(1, -(-retry_after // 60))))
        error.headers = {"Retry-After": str(retry_after)}
        raise error
    return Attempt(tuple((pk, sk) for pk, sk, _, _ in counters))
