"""Reading feedback with the sender's phone is one guess, as a dossier lookup (issue 18): a
right phone is one transaction that counts nothing (no give-back), a wrong one is counted, a
right phone while a limit is spent gets 429, and feedback stored before its phone's digest
still answers and counts."""

from __future__ import annotations

import random
from contextlib import contextmanager
from unittest import mock

import boto3
import botocore.client

from chalicelib.config import get_settings
from chalicelib.persistence import feedback_store
from tests.factories import call, calling_from, random_phone

WRITES = {"PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem"}


@contextmanager
def dynamodb_writes():
    """The DynamoDB write operations called meanwhile."""
    calls: list[str] = []
    real = botocore.client.BaseClient._make_api_call

    def counting(self, operation, params):
        if self.meta.service_model.service_name == "dynamodb" and operation in WRITES:
            calls.append(operation)
        return real(self, operation, params)

    with mock.patch.object(botocore.client.BaseClient, "_make_api_call", counting):
        yield calls


def sent(client) -> tuple[str, str]:
    """A private feedback (anyone but its sender gets 404): its id and the sender's phone."""
    phone = random_phone()
    body = {
        "title": "Đèn đường hỏng",
        "content": "Đèn đường trước số 12 phố Kinh Bắc hỏng đã một tuần.",
        "category": "moi_truong",
        "sender": {"full_name": "Lê Văn Cường", "phone": phone},
        "public": False,
    }
    status, created = call(client, "POST", "/v1/feedback", body)
    assert status == 201, created
    return created["id"], phone


def read(client, feedback_id: str, phone: str) -> int:
    return call(client, "GET", f"/v1/feedback/{feedback_id}?phone={phone}")[0]


def wrong(right: str) -> str:
    while (phone := random_phone()) == right:
        pass
    return phone


def address() -> str:
    return f"198.51.100.{random.randint(1, 254)}"


def test_the_right_phone_is_one_transaction_and_counts_nothing(client, limits):
    limits(LOOKUP_FAILURES_PER_CODE_AND_IP=2)
    feedback_id, phone = sent(client)

    with calling_from(address()):
        with dynamodb_writes() as writes:
            status = read(client, feedback_id, phone)
        rights = [read(client, feedback_id, phone) for _ in range(4)]
        wrongs = [read(client, feedback_id, wrong(phone)) for _ in range(3)]
        right_when_spent = read(client, feedback_id, phone)

    assert status == 200 and writes == ["TransactWriteItems"]
    assert rights == [200] * 4
    assert wrongs == [404, 404, 429]
    assert right_when_spent == 429


def test_feedback_stored_without_the_digest_still_answers_and_counts(client, limits):
    limits(LOOKUP_FAILURES_PER_CODE_AND_IP=2)
    feedback_id, phone = sent(client)
    boto3.client("dynamodb").update_item(
        TableName=get_settings().table_feedback,
        Key={"PK": {"S": feedback_store.pk(feedback_id)}, "SK": {"S": "META"}},
        UpdateExpression="REMOVE phone_digest",
    )

    with calling_from(address()):
        rights = [read(client, feedback_id, phone) for _ in range(3)]
        wrongs = [read(client, feedback_id, wrong(phone)) for _ in range(3)]

    assert rights == [200] * 3
    assert wrongs == [404, 404, 429]
