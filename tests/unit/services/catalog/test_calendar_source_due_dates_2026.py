"""The five due dates of the 2026 review, on the calendar the portal actually uses (data files
plus the holidays package), and the data choices behind them."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from chalicelib.domain.calendar import VN_TZ
from chalicelib.services.catalog.calendar_source import calendar_data, load_calendar


def vn(year, month, day, hour=0, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=VN_TZ)


@pytest.fixture(scope="module")
def calendar():
    return load_calendar()


def test_new_year_swap_2026_three_working_days_from_31_december_end_on_7_january(calendar):
    """Government Office letter 12729/VPCP-KGVX (25 Dec 2025): Fri 2 Jan 2026 off, worked on
    Sat 10 Jan; Decree 61/2018 art. 2: time limits count working days."""
    due = calendar.due_at(vn(2025, 12, 31, 10), 3, "working_days")

    assert due == vn(2026, 1, 7, 10)


def test_one_working_day_from_friday_9_january_16h_ends_on_make_up_saturday(calendar):
    """12729/VPCP-KGVX: Saturday 10 Jan 2026 is a working day (make-up for Fri 2 Jan)."""
    due = calendar.due_at(vn(2026, 1, 9, 16), 1, "working_days")

    assert due == vn(2026, 1, 10, 16)


def test_birth_registration_after_15h_before_tet_is_due_after_the_tet_break(calendar):
    """Civil Status Law art. 16 (same day) and the 15:00 rule (Decree 61/2018 art. 18);
    Tết Bính Ngọ break 14-22 Feb 2026 (Notice 9441/TB-BNV)."""
    due = calendar.due_at(vn(2026, 2, 13, 15, 30), 1, "working_days", same_day=True)

    assert due.date() == date(2026, 2, 23)


def test_ten_calendar_days_ending_on_a_tet_holiday_move_to_the_next_working_day(calendar):
    """Civil Code 2015 art. 148: a period ending on a day off ends on the next working day."""
    due = calendar.due_at(vn(2026, 2, 10, 9), 10, "days")

    assert due.date() == date(2026, 2, 23)


def test_a_saturday_online_dossier_is_acknowledged_by_monday(calendar):
    """Decree 45/2020 art. 11: acceptance within 8 working hours of reaching the portal."""
    saturday = vn(2026, 3, 7, 10)

    assert calendar.acknowledge_by(saturday).date() == date(2026, 3, 9)


def test_vietnam_culture_day_is_not_a_day_off_until_the_labour_code_says_so(calendar):
    """Labour Code 2019 art. 112 lists 11 holidays; 24/11 (Vietnam Culture Day) is only a
    policy (Resolution 80-NQ/TW) and a proposed amendment, so the data files keep the holidays
    package's 24/11 out (`holidays_not_observed`)."""
    data = calendar_data()

    assert calendar.is_working_day(date(2026, 11, 24))
    assert date(2026, 11, 24) not in data.holidays
    assert calendar.is_working_day(date(2027, 11, 24))


def test_2027_keeps_the_labour_code_tet_until_the_schedule_is_announced(calendar):
    """Labour Code 2019 art. 112: 5 days of Tết (Tết Đinh Mùi: Sat 6 Feb 2027)."""
    tet = [date(2027, 2, day) for day in range(4, 11)]

    assert not any(calendar.is_working_day(day) for day in tet)
    assert calendar.is_working_day(date(2027, 2, 11))
