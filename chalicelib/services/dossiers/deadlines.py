"""Deadlines of a dossier from the working-day calendar and its procedure snapshot."""

from __future__ import annotations

from datetime import datetime

from chalicelib.config import get_settings
from chalicelib.domain.calendar import WorkingCalendar
from chalicelib.services.catalog.calendar_source import load_calendar


def calendar() -> WorkingCalendar:
    return load_calendar(get_settings().office_hours)


def due_from(start: datetime, processing_time: dict) -> datetime:
    """Appointment for a dossier whose clock starts at `start` (official acceptance)."""
    return calendar().due_at(
        start,
        processing_time["value"],
        processing_time["unit"],
        same_day=bool(processing_time.get("same_day")),
    )
