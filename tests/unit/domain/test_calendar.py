"""WorkingCalendar over the real 2026 schedule (Tết Bính Ngọ, 30/4-1/5, Quốc khánh swap)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from chalicelib.domain.calendar import VN_TZ, OfficeHours, WorkingCalendar, seconds_to_midnight

HOLIDAYS_2026 = frozenset(
    {
        date(2026, 1, 1),
        *(date(2026, 2, day) for day in range(16, 21)),  # Tết Bính Ngọ, Mon-Fri
        date(2026, 4, 26),  # Giỗ Tổ Hùng Vương, a Sunday...
        date(2026, 4, 27),  # ...observed on Monday
        date(2026, 4, 30),
        date(2026, 5, 1),
        date(2026, 9, 1),
        date(2026, 9, 2),
        date(2026, 11, 24),
    }
)
DAYS_OFF_2026 = frozenset(
    {
        date(2026, 2, 14),
        date(2026, 2, 15),
        date(2026, 2, 21),
        date(2026, 2, 22),
        date(2026, 8, 31),  # swapped with Saturday 22 Aug
    }
)
WORKING_DAYS_2026 = frozenset({date(2026, 8, 22)})


@pytest.fixture(scope="module")
def calendar() -> WorkingCalendar:
    return WorkingCalendar(HOLIDAYS_2026, DAYS_OFF_2026, WORKING_DAYS_2026)


def vn(month: int, day: int, hour: int = 0, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=VN_TZ)


class TestOfficeHours:
    def test_default_day_is_eight_hours(self):
        assert OfficeHours().hours_per_day == 8.0

    @pytest.mark.parametrize(
        ("text", "hours"),
        [
            ("07:00-11:30,13:30-17:00", 8.0),
            ("08:00-12:00, 13:00-17:00", 8.0),
            ("07:30-11:30,13:00-16:30", 7.5),
        ],
    )
    def test_parses_the_configuration_string(self, text, hours):
        assert OfficeHours.from_string(text).hours_per_day == hours

    def test_default_string_gives_the_default_hours(self):
        assert OfficeHours.from_string("07:00-11:30,13:30-17:00") == OfficeHours()

    @pytest.mark.parametrize(
        "text",
        ["07:00-11:30", "11:30-07:00,13:30-17:00", "07:00-12:00,11:00-17:00", "seven to five"],
    )
    def test_rejects_malformed_or_unordered_sessions(self, text):
        with pytest.raises(ValueError, match="office"):
            OfficeHours.from_string(text)


class TestWorkingDays:
    @pytest.mark.parametrize(
        ("day", "working"),
        [
            (date(2026, 2, 13), True),  # Friday before Tết
            (date(2026, 2, 14), False),  # announced Tết break (a Saturday)
            (date(2026, 2, 16), False),  # Tết
            (date(2026, 2, 20), False),  # Tết
            (date(2026, 2, 23), True),  # back to work
            (date(2026, 3, 7), False),  # ordinary Saturday
            (date(2026, 3, 8), False),  # ordinary Sunday
            (date(2026, 3, 9), True),  # ordinary Monday
            (date(2026, 4, 26), False),  # Hùng Kings day on a Sunday
            (date(2026, 4, 27), False),  # its observed Monday
            (date(2026, 4, 28), True),
            (date(2026, 4, 30), False),
            (date(2026, 5, 1), False),
            (date(2026, 8, 22), True),  # make-up Saturday
            (date(2026, 8, 31), False),  # swapped Monday
            (date(2026, 9, 1), False),
            (date(2026, 9, 2), False),
            (date(2026, 9, 3), True),
            (date(2026, 11, 24), False),  # Vietnam Cultural Day
        ],
    )
    def test_is_working_day(self, calendar, day, working):
        assert calendar.is_working_day(day) is working

    @pytest.mark.parametrize(
        ("day", "expected"),
        [
            (date(2026, 2, 13), date(2026, 2, 23)),  # across Tết
            (date(2026, 4, 24), date(2026, 4, 28)),  # across the observed Hùng Kings day
            (date(2026, 4, 29), date(2026, 5, 4)),  # across 30/4-1/5 and a weekend
            (date(2026, 8, 21), date(2026, 8, 22)),  # to the make-up Saturday
            (date(2026, 8, 22), date(2026, 8, 24)),
            (date(2026, 8, 28), date(2026, 9, 3)),  # across the Quốc khánh break
            (date(2026, 3, 9), date(2026, 3, 10)),  # strictly after
        ],
    )
    def test_next_working_day(self, calendar, day, expected):
        assert calendar.next_working_day(day) == expected

    def test_make_up_day_overrides_a_holiday_listing(self):
        day = date(2026, 8, 22)
        assert WorkingCalendar({day}, working_days={day}).is_working_day(day)

    def test_a_date_cannot_be_both_off_and_working(self):
        day = date(2026, 8, 22)
        with pytest.raises(ValueError, match="both off and working"):
            WorkingCalendar(set(), days_off={day}, working_days={day})

    def test_datetime_is_not_a_date_here(self, calendar):
        with pytest.raises(TypeError):
            calendar.is_working_day(vn(3, 9, 9))


class TestStartOfClock:
    @pytest.mark.parametrize(
        ("received", "expected"),
        [
            (vn(3, 9, 6, 30), vn(3, 9, 7)),  # before opening
            (vn(3, 9, 9, 15), vn(3, 9, 9, 15)),  # in office hours
            (vn(3, 9, 11, 30), vn(3, 9, 13, 30)),  # lunch starts
            (vn(3, 9, 12, 10), vn(3, 9, 13, 30)),  # lunch break
            (vn(3, 9, 16, 59), vn(3, 9, 16, 59)),
            (vn(3, 9, 17, 0), vn(3, 10, 7)),  # at closing
            (vn(3, 9, 21, 0), vn(3, 10, 7)),  # evening
            (vn(3, 7, 10, 0), vn(3, 9, 7)),  # Saturday
            (vn(2, 13, 18, 0), vn(2, 23, 7)),  # Friday evening before Tết
            (vn(8, 22, 8, 0), vn(8, 22, 8, 0)),  # make-up Saturday
        ],
    )
    def test_snaps_to_office_time(self, calendar, received, expected):
        assert calendar.start_of_clock(received) == expected

    @pytest.mark.parametrize(
        ("utc", "expected"),
        [
            (datetime(2026, 3, 9, 2, 0, tzinfo=UTC), vn(3, 9, 9)),
            (datetime(2026, 3, 9, 10, 30, tzinfo=UTC), vn(3, 10, 7)),  # 17:30 in VN
            (datetime(2026, 3, 8, 23, 0, tzinfo=UTC), vn(3, 9, 7)),  # 06:00 Mon in VN
        ],
    )
    def test_converts_other_timezones_to_vietnam_time(self, calendar, utc, expected):
        result = calendar.start_of_clock(utc)
        assert result == expected
        assert result.utcoffset() == timedelta(hours=7)


class TestDueInWorkingDays:
    @pytest.mark.parametrize(
        ("start", "amount", "expected"),
        [
            (vn(3, 9, 9), 3, vn(3, 12, 9)),  # Mon 09:00 + 3 → Thu 09:00
            (vn(3, 9, 16, 30), 1, vn(3, 10, 16, 30)),  # late afternoon + 1 → next day same time
            (vn(3, 9, 12, 0), 1, vn(3, 10, 11, 30)),  # lunch receipt; ends at a session end
            (vn(3, 6, 18, 0), 2, vn(3, 10, 17)),  # Friday evening → counted from Monday
            (vn(3, 9, 9), 0.5, vn(3, 9, 15)),  # "1/2 ngày"
            (vn(2, 13, 9), 3, vn(2, 25, 9)),  # accepted before Tết, due after it
            (vn(4, 24, 10), 1, vn(4, 28, 10)),  # skips the observed Hùng Kings Monday
            (vn(4, 29, 14), 1, vn(5, 4, 14)),  # skips 30/4-1/5 and the weekend
            (vn(8, 21, 9), 1, vn(8, 22, 9)),  # runs into the make-up Saturday
            (vn(8, 28, 10), 2, vn(9, 4, 10)),  # skips 31/8 (swap), 1/9 and 2/9
        ],
    )
    def test_counts_eight_working_hours_per_day(self, calendar, start, amount, expected):
        assert calendar.due_at(start, amount, "working_days") == expected

    @pytest.mark.parametrize(
        ("start", "amount", "expected"),
        [
            (vn(3, 9, 7), 1, vn(3, 9, 17)),  # not Tue 07:00
            (vn(3, 8, 10), 2, vn(3, 10, 17)),  # Sunday receipt; not Wed 07:00
            (vn(3, 9, 13, 30), 1, vn(3, 10, 11, 30)),  # not Tue 13:30
        ],
    )
    def test_a_due_time_on_a_session_boundary_is_the_end_of_the_earlier_session(
        self, calendar, start, amount, expected
    ):
        assert calendar.due_at(start, amount, "working_days") == expected


class TestDueInCalendarDays:
    @pytest.mark.parametrize(
        ("start", "days", "expected"),
        [
            (vn(3, 9, 10), 15, vn(3, 24, 17)),  # lands on a Tuesday
            (vn(3, 9, 10), 13, vn(3, 23, 17)),  # lands on Sunday 22/3 → Monday
            (vn(4, 15, 10), 15, vn(5, 4, 17)),  # lands on 30/4 → Monday 4/5
            (vn(2, 6, 10), 10, vn(2, 23, 17)),  # lands on Tết → first day back
            (vn(4, 11, 10), 15, vn(4, 28, 17)),  # Sat receipt → from Mon 13/4; 28/4 Tue
            (vn(3, 6, 18), 10, vn(3, 19, 17)),  # Friday evening → counted from Monday 9/3
        ],
    )
    def test_adds_calendar_days_and_moves_off_non_working_days(
        self, calendar, start, days, expected
    ):
        assert calendar.due_at(start, days, "days") == expected

    def test_rejects_fractional_calendar_days(self, calendar):
        with pytest.raises(ValueError, match="whole days"):
            calendar.due_at(vn(3, 9, 10), 1.5, "days")


class TestDueInHours:
    @pytest.mark.parametrize(
        ("start", "hours", "expected"),
        [
            (vn(3, 9, 10), 4, vn(3, 9, 16)),  # across lunch
            (vn(3, 9, 16), 3, vn(3, 10, 9)),  # across the night
            (vn(3, 9, 16), 6, vn(3, 10, 14)),  # across the night and the next lunch
            (vn(3, 9, 11), 0.5, vn(3, 9, 11, 30)),  # ends exactly at lunch
            (vn(3, 13, 16), 2, vn(3, 16, 8)),  # across a weekend
        ],
    )
    def test_counts_office_hours_only(self, calendar, start, hours, expected):
        assert calendar.due_at(start, hours, "hours") == expected


class TestSameDayRule:
    @pytest.mark.parametrize(
        ("received", "expected"),
        [
            (vn(3, 9, 14, 59), vn(3, 9, 17)),
            (vn(3, 9, 15, 0), vn(3, 10, 17)),
            (vn(3, 9, 6, 45), vn(3, 9, 17)),  # before opening still counts as that day
            (vn(3, 13, 15, 30), vn(3, 16, 17)),  # Friday 15:30 → Monday
            (vn(3, 14, 9), vn(3, 16, 17)),  # Saturday → Monday
            (vn(2, 13, 15, 30), vn(2, 23, 17)),  # Friday before Tết → after Tết
            (vn(8, 22, 10), vn(8, 22, 17)),  # make-up Saturday is a working day
        ],
    )
    def test_fifteen_hundred_cutoff(self, calendar, received, expected):
        assert calendar.due_at(received, 0, "ignored", same_day=True) == expected

    def test_cutoff_is_configurable(self):
        calendar = WorkingCalendar(HOLIDAYS_2026, same_day_cutoff=time(16, 0))
        assert calendar.due_at(vn(3, 9, 15, 30), 1, "days", same_day=True) == vn(3, 9, 17)


class TestDueInvariants:
    STARTS = tuple(vn(2, 1) + timedelta(minutes=97 * step) for step in range(0, 3600, 7))

    @pytest.mark.parametrize(
        ("amount", "unit"),
        [
            (1, "working_days"),
            (3, "working_days"),
            (0.5, "working_days"),
            (2, "hours"),
            (8, "hours"),
            (10, "days"),
            (15, "days"),
        ],
    )
    def test_due_is_always_inside_office_hours_of_a_working_day(self, calendar, amount, unit):
        for start in self.STARTS:
            due = calendar.due_at(start, amount, unit)
            assert calendar.is_working_day(due.date()), (start, due)
            assert time(7, 0) < due.time() <= time(17, 0), (start, due)
            assert not time(11, 30) < due.time() <= time(13, 30), (start, due)
            assert due > start

    @pytest.mark.parametrize(
        ("amount", "unit", "message"),
        [(0, "working_days", "positive"), (-1, "hours", "positive"), (2, "weeks", "unit")],
    )
    def test_rejects_invalid_limits(self, calendar, amount, unit, message):
        with pytest.raises(ValueError, match=message):
            calendar.due_at(vn(3, 9, 9), amount, unit)


class TestWorkingHoursBetween:
    @pytest.mark.parametrize(
        ("start", "end", "hours"),
        [
            (vn(3, 13, 16), vn(3, 16, 8), 2.0),  # across a weekend
            (vn(2, 13, 16), vn(2, 23, 8), 2.0),  # across Tết
            (vn(3, 9, 11), vn(3, 9, 14), 1.0),  # across lunch
            (vn(3, 9, 7), vn(3, 13, 17), 40.0),  # a full week
            (vn(3, 7, 9), vn(3, 8, 18), 0.0),  # a weekend only
            (vn(3, 9, 14), vn(3, 9, 10), 0.0),  # end before start
            (vn(3, 9, 10), vn(3, 9, 10), 0.0),
        ],
    )
    def test_counts_office_hours(self, calendar, start, end, hours):
        assert calendar.working_hours_between(start, end) == hours

    def test_is_the_inverse_of_add_working_hours(self, calendar):
        start, end = vn(2, 12, 10, 15), vn(3, 3, 14, 40)
        elapsed = calendar.working_hours_between(start, end)
        assert calendar.add_working_hours(start, elapsed) == end

    def test_supplement_pause_extends_the_due_date_by_the_paused_working_time(self, calendar):
        due = calendar.due_at(vn(3, 9, 9), 3, "working_days")  # Thu 12/3 09:00
        paused = calendar.working_hours_between(vn(3, 10, 16), vn(3, 11, 8))  # 1 + 1 hours
        assert paused == 2.0
        assert calendar.add_working_hours(due, paused) == vn(3, 12, 11)

    def test_adding_zero_hours_keeps_a_due_time_at_closing(self, calendar):
        assert calendar.add_working_hours(vn(3, 9, 17), 0) == vn(3, 9, 17)

    def test_rejects_negative_hours(self, calendar):
        with pytest.raises(ValueError, match="negative"):
            calendar.add_working_hours(vn(3, 9, 9), -1)


class TestAcknowledgeBy:
    @pytest.mark.parametrize(
        ("submitted", "expected"),
        [
            (vn(3, 13, 16), vn(3, 16, 16)),  # Friday 16:00 → Monday 16:00
            (vn(3, 14, 10), vn(3, 16, 17)),  # Saturday → Monday closing
            (vn(3, 9, 7), vn(3, 9, 17)),
            (vn(3, 9, 9), vn(3, 10, 9)),
            (vn(3, 9, 20), vn(3, 10, 17)),
            (vn(2, 13, 10), vn(2, 23, 10)),  # across Tết
        ],
    )
    def test_eight_working_hours_from_submission(self, calendar, submitted, expected):
        assert calendar.acknowledge_by(submitted) == expected


class TestClassify:
    DUE = vn(3, 12, 9)

    @pytest.mark.parametrize(
        ("finished", "expected"),
        [
            (vn(3, 11, 16), "early"),
            (vn(3, 12, 8), "on_time"),
            (vn(3, 12, 9), "on_time"),
            (vn(3, 12, 9, 1), "late"),
            (vn(3, 13, 8), "late"),
            (datetime(2026, 3, 11, 17, 30, tzinfo=UTC), "on_time"),  # 00:30 12/3 VN
        ],
    )
    def test_classify(self, calendar, finished, expected):
        assert calendar.classify(finished, self.DUE) == expected


class TestNaiveDatetimes:
    NAIVE = datetime(2026, 3, 9, 9, 0)

    @pytest.mark.parametrize(
        "call",
        [
            lambda c, t: c.start_of_clock(t),
            lambda c, t: c.due_at(t, 1, "working_days"),
            lambda c, t: c.due_at(t, 1, "days"),
            lambda c, t: c.due_at(t, 0, "", same_day=True),
            lambda c, t: c.add_working_hours(t, 1),
            lambda c, t: c.working_hours_between(t, vn(3, 10)),
            lambda c, t: c.acknowledge_by(t),
            lambda c, t: c.classify(t, vn(3, 10)),
        ],
    )
    def test_are_rejected(self, calendar, call):
        with pytest.raises(ValueError, match="naive"):
            call(calendar, self.NAIVE)


class TestSecondsToMidnight:
    """Retry-After of an agency's day that ran out of dossier numbers."""

    @pytest.mark.parametrize(
        ("moment", "seconds"),
        [
            (datetime(2026, 12, 3, 23, 59, 30, tzinfo=VN_TZ), 30),
            (datetime(2026, 12, 3, 0, 0, tzinfo=VN_TZ), 24 * 3600),
            (datetime(2026, 12, 31, 12, 0, tzinfo=VN_TZ), 12 * 3600),
            # 16:30 UTC is 23:30 in Hà Nội: midnight is Vietnamese midnight
            (datetime(2026, 12, 3, 16, 30, tzinfo=UTC), 30 * 60),
        ],
    )
    def test_counts_to_vietnamese_midnight(self, moment, seconds):
        assert seconds_to_midnight(moment) == seconds

    def test_refuses_a_naive_moment(self):
        with pytest.raises(ValueError):
            seconds_to_midnight(datetime(2026, 12, 3, 12, 0))
