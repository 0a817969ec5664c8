"""Build the WorkingCalendar: Labour Code holidays plus the yearly Government overrides.

The public holidays of Labour Code 2019 art. 112 (and some swaps) come from
chalicelib/data/holidays-vn.json, written from the `holidays` package by infra/holidays.py (only
Vietnam's data travels with the portal), but not the days off and make-up Saturdays the
Government announces each year; those live in chalicelib/data/calendar/<year>.json (schema:
schemas/data/calendar.schema.json). A year file may also list package holidays that are not
legal days off (`holidays_not_observed`, e.g. 24/11 before the Labour Code makes it one). An
administrator may publish a year's overrides without a deploy (services/catalog/calendar_admin.py):
a published year replaces that year's file lists.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from types import MappingProxyType

from chalicelib.domain.calendar import OfficeHours, WorkingCalendar

DATA_DIR = Path(__file__).resolve().parents[2] / "data" / "calendar"
HOLIDAYS_FILE = DATA_DIR.parent / "holidays-vn.json"
DEFAULT_OFFICE_HOURS = "07:00-11:30,13:30-17:00"
# Public holidays are generated one year beyond the override files on each side, so deadlines
# that run into the next year (or pauses that reach back) still skip the statutory holidays.
YEAR_MARGIN = 1

Dated = tuple[tuple[date, str], ...]


class CalendarDataError(ValueError):
    """An override file is inconsistent (wrong year, duplicate or conflicting dates)."""


@dataclass(frozen=True)
class YearOverrides:
    """One year's announced days off, make-up working days and ignored package holidays,
    each as sorted (date, reason) pairs (hashable, so calendars can be cached on them)."""

    year: int
    days_off_named: Dated
    working_days_named: Dated
    not_observed_named: Dated = ()

    @property
    def days_off(self) -> frozenset[date]:
        return frozenset(day for day, _ in self.days_off_named)

    @property
    def working_days(self) -> frozenset[date]:
        return frozenset(day for day, _ in self.working_days_named)

    @property
    def not_observed(self) -> frozenset[date]:
        return frozenset(day for day, _ in self.not_observed_named)

    @classmethod
    def from_document(cls, document: Mapping, origin: str = "") -> YearOverrides:
        """Parse the {year, days_off, working_days, holidays_not_observed?} shape."""
        year = int(document["year"])
        lists = [
            _dated(document.get(key, []), year, origin)
            for key in ("days_off", "working_days", "holidays_not_observed")
        ]
        days_off, working_days, not_observed = lists
        if {d for d, _ in days_off} & {d for d, _ in working_days}:
            raise CalendarDataError(f"{origin}: dates both off and working")
        return cls(year, days_off, working_days, not_observed)

    def to_document(self) -> dict:
        def entries(items: Dated) -> list[dict]:
            return [{"date": day.isoformat(), "reason": reason} for day, reason in items]

        return {
            "year": self.year,
            "days_off": entries(self.days_off_named),
            "working_days": entries(self.working_days_named),
            "holidays_not_observed": entries(self.not_observed_named),
        }


@dataclass(frozen=True)
class CalendarData:
    """Every named non-working and make-up day the portal uses, before office hours apply."""

    holidays: Mapping[date, str]
    days_off: Mapping[date, str]
    working_days: Mapping[date, str]
    years: range

    def calendar(self, office_hours: OfficeHours) -> WorkingCalendar:
        return WorkingCalendar(
            holidays=self.holidays.keys(),
            days_off=self.days_off.keys(),
            working_days=self.working_days.keys(),
            office_hours=office_hours,
        )


def read_overrides(data_dir: Path = DATA_DIR) -> tuple[YearOverrides, ...]:
    """Parse every <year>.json in `data_dir`, oldest year first."""
    overrides = tuple(_read_year(path) for path in sorted(data_dir.glob("*.json")))
    if not overrides:
        raise CalendarDataError(f"no calendar override files in {data_dir}")
    return overrides


def covered_years(overrides: Iterable[YearOverrides]) -> range:
    years = [item.year for item in overrides]
    return range(min(years) - YEAR_MARGIN, max(years) + YEAR_MARGIN + 1)


def public_holidays(years: Iterable[int]) -> dict[date, str]:
    """Labour Code holidays of `years` with their (Vietnamese) names."""
    document = json.loads(HOLIDAYS_FILE.read_text(encoding="utf-8"))
    wanted = set(years)
    if not wanted <= set(range(document["first_year"], document["last_year"] + 1)):
        raise CalendarDataError(f"{HOLIDAYS_FILE.name} lacks a year of {sorted(wanted)}")
    days = ((date.fromisoformat(day), name) for day, name in document["holidays"].items())
    return {day: name for day, name in days if day.year in wanted}


@cache
def calendar_data(published: tuple[YearOverrides, ...] = ()) -> CalendarData:
    """Files, then published years on top (a published year replaces that year's file)."""
    by_year = {item.year: item for item in read_overrides()}
    by_year.update({item.year: item for item in published})
    overrides = tuple(by_year[year] for year in sorted(by_year))
    years = covered_years(overrides)
    not_observed = frozenset().union(*(item.not_observed for item in overrides))
    holidays = {
        day: name for day, name in public_holidays(years).items() if day not in not_observed
    }
    return CalendarData(
        holidays=MappingProxyType(holidays),
        days_off=MappingProxyType({d: r for item in overrides for d, r in item.days_off_named}),
        working_days=MappingProxyType(
            {d: r for item in overrides for d, r in item.working_days_named}
        ),
        years=years,
    )


@cache
def build_calendar(
    office_hours: str = DEFAULT_OFFICE_HOURS, published: tuple[YearOverrides, ...] = ()
) -> WorkingCalendar:
    """One calendar per (office hours, published overrides), built once per process."""
    return calendar_data(published).calendar(OfficeHours.from_string(office_hours))


def load_calendar(office_hours: str = DEFAULT_OFFICE_HOURS) -> WorkingCalendar:
    """The calendar from the data files alone (no published overrides)."""
    return build_calendar(office_hours)


def _read_year(path: Path) -> YearOverrides:
    document = json.loads(path.read_text(encoding="utf-8"))
    if path.stem != str(document["year"]):
        raise CalendarDataError(f"{path.name} declares year {document['year']}")
    return YearOverrides.from_document(document, path.name)


def _dated(entries: Iterable[Mapping], year: int, origin: str) -> Dated:
    items = [(date.fromisoformat(entry["date"]), str(entry["reason"])) for entry in entries]
    if any(day.year != year for day, _ in items):
        raise CalendarDataError(f"{origin}: a date lies outside {year}")
    if len({day for day, _ in items}) != len(items):
        raise CalendarDataError(f"{origin}: a date is listed twice")
    return tuple(sorted(items))
