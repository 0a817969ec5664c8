"""A dossier's appointment counts working days on the calendar of the agency that received it."""

from datetime import datetime

from chalicelib.domain.calendar import VN_TZ, WorkingCalendar
from chalicelib.services.dossiers import deadlines

MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=VN_TZ)


def test_working_days_skip_the_weekend_and_the_agencys_days_off(monkeypatch):
    asked = []
    closed_wednesday = WorkingCalendar(holidays=frozenset({datetime(2026, 3, 4).date()}))

    def working_calendar(agency_id=None):
        asked.append(agency_id)
        return closed_wednesday

    monkeypatch.setattr(deadlines.calendar_admin, "working_calendar", working_calendar)
    due = deadlines.due_from(MONDAY, {"value": 5, "unit": "working_days"}, "ubnd-a")

    assert asked == ["ubnd-a"]
    assert due.date() == datetime(2026, 3, 10).date()  # Tue..Fri less Wed, then Mon, Tue
    assert due.date() == closed_wednesday.due_at(MONDAY, 5, "working_days").date()


def test_a_same_day_procedure_is_due_the_day_it_starts(monkeypatch):
    plain = WorkingCalendar(holidays=frozenset())
    monkeypatch.setattr(deadlines.calendar_admin, "working_calendar", lambda agency_id=None: plain)

    due = deadlines.due_from(MONDAY, {"value": 0, "unit": "working_days", "same_day": True})

    assert due.date() == MONDAY.date()
    assert due == plain.due_at(MONDAY, 0, "working_days", same_day=True)
