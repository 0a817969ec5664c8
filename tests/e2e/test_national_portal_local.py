"""`make run` end to end: a dossier carried to `returned` over HTTP reaches the national portal's
local stand-in as statuses 1, 2, 4, 9 and 10, in that order, through the real outbox, events
queue, sync queue and worker, and the real httpx adapter over HTTP."""

from __future__ import annotations

import time

import pytest

from infra.local import pay_demo

pytestmark = pytest.mark.slow


def received_codes(base: str, code: str, wanted: int, seconds: int = 90) -> list[int]:
    """Poll the stand-in until it holds `wanted` distinct statuses of the dossier."""
    deadline = time.monotonic() + seconds
    while True:
        items = pay_demo.api("GET", f"{base}/dev/national-portal/dossiers/{code}")["items"]
        codes = [i["status_code"] for i in items]
        if len(set(codes)) >= wanted or time.monotonic() > deadline:
            return codes
        time.sleep(0.5)


def test_a_dossier_carried_to_returned_is_synchronised_in_order(portal):
    # the stack is shared with the fuzzer, which may have told the stand-in to fail
    pay_demo.api("PUT", f"{portal}/dev/national-portal/faults", {"mode": "none"})
    code = pay_demo.submit(portal)
    agency = pay_demo.api("GET", f"{portal}/v1/dossiers/{code}?phone={pay_demo.PHONE}")
    agency_id = agency["agency"]["id"]
    desk = pay_demo.api(
        "POST", f"{portal}/dev/token", {"role": "receptionist", "agency": agency_id}
    )["access_token"]
    leader = pay_demo.api("POST", f"{portal}/dev/token", {"role": "leader", "agency": agency_id})[
        "access_token"
    ]

    pay_demo.officer_action(portal, code, desk, "accept")
    pay_demo.officer_action(portal, code, desk, "assign", assignee="cb-1")
    pay_demo.officer_action(portal, code, leader, "approve")
    # A result is handed over only with its fee paid: the desk collects it at the counter.
    owed = agency["fee_due"] - agency["fee_paid"]
    pay_demo.officer_action(portal, code, desk, "return_result", via="counter", fee_collected=owed)
    codes = received_codes(portal, code, 5)

    deduplicated = [c for i, c in enumerate(codes) if i == 0 or codes[i - 1] != c]
    assert deduplicated == [1, 2, 4, 9, 10]  # a record may arrive twice, never out of order
    assert synced_view(portal, code, desk) == {"state": "synced", "status_code": 10}


def synced_view(base: str, code: str, token: str, seconds: int = 30) -> dict:
    """The officer view's national_sync once the worker has released the dossier."""
    deadline = time.monotonic() + seconds
    while True:
        view = pay_demo.api("GET", f"{base}/v1/officer/dossiers/{code}", token=token)
        found = {k: view["national_sync"][k] for k in ("state", "status_code")}
        if found["state"] == "synced" or time.monotonic() > deadline:
            return found
        time.sleep(0.5)
