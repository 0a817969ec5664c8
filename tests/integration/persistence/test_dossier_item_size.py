"""The dossier item stays under the 1 KB a write unit covers for a typical submission (every
transaction of the dossier rewrites it, at twice the units), and an item written before its
`details` attribute existed still reads, and is rewritten the new way by its next change."""

import boto3
import pytest

from bench.meter import item_size
from chalicelib.config import get_settings
from chalicelib.persistence import dossier_store
from tests.factories import submit, token

PROCEDURE = "1.004873"  # the bench's dossier (bench/aws_calls.py): level 4, a fee paid online


def raw_item(code: str) -> dict:
    table = get_settings().table_dossiers
    key = {"PK": {"S": dossier_store.pk(code)}, "SK": {"S": dossier_store.META}}
    return boto3.client("dynamodb").get_item(TableName=table, Key=key, ConsistentRead=True)["Item"]


def as_stored_before(item: dict) -> dict:
    """The same dossier as the item looked before `details`: its parts as separate attributes."""
    model, _, _ = dossier_store.models()
    details = model.from_raw_data(item).details
    old = {name: value for name, value in item.items() if name != "details"}
    for name, value in details.items():
        attribute = model.get_attributes()[name]
        old[name] = {attribute.attr_type: attribute.serialize(value)}
    return old


@pytest.fixture
def dossier(client):
    """A signed-in citizen's submission, as the bench makes it."""
    _, created = submit(client, PROCEDURE, token_=token(client, "citizen"), notify=["sms", "email"])
    return created["code"]


def test_a_typical_submissions_dossier_item_is_under_1_kb(dossier):
    item = raw_item(dossier)

    assert item_size(item) < 1024
    assert {"applicant", "form", "attachments", "notify", "extra"}.isdisjoint(item)
    assert item["applicant_name"] == {"S": "Nguyễn Văn An"}


def test_the_details_read_back_as_submitted(client, dossier):
    found = dossier_store.get(dossier)

    assert found.applicant["full_name"] == "Nguyễn Văn An"
    assert found.notify == ["sms", "email"]
    assert found.form and found.result_delivery
    assert found.procedure["agency_name"]


def test_an_item_stored_before_details_reads_the_same(dossier):
    expected = dossier_store.get(dossier)
    table = get_settings().table_dossiers
    old = as_stored_before(raw_item(dossier))
    boto3.client("dynamodb").put_item(TableName=table, Item=old)

    assert "details" not in raw_item(dossier)
    assert dossier_store.get(dossier) == expected
    assert dossier_store.view(dossier)[0] == expected
    assert dossier_store.get_many([dossier]) == {dossier: expected}


def test_the_next_change_of_an_old_item_stores_it_the_new_way(dossier):
    table = get_settings().table_dossiers
    boto3.client("dynamodb").put_item(TableName=table, Item=as_stored_before(raw_item(dossier)))
    found = dossier_store.get(dossier)
    found.assignee = "officer-1"

    dossier_store.save(found, found.version)

    item = raw_item(dossier)
    assert "details" in item and "applicant" not in item
    assert dossier_store.get(dossier).applicant == found.applicant
