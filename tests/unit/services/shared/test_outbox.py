"""The outbox relay: the request publishes and writes nothing more; the worker takes a handled
event off the pending ones, the sweep republishes what is still pending and takes off what SQS
took; an SQS outage never fails the request that committed the change."""

from datetime import datetime, timedelta

import pytest

from chalicelib.domain.calendar import VN_TZ
from chalicelib.domain.events import Event
from chalicelib.services.shared import outbox

AT = datetime(2026, 3, 2, 9, 0, tzinfo=VN_TZ)


@pytest.fixture
def relay(monkeypatch):
    """What the relay sent (queue, bodies) and what it marked sent; `refuse` ids SQS fails."""

    class Relay:
        sent: list = []
        marked: list = []
        refuse: set = set()
        down = False

    def send_batch(queue, bodies):
        if Relay.down:
            raise ConnectionError("sqs down")
        Relay.sent.append((queue, dict(bodies)))
        return {i for i in bodies if i in Relay.refuse}

    def mark_sent(body, expires, at):
        Relay.marked.append(body)

    monkeypatch.setattr(outbox.queues, "send_batch", send_batch)
    monkeypatch.setattr(outbox.outbox_store, "mark_sent", mark_sent)
    return Relay


def events(n: int) -> list[Event]:
    return [Event("dossier.submitted", f"D-{i}", AT, id=f"e{i}") for i in range(n)]


def test_events_go_to_the_events_queue_and_the_request_writes_nothing_more(relay):
    assert outbox.publish(events(2)) == 2

    assert relay.sent[0][0] == outbox.queues.QueueNames.EVENTS
    assert set(relay.sent[0][1]) == {"e0", "e1"}
    assert relay.marked == []  # still pending until the worker has handled them


def test_a_handled_event_is_taken_off_the_pending_ones(relay):
    outbox.delivered(events(1)[0].to_dict())

    assert [b["id"] for b in relay.marked] == ["e0"]


def test_what_sqs_refuses_stays_pending_after_the_sweep(relay, monkeypatch):
    relay.refuse = {"e1"}
    pending = [e.to_dict() for e in events(3)]
    monkeypatch.setattr(outbox.outbox_store, "pending_events", lambda before, batch: pending)

    assert outbox.sweep(AT) == 2
    assert [b["id"] for b in relay.marked] == ["e0", "e2"]


def test_an_sqs_outage_sends_nothing_and_raises_nothing(relay):
    relay.down = True

    assert outbox.publish(events(2)) == 0
    assert relay.marked == []


def test_nothing_to_publish_calls_nobody(relay):
    assert outbox.publish([]) == 0
    assert relay.sent == []


def test_the_sweep_takes_what_is_pending_since_before_the_grace(relay, monkeypatch):
    asked = []

    def pending_events(before, batch):
        asked.append((before, batch))
        return [e.to_dict() for e in events(1)]

    monkeypatch.setattr(outbox.outbox_store, "pending_events", pending_events)

    assert outbox.sweep(AT, batch=10) == 1
    assert asked == [(AT - timedelta(seconds=30), 10)]
