"""The scheduled watch over deadlines: dossiers whose clock runs and whose due time is within
two working days (or past) are found through the sharded `open_due` index — never a scan — and
one event is emitted per level (due soon, overdue) per due time, for officer reminders,
apology-letter drafting and the statistics.

Every run pages through the whole window of every shard: dossiers flagged earlier stay in it
(they still run late), but the index carries their flag, so they cost only their small index
entry and never hide a dossier that still needs one.

"Due soon" is aligned with the extension rule (Decree 61/2018 art. 19 cl. 9: apologise and set
a new date at the latest the day before the due day): the reminder comes at least one working
day before that last day, and carries it (`extend_by`)."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

from chalicelib.domain.calendar import extension_deadline
from chalicelib.domain.events import Event
from chalicelib.persistence import dossier_store
from chalicelib.services.dossiers import deadlines

log = logging.getLogger(__name__)
DUE_SOON_WORKING_DAYS = 2


def _marker(due: datetime, now: datetime) -> tuple[str, str]:
    level = "overdue" if due < now else "due_soon"
    return level, f"{level}@{due.isoformat()}"


def flag(now: datetime) -> dict[str, int]:
    calendar = deadlines.calendar()
    hours = DUE_SOON_WORKING_DAYS * calendar.office_hours.hours_per_day
    horizon = calendar.add_working_hours(calendar.start_of_clock(now), hours)
    counts = {"due_soon": 0, "overdue": 0}
    for watched in dossier_store.due_until(horizon):
        if watched.flag == _marker(watched.due, now)[1]:
            continue
        dossier = dossier_store.get(watched.code)
        level = _flag_one(dossier, now) if dossier is not None else None
        if level:
            counts[level] += 1
    return counts


def _flag_one(dossier, now: datetime) -> str | None:
    due = dossier.due_at or dossier.acknowledge_by
    level, marker = _marker(due, now)
    if dossier.deadline_flag == marker:
        return None
    event = Event(
        f"dossier.{level}",
        dossier.code,
        now,
        {
            "agency_id": dossier.agency_id,
            "due_at": due.isoformat(),
            "extend_by": extension_deadline(due).isoformat() if dossier.due_at else None,
            "status": dossier.status.value,
            "assignee": dossier.assignee,
            "procedure_code": dossier.procedure["code"],
        },
        # One id per dossier and marker: should an officer's save, racing this one, write the
        # flag back, the next run raises it again as the same event, which consumers drop.
        id=uuid.uuid5(uuid.NAMESPACE_URL, f"dvc:{dossier.code}:{marker}").hex,
    )
    if not dossier_store.flag_deadline(dossier, marker, [event]):
        return None  # changed meanwhile: the next run looks again
    return level
