"""Build the process-wide WorkingCalendar: Labour Code holidays plus yearly Government overrides.

The public holidays of Labour Code 2019 art. 112 (and some swaps) come from
chalicelib/data/holidays-vn.json, written from the `holidays` package by infra/holidays.py (only
Vietnam's data travels with the portal); the days off and make-up Saturdays the Government
announces each year live in chalicelib/data/calendar/<year>.json (schema:
schemas/data/calendar.schema.json).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from chalicelib.domain.calendar import OfficeHours, WorkingCalendar

DATA_DIR = Path(__file__).resolve().parents[2] / "data" / "calendar"
HOLIDAYS_FILE = DATA_DIR.parent / "holidays-vn.json"
DEFAULT_OFFICE_HOURS = "07:00-11:30,13:30-17:00"
# Public holidays are generated one year beyond the override files on each side, so deadlines
# that run into the next year (or pauses that reach back) still skip the statutory holidays.
YEAR_MARGIN = 1


class CalendarDataError(ValueError):
    """An override file is inconsistent (wrong year, duplicate or conflicting dates)."""


@dataclass(frozen=True)
class YearOverrides:
    year: int
    days_off: frozenset[date]
    working_days: frozenset[date]


def read_overrides(data_dir: Path = DATA_DIR) -> tuple[YearOverrides, ...]:
    """Parse every <year>.json in `data_dir`, oldest year first."""
    overrides = tuple(_read_year(path) for path in sorted(data_dir.glob("*.json")))
    if not overrides:
        raise CalendarDataError(f"no calendar override files in {data_dir}")
    return overrides


def covered_years(overrides: Iterable[YearOverrides]) -> range:
    years = [item.year for item in overrides]
    return range(min(years) - YEAR_MARGIN, max(years) + YEAR_MARGIN + 1)


def public_holidays(years: Iterable[int]) -> frozenset[date]:
    document = json.loads(HOLIDAYS_FILE.read_text(encoding="utf-8"))
    wanted = set(years)
    if not wanted <= set(range(document["first_year"], document["last_year"] + 1)):
        raise CalendarDataError(f"{HOLIDAYS_FILE.name} lacks a year of {sorted(wanted)}")
    days = (date.fromisoformat(day) for day in document["holidays"])
    return frozenset(day for day in days if day.year in wanted)


@cache
def load_calendar(office_hours: str = DEFAULT_OFFICE_HOURS) -> WorkingCalendar:
    """The calendar for the years in the data files ±1, built once per process and office hours."""
    overrides = read_overrides()
    return WorkingCalendar(
        holidays=public_holidays(covered_years(overrides)),
        days_off=frozenset().union(*(item.days_off for item in overrides)),
        working_days=frozenset().union(*(item.working_days for item in overrides)),
        office_hours=OfficeHours.from_string(office_hours),
    )


def _read_year(path: Path) -> YearOverrides:
    document = json.loads(path.read_text(encoding="utf-8"))
    year = document["year"]
    if path.stem != str(year):
        raise CalendarDataError(f"{path.name} declares year {year}")
    days_off = _dates(document["days_off"], year, path)
    working_days = _dates(document["working_days"], year, path)
    if days_off & working_days:
        raise CalendarDataError(f"{path.name}: dates both off and working")
    return YearOverrides(year, days_off, working_days)


def _dates(entries: list[dict], year: int, path: Path) -> frozenset[date]:
    days = [date.fromisoformat(entry["date"]) for entry in entries]
    if any(day.year != year for day in days):
        raise CalendarDataError(f"{path.name}: a date lies outside {year}")
    if len(set(days)) != len(days):
        raise CalendarDataError(f"{path.name}: a date is listed twice")
    return frozenset(days)
