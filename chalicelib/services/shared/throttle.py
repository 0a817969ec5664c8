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

Submissions (`take_submission`) and outbound messages (`take_message`) are counted the same
way, every attempt taken before the work; see docs/security.md for their limits.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import time
from dataclasses import dataclass

from chalicelib.config import get_settings
from chalicelib.domain.errors import RateLimited
from chalicelib.persistence import counter_store

log = logging.getLogger(__name__)
WINDOW_SECONDS = 15 * 60
CODE_WINDOW_SECONDS = 60 * 60
IPV6_PREFIX = 64
MESSAGE = "Bạn đã tra cứu sai quá nhiều lần. Vui lòng thử lại sau {minutes} phút."
SUBMISSION_WINDOW_SECONDS = 60 * 60
FEEDBACK_MESSAGE = (
    "Đã có quá nhiều phản ánh, kiến nghị được gửi từ địa chỉ hoặc số điện thoại này. "
    "Vui lòng thử lại sau {minutes} phút."
)
SUBMISSION_MESSAGE = (
    "Đã có quá nhiều hồ sơ được nộp từ địa chỉ hoặc số điện thoại này. "
    "Vui lòng thử lại sau {minutes} phút."
)
MESSAGE_WINDOW_SECONDS = 24 * 60 * 60
VN_OFFSET_SECONDS = 7 * 60 * 60  # windows start on Vietnamese time: a day is a Vietnamese day


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
    """An attempt taken; `give_back()` when it should not count (a right phone, a submission
    that created nothing, a message not sent)."""

    keys: tuple[tuple[str, str], ...]

    def give_back(self) -> None:
        if self.keys:
            counter_store.give_back_attempts(list(self.keys))

    def give_back_on_failure(self) -> None:
        """Give back while the work's own error is on its way: best effort, so that error (the
        one the caller must see) is never replaced by this one."""
        try:
            self.give_back()
        except Exception as exc:
            log.warning("attempt not given back", extra={"error": type(exc).__name__})


def take(kind: str, code: str, client_address: str | None) -> Attempt:
    """Count one lookup attempt of `code` from `client_address`, or refuse it (429 with
    Retry-After) when a limit is already reached; nothing is counted when refused."""
    settings = get_settings()
    network = client_network(client_address)
    limits = [("code", code, settings.lookup_failures_per_code, CODE_WINDOW_SECONDS)]
    if network:
        limits = [
            ("pair", f"{code}#{network}", settings.lookup_failures_per_code_and_ip, WINDOW_SECONDS),
            ("ip", network, settings.lookup_failures_per_ip, WINDOW_SECONDS),
            *limits,
        ]
    return _take(kind, limits, MESSAGE)


def take_submission(
    citizen_subject: str | None,
    phone: str | None,
    client_address: str | None,
    kind: str = "submit",
) -> Attempt:
    """Count one submission (a dossier, or with kind="feedback" a feedback), or refuse it (429
    with Retry-After): a signed-in citizen against their own (higher) budget, an anonymous one
    per client network and per phone given. Each kind has budgets of its own.
    `give_back_on_failure()` when nothing was created after all."""
    settings = get_settings()
    window = SUBMISSION_WINDOW_SECONDS
    if citizen_subject:
        limits = [("citizen", citizen_subject, settings.submissions_per_citizen, window)]
    else:
        limits = []
        if phone:
            limits.append(("phone", _digest(phone), settings.submissions_per_phone, window))
        network = client_network(client_address)
        if network:
            limits.append(("ip", network, settings.submissions_per_ip, window))
    if not limits:
        return Attempt(())
    return _take(kind, limits, FEEDBACK_MESSAGE if kind == "feedback" else SUBMISSION_MESSAGE)


def take_message(address: str) -> Attempt | None:
    """Count one message to `address` (a phone or an email, normalised by the caller) in the
    current day, or None when its `MESSAGES_PER_RECIPIENT` are used up."""
    limit = get_settings().messages_per_recipient
    try:
        return _take("message", [("to", _digest(address), limit, MESSAGE_WINDOW_SECONDS)], "")
    except RateLimited:
        return None


def _digest(value: str) -> str:
    """Phones and emails are counted under a digest: the counters table holds no contacts."""
    return hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]


def _take(kind: str, limits: list[tuple[str, str, int, int]], message: str) -> Attempt:
    """Take one attempt under each (name, value, limit, window seconds) at once, or raise
    RateLimited with a Retry-After of the longest window that refused."""
    now = int(time.time()) + VN_OFFSET_SECONDS
    counters = [
        (f"RL#{kind}#{name}#{value}", str(now // window), limit, window)
        for name, value, limit, window in limits
    ]
    expires = now - VN_OFFSET_SECONDS + 2 * max(window for *_, window in counters)
    taken = [(pk, sk, limit) for pk, sk, limit, _ in counters]
    refused = counter_store.take_attempts(taken, expires)
    if refused:
        window = max(window for pk, _, _, window in counters if pk in refused)
        retry_after = window - now % window
        error = RateLimited(message.format(minutes=max(1, -(-retry_after // 60))))
        error.headers = {"Retry-After": str(retry_after)}
        raise error
    return Attempt(tuple((pk, sk) for pk, sk, _, _ in counters))
