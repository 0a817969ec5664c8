"""The scheduled watch over deadlines: dossiers whose clock runs and whose due time is within
one working day (or past) are found through the sharded `open_due` index — never a scan — and
one event is emitted per level (due soon, overdue) per due time, for officer reminders,
apology-letter drafting and the statistics.

Every run pages through the whole window of every shard: dossiers flagged earlier stay in it
(they still run late), but the index carries their flag, so they cost only their small index
entry and never hide a dossier that still needs one."""

from __future__ import annotations

import logging
from datetime import datetime

from chalicelib.domain.dossier import Event
from chalicelib.domain.errors import Conflict
from chalicelib.persistence import dossier_store
from chalicelib.services.dossiers import deadlines
from chalicelib.services.shared import outbox

log = logging.getLogger(__name__)


def _marker(due: datetime, now: datetime) -> tuple[str, str]:
    level = "overdue" if due < now else "due_soon"
    return level, f"{level}@{due.isoformat()}"


def flag(now: datetime) -> dict[str, int]:
    calendar = deadlines.calendar()
    horizon = calendar.add_working_hours(calendar.start_of_clock(now), 8)
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
    expected = dossier.version
    dossier.deadline_flag = marker
    dossier.pending_events.append(
        Event(
            f"dossier.{level}",
            dossier.code,
            now,
            {
                "agency_id": dossier.agency_id,
                "due_at": due.isoformat(),
                "status": dossier.status.value,
                "assignee": dossier.assignee,
                "procedure_code": dossier.procedure["code"],
            },
        )
    )
    try:
        outbox.publish(dossier_store.save(dossier, expected))
    except Conflict:
        return None  # changed meanwhile: the next run looks again
    return level
