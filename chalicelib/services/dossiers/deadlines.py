"""Deadlines of a dossier from the working-day calendar and its procedure snapshot.

Everything that sets or shows a deadline goes through here, and so does the public
`GET /v1/calendar/due`: citizens, other provincial systems and the portal get the same dates.
"""

from __future__ import annotations

from datetime import datetime

from chalicelib.domain.calendar import WorkingCalendar
from chalicelib.services.catalog import calendar_admin


def calendar(agency_id: str | None = None) -> WorkingCalendar:
    """The calendar in force now (with published upkeep), in `agency_id`'s office hours."""
    return calendar_admin.working_calendar(agency_id)


def due_from(start: datetime, processing_time: dict, agency_id: str | None = None) -> datetime:
    """Appointment for a dossier whose clock starts at `start` (official acceptance)."""
    return calendar(agency_id).due_at(
        start,
        processing_time["value"],
        processing_time["unit"],
        same_day=bool(processing_time.get("same_day")),
    )
