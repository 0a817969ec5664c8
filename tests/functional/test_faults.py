"""Fault injection: AWS throttles, cancels transactions, loses SQS sends; workers crash mid-batch;
queues and webhooks deliver twice. For submissions, transitions, payments, notifications and the
statistics counters: nothing is lost, nothing is doubled, and a caller who must retry is told so
(503 SERVICE_UNAVAILABLE, a Vietnamese message, Retry-After) with nothing half-written."""

from __future__ import annotations

import json
import uuid

import pytest

from chalicelib.integrations.queues import QueueNames
from chalicelib.persistence import dossier_store
from chalicelib.services.shared.clock import now
from tests.factories import call, submission, submit, token
from tests.fault_injection import WRITES, aws_failure, mentions, sqs_event
from tests.outbox_stream import queued_events, relay_stream

AGENCY = "ubnd-phuong-kinh-bac"
THROTTLED = "ProvisionedThroughputExceededException"
CANCELLED = "TransactionCanceledException"
# (operation, error code, cancellation reasons) as DynamoDB reports throttling.
THROTTLING = [
    ("TransactWriteItems", THROTTLED, None),
    ("TransactWriteItems", "ThrottlingException", None),
    ("TransactWriteItems", CANCELLED, ["ThrottlingError"]),
    ("TransactWriteItems", CANCELLED, ["None", "TransactionConflict"]),
    ("GetItem", THROTTLED, None),
]
THROTTLING_IDS = ["put-throughput", "throttling", "cancelled-throttling", "conflict", "read"]
# A submission retries a conflicting transaction itself (the counter race); see below.
SUBMISSION_THROTTLING = [
    t for t, i in zip(THROTTLING, THROTTLING_IDS, strict=True) if i != "conflict"
]
SUBMISSION_IDS = [i for i in THROTTLING_IDS if i != "conflict"]


def post(client, path, body, token_=None, key=None):
    headers = {"Content-Type": "application/json"}
    if token_:
        headers["Authorization"] = f"Bearer {token_}"
    if key:
        headers["Idempotency-Key"] = key
    response = client.http.post(path, body=json.dumps(body).encode(), headers=headers)
    return response.status_code, response.headers, json.loads(response.body)


def assert_retryable(status, headers, data):
    assert status == 503, data
    assert data["error"]["code"] == "SERVICE_UNAVAILABLE"
    assert "thử lại" in data["error"]["message"]
    assert headers.get("Retry-After") == "1"


def outbox_items(code: str) -> list:
    _, _, model = dossier_store.models()
    return list(model.query(dossier_store.pk(code), model.SK.startswith("OUTBOX#")))


def mine(client, citizen) -> list[dict]:
    status, data = call(client, "GET", "/v1/me/dossiers", token=citizen)
    assert status == 200, data
    return data["items"]


class TestSubmission:
    @pytest.mark.parametrize(
        ("operation", "code", "reasons"), SUBMISSION_THROTTLING, ids=SUBMISSION_IDS
    )
    def test_a_throttled_submission_is_a_retryable_503_that_writes_nothing(
        self, client, fresh_tables, operation, code, reasons
    ):
        citizen = token(client)
        body, key = submission(client, token_=citizen), uuid.uuid4().hex

        with aws_failure(operation, code, reasons=reasons) as injected:
            status, headers, data = post(client, "/v1/dossiers", body, citizen, key)

        assert injected.failed >= 1
        assert_retryable(status, headers, data)
        assert mine(client, citizen) == []
        status, _, created = post(client, "/v1/dossiers", body, citizen, key)
        assert status == 201, created
        assert created["code"].endswith("-0001"), "the failed attempt must not use a number"
        assert [d["code"] for d in mine(client, citizen)] == [created["code"]]
        assert [r.event["type"] for r in outbox_items(created["code"])] == ["dossier.submitted"]

    def test_a_transaction_cancelled_by_a_concurrent_one_is_retried_and_commits_once(
        self, client, fresh_tables
    ):
        citizen = token(client)
        reasons = ["None", "TransactionConflict"]

        with aws_failure("TransactWriteItems", CANCELLED, times=2, reasons=reasons) as injected:
            _, created = submit(client, token_=citizen)

        assert injected.failed == 2
        assert created["code"].endswith("-0001")
        assert len(mine(client, citizen)) == 1

    @pytest.mark.parametrize("failure", ["error", "partial"])
    def test_an_sqs_failure_when_relaying_loses_no_event(self, client, fresh_tables, failure):
        answer = None
        if failure == "partial":
            answer = {"Successful": [], "Failed": [{"Id": "0", "SenderFault": False, "Code": "X"}]}
        _, created = submit(client)

        with aws_failure("SendMessageBatch", "ServiceUnavailable", answer=answer):
            (refused,) = relay_stream(client)

        assert len(refused["batchItemFailures"]) == 1  # the stream hands the record over again
        assert relay_stream(client) == [{"batchItemFailures": []}]
        assert [e["dossier_code"] for e in queued_events()] == [created["code"]]


class TestTransition:
    @pytest.mark.parametrize(("operation", "code", "reasons"), THROTTLING, ids=THROTTLING_IDS)
    def test_a_throttled_transition_is_a_retryable_503_that_changes_nothing(
        self, client, operation, code, reasons
    ):
        _, created = submit(client)
        dossier = created["code"]
        desk = token(client, "receptionist", AGENCY)
        before, events = dossier_store.get(dossier), len(outbox_items(dossier))
        history = dossier_store.history(dossier)
        action = {"action": "accept", "version": before.version}
        path = f"/v1/officer/dossiers/{dossier}/actions"

        with aws_failure(operation, code, reasons=reasons, when=mentions(dossier)):
            status, headers, data = post(client, path, action, desk)

        assert_retryable(status, headers, data)
        assert dossier_store.get(dossier) == before
        assert dossier_store.history(dossier) == history
        assert len(outbox_items(dossier)) == events
        status, _, view = post(client, path, action, desk)
        assert status == 200 and view["status"] == "accepted" and view["version"] == 2
        assert len(dossier_store.history(dossier)) == len(history) + 1
        assert len(outbox_items(dossier)) == events + 1

    def test_an_sqs_failure_after_a_transition_loses_no_event(self, client, fresh_tables):
        _, created = submit(client)
        relay_stream(client)
        queued_events()
        desk = token(client, "receptionist", AGENCY)
        path = f"/v1/officer/dossiers/{created['code']}/actions"

        status, _, view = post(client, path, {"action": "accept", "version": 1}, desk)
        with aws_failure("SendMessageBatch", "ServiceUnavailable"):
            relay_stream(client)

        assert status == 200, view
        assert relay_stream(client) == [{"batchItemFailures": []}]
        assert [e["type"] for e in queued_events()] == ["dossier.accepted"]


class TestEventsWorker:
    def test_a_crash_mid_batch_fails_only_that_record_and_redelivery_pays_each_once(self, client):
        from tests.functional.payment_flow import LEVEL4_FEE, awaiting_payment

        codes = [awaiting_payment(client)[0] for _ in range(3)]
        events = [
            {
                "id": uuid.uuid4().hex,
                "type": "payment.confirmed",
                "dossier_code": code,
                "at": now().isoformat(),
                "data": {"amount": LEVEL4_FEE, "payment_id": f"P{uuid.uuid4().hex[:10]}"},
            }
            for code in codes
        ]
        batch = sqs_event(events, QueueNames.EVENTS)

        with aws_failure(WRITES, THROTTLED, when=mentions(codes[1])):
            first = client.lambda_.invoke("on_event", batch).payload
        statuses = [dossier_store.get(c).status.value for c in codes]
        again = client.lambda_.invoke("on_event", batch).payload  # redelivery, plus duplicates

        assert first == {
            "batchItemFailures": [{"itemIdentifier": batch["Records"][1]["messageId"]}]
        }
        assert statuses == ["in_progress", "awaiting_payment", "in_progress"]
        assert again == {"batchItemFailures": []}
        for code in codes:
            dossier = dossier_store.get(code)
            paid = [h for h in dossier_store.history(code) if h["action"] == "confirm_payment"]
            assert dossier.status.value == "in_progress" and dossier.fee_paid == LEVEL4_FEE
            assert len(paid) == 1
