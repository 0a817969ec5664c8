"""The outbox items as the dossiers table's stream carries them: an event committed with its
change is one item with a TTL and no index keys, whose insert the stream records; the relay
reads the event back out of that record and ignores every other record."""

import time
from datetime import datetime

import pytest

from chalicelib.domain.calendar import VN_TZ
from chalicelib.domain.events import Event
from chalicelib.persistence import dossier_store, outbox_store, store
from tests.outbox_stream import reader

AT = datetime(2026, 3, 2, 9, 0, tzinfo=VN_TZ)


def stream_records() -> list[dict]:
    got: list[dict] = []
    reader().deliver(lambda event: got.extend(event["Records"]) or {"batchItemFailures": []})
    return got


@pytest.fixture
def committed(fresh_tables):
    events = [Event("dossier.submitted", f"D-{i}", AT, {"n": i}, id=f"e{i}") for i in range(2)]
    store.commit(dossier_store.stage_events(events))
    return [e.to_dict() for e in events]


def test_a_committed_event_is_one_item_kept_a_week(committed):
    _, _, model = dossier_store.models()
    (item,) = model.query(dossier_store.pk("D-0"), model.SK.startswith("OUTBOX#"))
    raw = item.serialize()

    assert set(raw) == {"PK", "SK", "event", "ttl"}  # no index keys: only its own write
    assert item.event == committed[0]
    week = dossier_store.OUTBOX_KEEP_SECONDS
    assert time.time() + week - 60 < item.ttl <= time.time() + week


def test_the_stream_record_of_its_insert_gives_the_event_back(committed):
    records = stream_records()

    assert [r["eventName"] for r in records] == ["INSERT", "INSERT"]
    assert [outbox_store.event_of(r) for r in records] == committed


def test_other_records_are_no_events(committed):
    (record, _) = stream_records()
    dossier_store.models()[2](dossier_store.pk("D-0"), "OUTBOX#e0").delete()
    (removed,) = stream_records()

    assert removed["eventName"] == "REMOVE" and outbox_store.event_of(removed) is None
    assert outbox_store.event_of({**record, "eventName": "MODIFY"}) is None
    other = {"Keys": {"PK": {"S": "DOSSIER#D-0"}, "SK": {"S": "META"}}}
    assert outbox_store.event_of({**record, "dynamodb": {**record["dynamodb"], **other}}) is None


def test_a_cancelled_transaction_leaves_nothing_in_the_stream(fresh_tables):
    """The emulator takes back the stream records of a transaction that failed part way
    (infra/local/emulation.py), as DynamoDB never records one."""
    _, _, model = dossier_store.models()

    def stage(tx):
        dossier_store.stage_events([Event("dossier.submitted", "D-7", AT, id="e7")])(tx)
        missing = model(dossier_store.pk("D-8"), "OUTBOX#e8", event={})
        tx.save(missing, condition=model.PK.exists(), label="missing")

    with pytest.raises(store.Cancelled):
        store.commit(stage)

    assert stream_records() == []
    store.commit(dossier_store.stage_events([Event("dossier.submitted", "D-9", AT, id="e9")]))
    assert [outbox_store.event_of(r)["id"] for r in stream_records()] == ["e9"]
