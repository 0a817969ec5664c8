"""The due-soon reminder and the extension rule agree (Decree 61/2018 art. 19 cl. 9: apologise
and set a new date at the latest the day before the due day): the reminder comes while the
extension is still allowed and says until when."""

from __future__ import annotations

from datetime import datetime, timedelta

from chalicelib.domain import workflow
from chalicelib.domain.calendar import VN_TZ, extension_deadline
from chalicelib.persistence import dossier_store
from chalicelib.services.dossiers import deadlines, overdue
from tests.factories import submit


def events(code):
    _, _, model = dossier_store.models()
    records = model.query(dossier_store.pk(code), model.SK.startswith("OUTBOX#"))
    return [r.event for r in records]


def test_the_reminder_comes_before_the_last_day_to_extend_and_names_it(client, fresh_tables):
    _, created = submit(client)
    code = created["code"]
    dossier = dossier_store.get(code)
    calendar = deadlines.calendar(dossier.agency_id)
    accepted_at = calendar.start_of_clock(datetime.now(VN_TZ))
    dossier.pending_history.clear()
    workflow.apply(
        dossier,
        workflow.Command("accept", "receptionist", "r", dossier.agency_id, accepted_at),
        calendar,
    )
    dossier.due_at = calendar.due_at(accepted_at, 2, "working_days")  # a 2-working-day limit
    dossier_store.save(dossier, dossier.version)

    counts = overdue.flag(accepted_at + timedelta(hours=1))
    reminder = next(e for e in events(code) if e["type"] == "dossier.due_soon")

    assert counts["due_soon"] == 1
    extend_by = datetime.fromisoformat(reminder["data"]["extend_by"])
    assert extend_by == extension_deadline(dossier.due_at)
    assert accepted_at < extend_by < dossier.due_at
    assert extend_by.date() == (dossier.due_at.astimezone(VN_TZ) - timedelta(days=1)).date()
