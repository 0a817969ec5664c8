"""Fault injection on the asynchronous paths: the payment gateway's IPN, notifications, the Zalo
webhook and the statistics counters, each under throttling and duplicate delivery. Nothing is
lost (a failure makes the sender or the queue try again) and nothing is counted twice."""

from __future__ import annotations

import pytest

from chalicelib.persistence import payment_store
from tests.factories import call, submit
from tests.fault_injection import WRITES, aws_failure, mentions
from tests.functional.notify_helpers import (
    drain,
    drain_zalo,
    notifications_of,
    outbox_events,
    post_webhook,
    run_events,
    text_body,
)
from tests.functional.payment_flow import (
    LEVEL4_FEE,
    awaiting_payment,
    create_payment,
    ipn_query,
    send_ipn,
)

THROTTLED = "ProvisionedThroughputExceededException"


class TestPaymentIpn:
    def test_an_ipn_during_throttling_asks_the_gateway_to_retry_and_the_retry_pays_once(
        self, client
    ):
        code, phone = awaiting_payment(client)
        payment = create_payment(client, code, phone)[1]
        success = ipn_query(payment["payment_id"], LEVEL4_FEE)
        pending = payment_store.get(payment["payment_id"])

        with aws_failure(WRITES, THROTTLED, when=mentions(payment["payment_id"])) as injected:
            answer = send_ipn(client, success)

        assert injected.failed >= 1 and answer["RspCode"] == "99"  # VNPay retries a 99
        assert payment_store.get(payment["payment_id"]) == pending
        assert outbox_events(code, ("payment.confirmed",)) == []
        assert send_ipn(client, success)["RspCode"] == "00"
        assert send_ipn(client, success)["RspCode"] == "02"
        assert len(outbox_events(code, ("payment.confirmed",))) == 1


class TestNotifications:
    def test_an_event_that_fails_while_planning_is_redelivered_and_sent_once(self, client):
        _, created = submit(client, notify=["sms"])
        code = created["code"]
        events = outbox_events(code, ("dossier.submitted",))

        with aws_failure(WRITES, THROTTLED, when=mentions(code)):
            failed = run_events(client, events)["batchItemFailures"]
        run_events(client, events)  # the redelivery
        run_events(client, events)  # and an extra at-least-once duplicate
        drain(client)

        assert len(failed) == 1
        citizen = [r for r in notifications_of(code) if r.recipient == "citizen"]
        assert [(r.channel, r.state) for r in citizen] == [("sms", "delivered")]


class TestZaloWebhook:
    def test_the_same_message_delivered_twice_is_answered_once(self, client):
        body = text_body("xin chao")
        user = body["sender"]["id"]

        first, second = post_webhook(client, body), post_webhook(client, body)
        drain_zalo(client)
        drain(client)

        assert first == (200, {"status": "queued"}) and second == (200, {"status": "duplicate"})
        assert len(replies_to(user)) == 1

    @pytest.mark.parametrize(
        ("operation", "code"), [("SendMessageBatch", "ServiceUnavailable"), (WRITES, THROTTLED)]
    )
    def test_a_webhook_that_cannot_be_kept_is_refused_so_zalo_sends_it_again(
        self, client, operation, code
    ):
        body = text_body("xin chao")
        user = body["sender"]["id"]

        with aws_failure(operation, code) as injected:
            refused = post_webhook(client, body)
        retried = post_webhook(client, body)
        drain_zalo(client)
        drain(client)

        assert injected.failed >= 1
        assert refused[0] == 503 and refused[1]["error"]["code"] == "SERVICE_UNAVAILABLE"
        assert retried == (200, {"status": "queued"})
        assert len(replies_to(user)) == 1


def replies_to(user: str) -> list:
    return [r for r in notifications_of(f"ZALO#{user}") if r.template == "zalo_reply"]


class TestStatisticsCounters:
    def test_a_redelivered_or_retried_event_is_counted_once(self, client):
        _, created = submit(client)
        events = outbox_events(created["code"], ("dossier.submitted",))
        agency = events[0]["data"].get("agency_id") or "ubnd-phuong-kinh-bac"
        before = report(client, agency)

        from chalicelib.config import get_settings

        with aws_failure(WRITES, THROTTLED, when=mentions(get_settings().table_stats)) as injected:
            failed = run_events(client, events)["batchItemFailures"]
        once = run_events(client, events)
        counted = report(client, agency)
        run_events(client, events)

        assert injected.failed >= 1 and len(failed) == 1
        assert once == {"batchItemFailures": []}
        assert counted != before, "the event was not counted at all"
        assert report(client, agency) == counted


def report(client, agency: str) -> dict:
    status, data = call(client, "GET", f"/v1/stats?agency={agency}")
    assert status == 200, data
    data.pop("generated_at", None)
    return data
