"""Notifications are stored before their jobs are queued, with ids that make a redelivered event
find them again: only those still `created` are queued again, and a refused job makes the event
come back. Messages never echo a name the applicant typed."""

from types import SimpleNamespace

import pytest

from chalicelib.domain import notifications as plan
from chalicelib.domain.dossier import VERIFIED_NAME, Status
from chalicelib.services.notifications import dispatch
from tests import builders

EVENT = {"id": "e1", "type": "dossier.refused", "at": "2026-03-05T10:00:00+07:00", "data": {}}


@pytest.fixture
def outbox(monkeypatch):
    """Notification records by id, and the jobs SQS took (or refused: `refuse`)."""
    state = SimpleNamespace(records={}, jobs=[], refuse=set())

    def create(item, now):
        found = state.records.get(item["id"])
        if found is not None:
            return found, False
        state.records[item["id"]] = SimpleNamespace(id=item["id"], state="created", item=item)
        return state.records[item["id"]], True

    def send_batch(queue, jobs):
        state.jobs.append((queue, sorted(jobs)))
        return {i for i in jobs if i in state.refuse}

    monkeypatch.setattr(dispatch.store, "create", create)
    monkeypatch.setattr(dispatch.queues, "send_batch", send_batch)
    return state


def planned(*recipients):
    return [plan.Planned(r, plan.INBOX, "officer_document", {plan.INBOX: r}) for r in recipients]


def notify(recipients=("officer:a",)):
    values = {"title": "Công văn", "link": ""}
    return dispatch.notify("src-1", "officer.document", planned(*recipients), values, "", None,
                           builders.MONDAY)  # fmt: skip


def test_each_planned_notification_is_stored_then_queued(outbox):
    records = notify(("officer:a", "agency:b"))

    assert len(records) == 2 and len(outbox.records) == 2
    assert outbox.jobs == [(dispatch.queues.QueueNames.NOTIFICATIONS, sorted(outbox.records))]


def test_a_redelivered_event_queues_only_what_is_not_sent_yet(outbox):
    first = notify(("officer:a", "agency:b"))
    first[0].state = "sent"

    again = notify(("officer:a", "agency:b"))

    assert [r.id for r in again] == [r.id for r in first]  # the same ids: found, not duplicated
    assert outbox.jobs[-1][1] == [first[1].id]


def test_a_refused_job_makes_the_event_come_back(outbox):
    outbox.refuse = {plan.notification_id("src-1", "officer:a", plan.INBOX)}

    with pytest.raises(dispatch.NotQueued):
        notify()


def test_dossier_values_greet_only_a_verified_name_and_find_the_public_reason(monkeypatch):
    typed = builders.dossier(applicant={"full_name": "Tên tự gõ", "phone": "0912345678"},
                             status=Status.RESULT_READY)  # fmt: skip
    history = [{"action": "refuse", "at": EVENT["at"], "public_note": "Không đủ điều kiện"}]
    monkeypatch.setattr(dispatch.dossier_store, "history", lambda code: history)

    values = dispatch.dossier_values(typed, EVENT)

    assert values["name"] == "" and values["reason"] == "Không đủ điều kiện"
    signed_in = builders.dossier(extra={VERIFIED_NAME: "Nguyễn Văn An"})
    assert dispatch.dossier_values(signed_in, {**EVENT, "type": "dossier.accepted"})["name"] == (
        "Nguyễn Văn An"
    )
