"""Working-day calendar: office hours, working days and the deadlines computed from them.

Pure domain code: no I/O, no clock, no AWS. Every instant is timezone-aware and is computed in
Vietnam time (UTC+7). The yearly holiday data is loaded by `services.calendar_source`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from chalicelib.domain.errors import FieldError

__all__ = [
    "ACKNOWLEDGEMENT_WORKING_HOURS",
    "CALENDAR_DAYS",
    "EARLY",
    "LATE",
    "ON_TIME",
    "TIME_UNITS",
    "VN_TZ",
    "WORKING_DAYS",
    "WORKING_HOURS",
    "OfficeHours",
    "WorkingCalendar",
    "extension_deadline",
    "override_errors",
]

VN_TZ = timezone(timedelta(hours=7))

WORKING_DAYS = "working_days"
CALENDAR_DAYS = "days"
WORKING_HOURS = "hours"
TIME_UNITS = frozenset({WORKING_DAYS, CALENDAR_DAYS, WORKING_HOURS})

EARLY, ON_TIME, LATE = "early", "on_time", "late"

# Decree 45/2020 art. 11: an online dossier is accepted or sent back for supplement within
# 8 working hours of reaching the portal, whatever the length of the office day.
ACKNOWLEDGEMENT_WORKING_HOURS = 8

_ONE_DAY = timedelta(days=1)
_ONE_HOUR = timedelta(hours=1)
_SATURDAY = 5

Session = tuple[time, time]
_WEEKEND = frozenset({5, 6})


def _span(session: Session) -> timedelta:
    start, end = (datetime.combine(date.min, moment) for moment in session)
    return end - start


def _parse_session(text: str) -> Session:
    start, end = text.split("-")
    return time.fromisoformat(start.strip()), time.fromisoformat(end.strip())


@dataclass(frozen=True)
class OfficeHours:
    """The two daily office sessions; the lunch break between them is not working time."""

    morning: Session = (time(7, 0), time(11, 30))
    afternoon: Session = (time(13, 30), time(17, 0))

    def __post_init__(self) -> None:
        (m_start, m_end), (a_start, a_end) = self.morning, self.afternoon
        if any(moment.tzinfo is not None for moment in (m_start, m_end, a_start, a_end)):
            raise ValueError("office hours are local wall-clock times without tzinfo")
        if not m_start < m_end <= a_start < a_end:
            raise ValueError(f"office sessions must be ordered and non-empty: {self}")

    @classmethod
    def from_string(cls, text: str) -> OfficeHours:
        """Parse "07:00-11:30,13:30-17:00" (morning session, afternoon session)."""
        try:
            morning, afternoon = (_parse_session(part) for part in text.split(","))
        except ValueError as error:
            expected = "07:00-11:30,13:30-17:00"
            raise ValueError(f"office hours must look like {expected}: {text!r}") from error
        return cls(morning, afternoon)

    @property
    def sessions(self) -> tuple[Session, Session]:
        return self.morning, self.afternoon

    @property
    def opening(self) -> time:
        return self.morning[0]

    @property
    def closing(self) -> time:
        return self.afternoon[1]

    @property
    def hours_per_day(self) -> float:
        return sum((_span(session) for session in self.sessions), timedelta()) / _ONE_HOUR


DEFAULT_OFFICE_HOURS = OfficeHours()


def _to_vn(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment!r}: the calendar needs timezone-aware instants")
    return moment.astimezone(VN_TZ)


def seconds_to_midnight(moment: datetime) -> int:
    """Seconds from `moment` to the next midnight, Vietnamese time (at least 1)."""
    local = _to_vn(moment)
    midnight = datetime.combine(local.date() + timedelta(days=1), time(), VN_TZ)
    return max(1, int((midnight - local).total_seconds()))


class WorkingCalendar:
    """Working days and office hours of Vietnamese state agencies, and deadlines over them.

    A day is a working day when it is a listed make-up working day, or else when it is a
    Monday-Friday that is neither a public holiday nor an announced day off. Make-up days win
    over holidays too: the yearly Government announcement is the more specific source.
    """

    def __init__(
        self,
        holidays: Iterable[date],
        days_off: Iterable[date] = (),
        working_days: Iterable[date] = (),
        office_hours: OfficeHours = DEFAULT_OFFICE_HOURS,
        same_day_cutoff: time = time(15, 0),
    ) -> None:
        self.holidays = frozenset(holidays)
        self.days_off = frozenset(days_off)
        self.working_days = frozenset(working_days)
        self.office_hours = office_hours
        self.same_day_cutoff = same_day_cutoff
        clash = self.days_off & self.working_days
        if clash:
            raise ValueError(f"dates both off and working: {sorted(clash)}")

    def is_working_day(self, day: date) -> bool:
        if isinstance(day, datetime):
            raise TypeError("is_working_day takes a date, not a datetime")
        if day in self.working_days:
            return True
        if day in self.holidays or day in self.days_off:
            return False
        return day.weekday() < _SATURDAY

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after `day`."""
        day += _ONE_DAY
        while not self.is_working_day(day):
            day += _ONE_DAY
        return day

    def start_of_clock(self, received_at: datetime) -> datetime:
        """Snap a receipt to office time: the instant from which working time is counted.

        Before opening → opening that day; during the lunch break → start of the afternoon;
        at or after closing, or on a non-working day → opening of the next working day.
        """
        moment = _to_vn(received_at)
        day, clock = moment.date(), moment.time()
        if self.is_working_day(day):
            for start, end in self.office_hours.sessions:
                if clock < end:
                    return self._at(day, max(clock, start))
        return self._at(self.next_working_day(day), self.office_hours.opening)

    def add_working_hours(self, start: datetime, hours: float) -> datetime:
        """The earliest instant by which `hours` of office time have elapsed since `start`.

        Time outside office hours before `start` is skipped. So a result on a session boundary
        is the end of the session just finished (11:30, 17:00), never the start of the next one
        (13:30, or 07:00 of the next working day): a dossier due "at 07:00 Thursday" is really
        due by closing time on Wednesday. Adding 0 hours keeps an instant at a session end.
        """
        if hours < 0:
            raise ValueError(f"cannot add negative working hours: {hours}")
        remaining = timedelta(hours=hours)
        sessions = self._sessions_from(_to_vn(start))
        begin, end = next(sessions)
        while remaining > end - begin:
            remaining -= end - begin
            begin, end = next(sessions)
        return begin + remaining

    def working_hours_between(self, start: datetime, end: datetime) -> float:
        """Office hours elapsed from `start` to `end` (0 when `end` is not after `start`).

        Used for the supplement pause (new due = old due + paused working time) and for the
        8-working-hour acknowledgement limit of Decree 45/2020 art. 11.
        """
        start, end = _to_vn(start), _to_vn(end)
        total = timedelta()
        for begin, finish in self._sessions_from(start):
            if begin >= end:
                break
            total += min(finish, end) - begin
        return total / _ONE_HOUR

    def acknowledge_by(self, submitted_at: datetime) -> datetime:
        """Deadline to accept or send back an online dossier (Decree 45/2020 art. 11)."""
        return self.add_working_hours(
            self.start_of_clock(submitted_at), ACKNOWLEDGEMENT_WORKING_HOURS
        )

    def due_at(self, start: datetime, amount: float, unit: str, same_day: bool = False) -> datetime:
        """The appointment for a statutory time limit counted from a valid receipt at `start`.

        - "working_days": amount x hours_per_day of office time from the snapped start
          (1 working day = 8 working hours, as live one-stop systems count it); fractions such
          as "1/2 ngày" are allowed. Boundary results follow `add_working_hours`.
        - "hours": amount of office time from the snapped start.
        - "days": calendar days, see `_calendar_days_due`.
        - same_day=True ("trong ngày"): the 15:00 rule, see `_same_day_due`; amount and unit
          are ignored.
        The result is never on a non-working day.
        """
        if same_day:
            return self._same_day_due(start)
        if unit not in TIME_UNITS:
            raise ValueError(f"unknown time unit {unit!r}; expected one of {sorted(TIME_UNITS)}")
        if amount <= 0:
            raise ValueError(f"a time limit must be positive, got {amount}")
        if unit == CALENDAR_DAYS:
            return self._calendar_days_due(start, amount)
        hours = amount * self.office_hours.hours_per_day if unit == WORKING_DAYS else amount
        return self.add_working_hours(self.start_of_clock(start), hours)

    @staticmethod
    def classify(finished_at: datetime, due_at: datetime) -> str:
        """Rate a finished step or dossier against its due instant, in Vietnam dates.

        "late" (quá hạn) when finished after the due instant; "early" (trước hạn) when finished
        on a calendar day before the due day; otherwise "on_time" (đúng hạn), i.e. on the due
        day itself, at or before the due instant.
        """
        finished, due = _to_vn(finished_at), _to_vn(due_at)
        if finished > due:
            return LATE
        if finished.date() < due.date():
            return EARLY
        return ON_TIME

    def _calendar_days_due(self, start: datetime, days: float) -> datetime:
        """Calendar-day limits (e.g. construction permits "15 ngày"), due at closing time.

        Counting starts the day after the (snapped) receipt date and ends at the end of the
        last day; a last day that is not a working day moves to the next working day
        (Civil Code 2015 arts. 147-148). A receipt after hours counts from the next working day.
        """
        if days != int(days):
            raise ValueError(f"calendar-day limits must be whole days, got {days}")
        last = self.start_of_clock(start).date() + timedelta(days=int(days))
        if not self.is_working_day(last):
            last = self.next_working_day(last)
        return self._at(last, self.office_hours.closing)

    def _same_day_due(self, received_at: datetime) -> datetime:
        """The 15:00 rule for "trong ngày" procedures (cf. Decree 61/2018 art. 18).

        Received on a working day before the cutoff → closing time that day; at or after the
        cutoff, or on a non-working day → closing time of the next working day.
        """
        moment = _to_vn(received_at)
        day = moment.date()
        if not (self.is_working_day(day) and moment.time() < self.same_day_cutoff):
            day = self.next_working_day(day)
        return self._at(day, self.office_hours.closing)

    def _sessions_from(self, moment: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Office sessions ending at or after `moment`, clipped to start no earlier than it."""
        day = moment.date()
        if not self.is_working_day(day):
            day = self.next_working_day(day)
        while True:
            for start, end in self.office_hours.sessions:
                begin, finish = self._at(day, start), self._at(day, end)
                if finish >= moment:
                    yield max(begin, moment), finish
            day = self.next_working_day(day)

    @staticmethod
    def _at(day: date, clock: time) -> datetime:
        return datetime.combine(day, clock, tzinfo=VN_TZ)


def extension_deadline(due_at: datetime) -> datetime:
    """The last instant to apologise and set a new date (Decree 61/2018 art. 19 cl. 9:
    "chậm nhất 01 ngày trước ngày hết hạn"): the end of the calendar day before the due day."""
    due_day = _to_vn(due_at).date()
    return datetime.combine(due_day, time.min, tzinfo=VN_TZ) - timedelta(microseconds=1)


def override_errors(
    year: int, days_off: Iterable[date], working_days: Iterable[date]
) -> list[FieldError]:
    """What is wrong with a year's published overrides: every date in `year`, each listed once,
    a make-up working day on a weekend and an extra day off on a weekday (a weekend day is off
    anyway, and a weekday is worked anyway)."""
    errors: list[FieldError] = []
    days_off, working_days = list(days_off), list(working_days)
    for name, days, wanted in (
        ("days_off", days_off, False),
        ("working_days", working_days, True),
    ):
        for index, day in enumerate(days):
            field_name = f"{name}[{index}].date"
            if day.year != year:
                errors.append(FieldError(field_name, f"Ngày không thuộc năm {year}"))
            elif (day.weekday() in _WEEKEND) is not wanted:
                message = (
                    "Ngày làm bù phải là thứ Bảy hoặc Chủ nhật"
                    if wanted
                    else "Ngày nghỉ thêm phải là ngày từ thứ Hai đến thứ Sáu"
                )
                errors.append(FieldError(field_name, message))
            elif days.index(day) != index:
                errors.append(FieldError(field_name, "Ngày bị lặp lại"))
    return errors
