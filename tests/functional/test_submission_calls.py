"""What a submission asks of DynamoDB (issue 18): one TransactWriteItems holding the dossier and
the submitter's budget, no write after it, at most two reads; the outbox event stays pending
until the events worker has handled it, and the sweep still relays whatever was not."""

from __future__ import annotations

import json
import random
from datetime import timedelta

import boto3

from chalicelib.integrations import queues
from chalicelib.persistence import dossier_store
from chalicelib.services.shared import outbox
from chalicelib.services.shared.clock import now
from tests.factories import calling_from, dynamodb_calls, submission, token
from tests.fault_injection import sqs_event

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


def pending(code: str) -> list:
    _, _, model = dossier_store.models()
    items = model.query(dossier_store.pk(code), model.SK.startswith("OUTBOX#"))
    return [item for item in items if item.outbox_pk]


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


def test_the_worker_takes_a_relayed_event_off_the_outbox(client, fresh_tables):
    status, created = post(client, submission(client))
    assert status == 201, created
    (item,) = pending(created["code"])  # relayed, but nobody has handled it yet

    client.lambda_.invoke("on_event", sqs_event([item.event], queues.QueueNames.EVENTS))

    assert pending(created["code"]) == []
    assert outbox.sweep(now() + timedelta(minutes=1)) == 0


def test_the_sweep_relays_an_event_the_worker_never_handled(client, fresh_tables):
    status, created = post(client, submission(client))
    assert status == 201, created
    (item,) = pending(created["code"])

    assert outbox.sweep(now()) == 0  # within the grace: the worker is probably on it
    assert outbox.sweep(now() + timedelta(minutes=1)) == 1
    assert pending(created["code"]) == []
    sqs = boto3.client("sqs")
    url = sqs.get_queue_url(QueueName=queues.QueueNames.EVENTS)["QueueUrl"]
    bodies = []
    while got := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages"):
        bodies += [json.loads(m["Body"])["id"] for m in got]
        for message in got:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    assert bodies.count(item.event["id"]) == 2  # at least once: right away, and by the sweep
