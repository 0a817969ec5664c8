"""A lookup's guess (issue 18): the lookup counters and the phone check in one transaction, the
check sent last; it commits only for a surely wrong phone, and a counter at its limit is
reported whatever the phone."""

from __future__ import annotations

import time
import uuid
from unittest import mock

import boto3
import botocore.client
import pytest

from chalicelib.config import get_settings
from chalicelib.persistence import counter_store, dossier_store, store

PHONE = "0912345678"


@pytest.fixture
def code(aws) -> str:
    """A dossier item carrying only what the check reads: its key and its phone's digest."""
    code = f"TEST-{uuid.uuid4().hex[:10]}"
    boto3.client("dynamodb").put_item(
        TableName=get_settings().table_dossiers,
        Item={
            "PK": {"S": dossier_store.pk(code)},
            "SK": {"S": dossier_store.META},
            "phone_digest": {"S": store.phone_digest(PHONE)},
        },
    )
    return code


def counters(limit: int = 2) -> list[tuple[str, str, int]]:
    key = uuid.uuid4().hex[:10]
    return [(f"RL#test#pair#{key}", "1", limit), (f"RL#test#code#{key}", "1", limit)]


def guess(limits, code: str, phone: str) -> set[str]:
    expires = int(time.time()) + 3600
    return counter_store.take_attempts(
        limits, expires, also=[dossier_store.stage_wrong_phone(code, phone)]
    )


def counted(limits) -> list[int]:
    model = counter_store._model()
    found = []
    for pk, sk, _ in limits:
        try:
            found.append(int(model.get(pk, sk, consistent_read=True).n))
        except model.DoesNotExist:
            found.append(0)
    return found


def test_the_counters_go_first_and_the_check_last(code):
    sent = []
    real = botocore.client.BaseClient._make_api_call

    def recording(self, operation, params):
        if operation == "TransactWriteItems":
            sent.append([next(iter(action)) for action in params["TransactItems"]])
        return real(self, operation, params)

    with mock.patch.object(botocore.client.BaseClient, "_make_api_call", recording):
        guess(counters(), code, "0987654321")

    assert sent == [["Update", "Update", "ConditionCheck"]]


def test_a_wrong_phone_or_an_unknown_code_commits_and_counts(code):
    limits = counters()

    assert guess(limits, code, "0987654321") == set()
    assert guess(limits, "TEST-none", PHONE) == set()
    assert counted(limits) == [2, 2]


def test_a_right_phone_fails_the_check_alone_and_counts_nothing(code):
    limits = counters()

    assert guess(limits, code, "+84 912 345 678") == {"phone"}
    assert counted(limits) == [0, 0]


def test_a_spent_limit_is_reported_whatever_the_phone(code):
    limits = counters(limit=1)
    guess(limits, code, "0987654321")

    assert guess(limits, code, PHONE) == {limits[0][0], limits[1][0], "phone"}
    assert guess(limits, code, "0987654321") == {limits[0][0], limits[1][0]}
    assert counted(limits) == [1, 1]


def test_an_item_without_the_digest_may_be_right(code):
    boto3.client("dynamodb").update_item(
        TableName=get_settings().table_dossiers,
        Key={"PK": {"S": dossier_store.pk(code)}, "SK": {"S": dossier_store.META}},
        UpdateExpression="REMOVE phone_digest",
    )
    limits = counters()

    assert guess(limits, code, "0987654321") == {"phone"}
    assert counted(limits) == [0, 0]
