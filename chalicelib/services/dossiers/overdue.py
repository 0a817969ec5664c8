"""The scheduled watch over deadlines: dossiers whose clock runs and whose due time is within
one working day (or past) are found through the sharded `open_due` index — never a scan — and
one event is emitted per level (due soon, overdue) per due time, for officer reminders,
apology-letter drafting and the statistics."""

from __future__ import annotations

import logging
from datetime import datetime

from chalicelib.domain.dossier import Event
from chalicelib.domain.errors import Conflict
from chalicelib.persistence import dossier_store
from chalicelib.services.dossiers import deadlines
from chalicelib.services.shared import outbox

log = logging.getLogger(__name__)
PAGE = 200


def flag(now: datetime) -> dict[str, int]:
    calendar = deadlines.calendar()
    horizon = calendar.add_working_hours(calendar.start_of_clock(now), 8).isoformat()
    model, _, _ = dossier_store.models()
    counts = {"due_soon": 0, "overdue": 0}
    for shard in range(dossier_store.SHARDS):
        for record in model.open_due.query(f"OPEN#{shard}", model.due_sk <= horizon, limit=PAGE):
            level = _flag_one(dossier_store.from_record(record), now)
            if level:
                counts[level] += 1
    return counts


def _flag_one(dossier, now: datetime) -> str | None:
    due = dossier.due_at or dossier.acknowledge_by
    level = "overdue" if due < now else "due_soon"
    marker = f"{level}@{due.isoformat()}"
    if dossier.extra.get("deadline_flag") == marker:
        return None
    expected = dossier.version
    dossier.extra["deadline_flag"] = marker
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
