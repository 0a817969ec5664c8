"""Throttling of lookups by code and phone, so that phones cannot be guessed and a stranger
cannot lock the applicant out.

Every lookup with a phone is one *guess* (`guess`): one conditional counter update per limit
and, last, a check the caller stages that the phone is surely wrong, all in one transaction, so
parallel guesses can never pass a limit together. It commits (the attempt counted) only for a
wrong phone or an unknown code; a phone that may be right fails the check and counts nothing,
so only wrong guesses count. A counter at its limit refuses whatever the phone (429).

Three limits (counters table items with a TTL, `counter_store`):

- per (code, client network), `LOOKUP_FAILURES_PER_CODE_AND_IP` in 15 minutes: the hard limit.
  It is keyed by the caller's network, so guesses from one place lock only that place out: the
  applicant looking up from another address still gets in;
- per client network, `LOOKUP_FAILURES_PER_IP` in 15 minutes, whatever the code (enumeration);
- per code from everywhere, `LOOKUP_FAILURES_PER_CODE` in an hour: slower, a bound on what many
  addresses together may guess. One network cannot reach it on its own.

A client network is an IPv4 address, or the /64 of an IPv6 address (the prefix a subscriber
gets whole, so rotating the low 64 bits does not buy new attempts).

Submissions and outbound messages (`take_message`) are counted the same way; a dossier's
submission stages its budget (`submission_budget`) into the transaction that creates the
dossier, so a refused or failed submission counts nothing; see docs/security.md for the limits.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import time
from dataclasses import dataclass

from chalicelib.config import get_settings
from chalicelib.domain.errors import RateLimited
from chalicelib.persistence import counter_store, store

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
UPLOAD_MESSAGE = (
    "Đã có quá nhiều tệp được tải lên từ địa chỉ này. Vui lòng thử lại sau {minutes} phút."
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
    """An attempt taken; `give_back()` when it should not count (a submission that created
    nothing, a message not sent)."""

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


def guess(kind: str, code: str, wrong: store.Staged, client_address: str | None) -> bool:
    """One guess of `code`'s phone, in one transaction: an attempt under each lookup limit,
    committed only if the check `wrong` holds (the phone is surely wrong, or the code unknown).
    False: counted, answer 404. True: the phone may be right and nothing was counted; the caller
    compares it and `take`s the attempt after all if it is wrong. RateLimited (429 with
    Retry-After) when a limit is already reached, whatever the phone."""
    return _lookup_budget(kind, code, client_address).guess(wrong)


def take(kind: str, code: str, client_address: str | None) -> Attempt:
    """Count one lookup attempt of `code` from `client_address`, or refuse it (429 with
    Retry-After) when a limit is already reached; nothing is counted when refused."""
    return _lookup_budget(kind, code, client_address).take()


def _lookup_budget(kind: str, code: str, client_address: str | None) -> Budget:
    settings = get_settings()
    network = client_network(client_address)
    limits = [("code", code, settings.lookup_failures_per_code, CODE_WINDOW_SECONDS)]
    if network:
        limits = [
            ("pair", f"{code}#{network}", settings.lookup_failures_per_code_and_ip, WINDOW_SECONDS),
            ("ip", network, settings.lookup_failures_per_ip, WINDOW_SECONDS),
            *limits,
        ]
    return _budget(kind, limits, MESSAGE)


def take_submission(
    citizen_subject: str | None,
    phone: str | None,
    client_address: str | None,
    kind: str = "submit",
) -> Attempt:
    """Count one submission now (a feedback with kind="feedback"), or refuse it (429 with
    Retry-After); see `submission_budget` for the budgets. `give_back_on_failure()` when nothing
    was created after all."""
    return submission_budget(citizen_subject, phone, client_address, kind).take()


def submission_budget(
    citizen_subject: str | None,
    phone: str | None,
    client_address: str | None,
    kind: str = "submit",
) -> Budget:
    """The budgets one submission spends: a signed-in citizen their own (higher) budget, an
    anonymous one per client network and per phone given. Each kind has budgets of its own."""
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
    return _budget(kind, limits, FEEDBACK_MESSAGE if kind == "feedback" else SUBMISSION_MESSAGE)


def take_upload(client_address: str | None) -> Attempt:
    """Count one anonymous upload (a presigned POST of up to a component's size into the
    uploads bucket) per client network, `UPLOADS_PER_IP` an hour, or refuse it (429)."""
    network = client_network(client_address)
    limit = get_settings().uploads_per_ip
    limits = [("ip", network, limit, SUBMISSION_WINDOW_SECONDS)] if network else []
    return _budget("upload", limits, UPLOAD_MESSAGE).take()


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


@dataclass(frozen=True)
class Budget:
    """Counters that one attempt takes one from, each under its limit: `take()` them now, or
    `stage()` them into the transaction of the work itself (one call; a refused or failed
    transaction counts nothing) and ask `refusal(failed)` what a cancellation means."""

    counters: tuple[tuple[str, str, int, int], ...]  # (key, window key, limit, window seconds)
    expires: int
    now: int  # seconds on Vietnamese time
    message: str

    def stage(self) -> list[store.Staged]:
        if not self.counters:
            return []
        return [counter_store.stage_attempts(self._limits(), self.expires)]

    def take(self) -> Attempt:
        if not self.counters:
            return Attempt(())
        error = self.refusal(counter_store.take_attempts(self._limits(), self.expires))
        if error is not None:
            raise error
        return Attempt(tuple((pk, sk) for pk, sk, _, _ in self.counters))

    def guess(self, wrong: store.Staged) -> bool:
        """Take one attempt if the check `wrong` holds, in the same transaction: True when only
        that check failed (nothing counted); RateLimited when a counter refused."""
        failed = counter_store.take_attempts(self._limits(), self.expires, also=[wrong])
        error = self.refusal(failed)
        if error is not None:
            raise error
        return bool(failed)

    def refusal(self, failed: set[str]) -> RateLimited | None:
        """The 429 (Retry-After: the longest window that refused) when one of these counters
        is among the `failed` labels, else None."""
        windows = [window for pk, _, _, window in self.counters if pk in failed]
        if not windows:
            return None
        retry_after = max(windows) - self.now % max(windows)
        error = RateLimited(self.message.format(minutes=max(1, -(-retry_after // 60))))
        error.headers = {"Retry-After": str(retry_after)}
        return error

    def _limits(self) -> list[tuple[str, str, int]]:
        return [(pk, sk, limit) for pk, sk, limit, _ in self.counters]


def _budget(kind: str, limits: list[tuple[str, str, int, int]], message: str) -> Budget:
    """The counters of (name, value, limit, window seconds) in their current windows."""
    now = int(time.time()) + VN_OFFSET_SECONDS
    counters = tuple(
        (f"RL#{kind}#{name}#{value}", str(now // window), limit, window)
        for name, value, limit, window in limits
    )
    longest = max((window for *_, window in counters), default=0)
    return Budget(counters, now - VN_OFFSET_SECONDS + 2 * longest, now, message)


def _take(kind: str, limits: list[tuple[str, str, int, int]], message: str) -> Attempt:
    """Take one attempt under each (name, value, limit, window seconds) at once, or raise
    RateLimited with a Retry-After of the longest window that refused."""
    return _budget(kind, limits, message).take()
