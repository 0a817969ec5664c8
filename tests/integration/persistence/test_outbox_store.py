"""The outbox relay's side of the outbox items: an event committed with its change is pending
until it is marked sent; marking an event that has no outbox item writes nothing."""

from datetime import datetime, timedelta

import pytest

from chalicelib.domain.calendar import VN_TZ
from chalicelib.domain.events import Event
from chalicelib.persistence import dossier_store, outbox_store, store

AT = datetime(2026, 3, 2, 9, 0, tzinfo=VN_TZ)
LATER = AT + timedelta(minutes=1)


@pytest.fixture
def committed(fresh_tables):
    events = [Event("dossier.submitted", f"D-{i}", AT, id=f"e{i}") for i in range(2)]
    store.commit(dossier_store.stage_events(events))
    return [e.to_dict() for e in events]


def test_a_committed_event_is_pending_until_marked_sent(committed):
    assert sorted(e["id"] for e in outbox_store.pending_events(LATER, 10)) == ["e0", "e1"]

    outbox_store.mark_sent(committed[0], keep_until=0, sent_at=LATER)

    assert [e["id"] for e in outbox_store.pending_events(LATER, 10)] == ["e1"]


def test_only_events_written_before_the_cut_are_pending(committed):
    assert outbox_store.pending_events(AT, 10) == []


def test_an_event_without_an_outbox_item_is_left_alone(committed):
    stranger = Event("dossier.submitted", "D-9", AT, id="e9").to_dict()

    outbox_store.mark_sent(stranger, keep_until=0, sent_at=LATER)
    outbox_store.mark_sent({"id": "e0"}, keep_until=0, sent_at=LATER)

    _, _, model = dossier_store.models()
    assert model.count(dossier_store.pk("D-9")) == 0
    assert len(outbox_store.pending_events(LATER, 10)) == 2
