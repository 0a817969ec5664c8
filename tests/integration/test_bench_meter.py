"""The bench's meter bills what DynamoDB bills and moto does not report: a transaction's
ConditionCheck, and writes refused by a condition (issue 18: a lookup's guess is often a
cancelled transaction, which must not look free)."""

from __future__ import annotations

import boto3
import pytest

from bench.meter import Meter
from tests.factories import scratch_table


@pytest.fixture
def table(aws):
    dynamodb = boto3.client("dynamodb")
    name = scratch_table("meter")
    dynamodb.put_item(
        TableName=name,
        Item={"PK": {"S": "big"}, "SK": {"S": "A"}, "blob": {"S": "x" * 1500}},
    )
    yield dynamodb, name
    dynamodb.delete_table(TableName=name)


def key(pk: str) -> dict:
    return {"PK": {"S": pk}, "SK": {"S": "A"}}


def counter(name: str, condition: str) -> dict:
    return {
        "Update": {
            "TableName": name,
            "Key": key("n"),
            "UpdateExpression": "ADD n :one",
            "ConditionExpression": condition,
            "ExpressionAttributeValues": {":one": {"N": "1"}},
        }
    }


def check(name: str, condition: str) -> dict:
    return {
        "ConditionCheck": {"TableName": name, "Key": key("big"), "ConditionExpression": condition}
    }


def test_a_condition_check_is_billed_as_a_transactional_write(table):
    dynamodb, name = table
    meter = Meter()
    with meter.installed(), meter.step("tx") as usage:
        dynamodb.transact_write_items(
            TransactItems=[
                counter(name, "attribute_not_exists(n)"),
                check(name, "attribute_exists(PK)"),
            ]
        )

    assert usage.wru == 2 + 2 * 2  # the counter, and the 1.5 KB item checked (2 KB units)


def test_a_cancelled_transaction_and_a_failed_condition_are_billed(table):
    dynamodb, name = table
    meter = Meter()
    with meter.installed(), meter.step("refused") as usage:
        with pytest.raises(dynamodb.exceptions.TransactionCanceledException):
            dynamodb.transact_write_items(
                TransactItems=[
                    counter(name, "attribute_not_exists(n)"),
                    check(name, "attribute_not_exists(PK)"),
                ]
            )
        with pytest.raises(dynamodb.exceptions.ConditionalCheckFailedException):
            dynamodb.put_item(
                TableName=name,
                Item={**key("big"), "v": {"S": "1"}},
                ConditionExpression="attribute_not_exists(PK)",
            )

    assert usage.calls[("dynamodb", "TransactWriteItems")] == 1
    assert usage.calls[("dynamodb", "PutItem")] == 1
    assert usage.wru == (2 + 2 * 2) + 2  # the transaction's two items, the put (1.5 KB stored)
