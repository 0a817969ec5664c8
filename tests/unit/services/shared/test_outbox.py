"""The outbox relay on a batch of the dossiers table's stream: the events of inserted outbox
items go to the events queue in one batch send, other records are passed over, and a record
whose event SQS did not take (or all, when SQS is down) is a batch item failure, so the stream
hands it over again; the rest go out."""

from datetime import datetime

import pytest

from chalicelib.domain.calendar import VN_TZ
from chalicelib.domain.events import Event
from chalicelib.persistence import dossier_store
from chalicelib.services.shared import outbox

AT = datetime(2026, 3, 2, 9, 0, tzinfo=VN_TZ)


@pytest.fixture
def sqs(monkeypatch):
    """What the relay sent (queue, bodies); `refuse` ids SQS fails, `down` fails the call."""

    class Sqs:
        sent: list = []
        refuse: set = set()
        down = False

    def send_batch(queue, bodies):
        if Sqs.down:
            raise ConnectionError("sqs down")
        Sqs.sent.append((queue, dict(bodies)))
        return {i for i in bodies if i in Sqs.refuse}

    monkeypatch.setattr(outbox.queues, "send_batch", send_batch)
    return Sqs


def record(event: Event, sequence: int, name: str = "INSERT") -> dict:
    """A stream record of the event's outbox item, as Lambda hands it over."""
    item = dossier_store.outbox_record(event).serialize()
    return {
        "eventName": name,
        "eventSource": "aws:dynamodb",
        "dynamodb": {
            "Keys": {"PK": item["PK"], "SK": item["SK"]},
            "NewImage": item,
            "SequenceNumber": str(sequence),
            "StreamViewType": "NEW_IMAGE",
        },
    }


def events(n: int) -> list[Event]:
    return [Event("dossier.submitted", f"D-{i}", AT, {"n": i}, id=f"e{i}") for i in range(n)]


def test_each_inserted_event_goes_to_the_events_queue_as_committed(sqs):
    batch = [record(e, 100 + i) for i, e in enumerate(events(2))]

    assert outbox.relay(batch) == {"batchItemFailures": []}
    ((queue, bodies),) = sqs.sent
    assert queue == outbox.queues.QueueNames.EVENTS
    assert bodies == {e.id: e.to_dict() for e in events(2)}


def test_other_records_are_passed_over(sqs):
    (event,) = events(1)
    removed = record(event, 7, "REMOVE")  # TTL, a week later
    meta = record(event, 8)
    meta["dynamodb"]["Keys"]["SK"] = {"S": "META"}

    assert outbox.relay([removed, meta, record(event, 9, "MODIFY")]) == {"batchItemFailures": []}
    assert sqs.sent == []


def test_a_refused_event_is_a_batch_item_failure_and_the_rest_go_out(sqs):
    sqs.refuse = {"e1"}
    batch = [record(e, 100 + i) for i, e in enumerate(events(3))]

    assert outbox.relay(batch) == {"batchItemFailures": [{"itemIdentifier": "101"}]}
    assert set(sqs.sent[0][1]) == {"e0", "e1", "e2"}


def test_an_sqs_outage_fails_every_record_and_raises_nothing(sqs):
    sqs.down = True
    batch = [record(e, 100 + i) for i, e in enumerate(events(2))]

    assert outbox.relay(batch) == {
        "batchItemFailures": [{"itemIdentifier": "100"}, {"itemIdentifier": "101"}]
    }


def test_an_empty_batch_calls_nobody(sqs):
    assert outbox.relay([]) == {"batchItemFailures": []}
    assert sqs.sent == []
