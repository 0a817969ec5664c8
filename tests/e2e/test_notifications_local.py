"""`make run` end to end: a dossier submitted and processed over HTTP fills the dev message log with
what the citizen and the officers would be told, and a signed Zalo chat "tra cuu <code>" is
answered there, all through the real queues and workers of the local stack."""

from __future__ import annotations

import time
import urllib.request

import pytest

from infra.local import pay_demo, zalo_webhook

pytestmark = pytest.mark.slow


def dev_messages_for(base: str, code: str, wanted: int, channel: str = "", seconds: int = 60):
    """Poll /dev/messages until `wanted` messages (on `channel`, if given) mention `code`."""
    deadline = time.monotonic() + seconds
    while True:
        items = pay_demo.api("GET", f"{base}/dev/messages?page_size=100")["items"]
        found = [
            m
            for m in items
            if (code in m["text"] or m.get("dossier_code") == code)
            and m["channel"] == (channel or m["channel"])
        ]
        if len(found) >= wanted or time.monotonic() > deadline:
            return found
        time.sleep(0.5)


def test_processing_a_dossier_fills_the_dev_message_log_and_zalo_chat_is_answered(portal):
    code = pay_demo.submit(portal)
    agency = pay_demo.api("GET", f"{portal}/v1/dossiers/{code}?phone={pay_demo.PHONE}")
    desk = pay_demo.api(
        "POST", f"{portal}/dev/token", {"role": "receptionist", "agency": agency["agency"]["id"]}
    )["access_token"]
    pay_demo.officer_action(portal, code, desk, "accept")

    told = dev_messages_for(portal, code, 3)

    assert {(m["channel"], m["template"]) for m in told} >= {
        ("sms", "received"),
        ("sms", "accepted"),
        ("inbox", "officer_new_dossier"),
    }
    assert all(pay_demo.PHONE not in m["to"] + m["text"] for m in told)

    raw, headers = zalo_webhook.build(f"tra cuu {code} {pay_demo.PHONE}", user="9876543210123")
    post = urllib.request.Request(f"{portal}/webhooks/zalo", raw, headers, method="POST")
    with urllib.request.urlopen(post, timeout=30) as answer:  # noqa: S310 - loopback only
        assert answer.status == 200

    (reply,) = dev_messages_for(portal, code, 1, channel="zalo_oa")
    assert "Tình trạng: Đã tiếp nhận" in reply["text"]
