"""The emulated DynamoDB (infra/local/emulation.py) keeps DynamoDB's transaction guarantees
while backing up only the items a transaction touches."""

import boto3
import pytest

from tests.factories import scratch_table


@pytest.fixture
def table(aws):
    dynamodb = boto3.client("dynamodb")
    name = scratch_table("emulation")
    yield dynamodb, name
    dynamodb.delete_table(TableName=name)


def put(name, pk, value, condition=None):
    action = {"TableName": name, "Item": {"PK": {"S": pk}, "SK": {"S": "A"}, "v": {"S": value}}}
    if condition:
        action["ConditionExpression"] = condition
    return {"Put": action}


def items(dynamodb, name):
    found = dynamodb.scan(TableName=name)["Items"]
    return sorted((i["PK"]["S"], i["v"]["S"]) for i in found)


def test_a_cancelled_transaction_leaves_every_item_as_it_was(table):
    dynamodb, name = table
    dynamodb.transact_write_items(TransactItems=[put(name, "a", "1"), put(name, "b", "1")])

    with pytest.raises(dynamodb.exceptions.TransactionCanceledException):
        dynamodb.transact_write_items(
            TransactItems=[
                put(name, "a", "2"),
                put(name, "c", "2"),
                put(name, "b", "2", condition="attribute_not_exists(PK)"),
            ]
        )

    assert items(dynamodb, name) == [("a", "1"), ("b", "1")]


def test_a_committed_transaction_writes_every_item(table):
    dynamodb, name = table

    dynamodb.transact_write_items(TransactItems=[put(name, "a", "1"), put(name, "b", "1")])
    dynamodb.transact_write_items(
        TransactItems=[
            put(name, "a", "2", condition="attribute_exists(PK)"),
            {"Delete": {"TableName": name, "Key": {"PK": {"S": "b"}, "SK": {"S": "A"}}}},
        ]
    )

    assert items(dynamodb, name) == [("a", "2")]
