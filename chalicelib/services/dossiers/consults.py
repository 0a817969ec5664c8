"""The watch over consult deadlines (liên thông, domain/consult.py): open requests due within
two working days, or past due, are found through the sparse deadline index (their own
partitions, never a scan) and the consulted agency is reminded once per level and due time.

Like the dossiers' deadline watch (overdue.py), the flag is the system's note on the request's
own item: it never advances the dossier's version, so an officer acting meanwhile gets no 409."""

from __future__ import annotations

import uuid
from datetime import datetime

from chalicelib.domain.events import Event
from chalicelib.persistence import dossier_store
from chalicelib.services.dossiers import deadlines
from chalicelib.services.dossiers.overdue import DUE_SOON_WORKING_DAYS


def remind(now: datetime) -> dict[str, int]:
    calendar = deadlines.calendar()
    hours = DUE_SOON_WORKING_DAYS * calendar.office_hours.hours_per_day
    horizon = calendar.add_working_hours(calendar.start_of_clock(now), hours)
    counts = {"consult_due_soon": 0, "consult_overdue": 0}
    for watched in dossier_store.consults_due_until(horizon):
        level = "consult_overdue" if watched.due < now else "consult_due_soon"
        marker = f"{level}@{watched.due.isoformat()}"
        if watched.flag == marker:
            continue
        event = Event(
            f"dossier.{level}",
            watched.code,
            now,
            {"to_agency": watched.agency_id, "due_at": watched.due.isoformat()},
            # One id per request and marker: raised again after a race, consumers drop it.
            id=uuid.uuid5(
                uuid.NAMESPACE_URL, f"dvc:{watched.code}:{watched.agency_id}:{marker}"
            ).hex,
        )
        if dossier_store.flag_consult(watched, marker, [event]):
            counts[level] += 1
    return counts
