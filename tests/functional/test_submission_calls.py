"""What a submission asks of DynamoDB (issue 18): one TransactWriteItems holding the dossier and
the submitter's budget, no write after it, at most two reads, and nothing of SQS: its outbox
event reaches the events queue through the table's stream (tests/functional/test_outbox_stream.py
for the relay's failures)."""

from __future__ import annotations

import json
import random
from unittest import mock

import botocore.client

from tests.factories import calling_from, dynamodb_calls, submission, token
from tests.outbox_stream import queued_events, relay_stream

READS = {"GetItem", "Query", "BatchGetItem", "TransactGetItems"}


def post(client, body: dict, bearer: str | None = None) -> tuple[int, dict]:
    response = client.http.post(
        "/v1/dossiers",
        body=json.dumps(body).encode(),
        headers={
            "Content-Type": "application/json",
            **({"Authorization": f"Bearer {bearer}"} if bearer else {}),
        },
    )
    return response.status_code, json.loads(response.body)


def test_an_anonymous_submission_is_one_transaction_with_its_budget(client, fresh_tables):
    address = f"198.51.100.{random.randint(1, 254)}"
    bodies = [submission(client) for _ in range(2)]
    with calling_from(address):
        post(client, bodies[0])  # the first of a procedure version also stores its snapshot
        with dynamodb_calls() as calls:
            status, created = post(client, bodies[1])

    assert status == 201, created
    writes = [op for op in calls if op not in READS]
    assert writes == ["TransactWriteItems"]
    assert len([op for op in calls if op in READS]) <= 2


def test_a_signed_in_submission_is_one_transaction_with_its_budget(client, fresh_tables):
    citizen = token(client)
    bodies = [submission(client, token_=citizen) for _ in range(2)]
    post(client, bodies[0], citizen)
    with dynamodb_calls() as calls:
        status, created = post(client, bodies[1], citizen)

    assert status == 201, created
    assert [op for op in calls if op not in READS] == ["TransactWriteItems"]


def test_the_request_sends_nothing_and_the_stream_relays_its_event(client, fresh_tables):
    services = []
    real = botocore.client.BaseClient._make_api_call

    def watching(self, operation, params):
        services.append(self.meta.service_model.service_name)
        return real(self, operation, params)

    with mock.patch.object(botocore.client.BaseClient, "_make_api_call", watching):
        status, created = post(client, submission(client))

    assert status == 201, created
    assert "sqs" not in services
    assert relay_stream(client) == [{"batchItemFailures": []}]
    (event,) = queued_events()
    assert (event["type"], event["dossier_code"]) == ("dossier.submitted", created["code"])
