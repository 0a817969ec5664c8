"""Calendar override files: valid against their schema, loaded on top of the holidays package."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from chalicelib.domain.calendar import VN_TZ
from chalicelib.services.catalog.calendar_source import (
    DATA_DIR,
    CalendarDataError,
    covered_years,
    load_calendar,
    read_overrides,
)

REPO_ROOT = Path(__file__).resolve().parents[4]
SCHEMA_PATH = REPO_ROOT / "schemas" / "data" / "calendar.schema.json"
DATA_FILES = sorted(DATA_DIR.glob("*.json"))


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


class TestDataFiles:
    def test_there_is_a_file_for_each_year_2025_to_2027(self):
        assert [path.stem for path in DATA_FILES] == ["2025", "2026", "2027"]

    @pytest.mark.parametrize("path", DATA_FILES, ids=lambda path: path.name)
    def test_file_validates_against_the_schema(self, validator, path):
        document = json.loads(path.read_text(encoding="utf-8"))
        assert list(validator.iter_errors(document)) == []

    def test_schema_examples_validate(self, validator):
        for example in validator.schema["examples"]:
            validator.validate(example)

    @pytest.mark.parametrize(
        "change",
        [
            {"extra": 1},
            {"days_off": [{"date": "2026-02-30", "reason": "x"}]},
            {"days_off": [{"date": "16/02/2026", "reason": "x"}]},
            {"working_days": [{"date": "2026-08-22"}]},
            {"source": ""},
        ],
    )
    def test_schema_is_strict(self, validator, change):
        document = {"year": 2026, "days_off": [], "working_days": [], "source": "x"}
        assert validator.is_valid(document)
        assert not validator.is_valid(document | change)

    def test_files_are_consistent(self):
        assert [item.year for item in read_overrides()] == [2025, 2026, 2027]


class TestReadOverrides:
    def write(self, folder: Path, name: str, **fields) -> None:
        document = {"year": 2026, "days_off": [], "working_days": [], "source": "test"} | fields
        (folder / name).write_text(json.dumps(document), encoding="utf-8")

    def test_rejects_a_file_named_after_another_year(self, tmp_path):
        self.write(tmp_path, "2025.json")
        with pytest.raises(CalendarDataError):
            read_overrides(tmp_path)

    def test_rejects_a_date_outside_the_year(self, tmp_path):
        self.write(tmp_path, "2026.json", days_off=[{"date": "2027-01-01", "reason": "x"}])
        with pytest.raises(CalendarDataError):
            read_overrides(tmp_path)

    def test_rejects_a_date_both_off_and_working(self, tmp_path):
        entry = [{"date": "2026-08-22", "reason": "x"}]
        self.write(tmp_path, "2026.json", days_off=entry, working_days=entry)
        with pytest.raises(CalendarDataError):
            read_overrides(tmp_path)

    def test_rejects_an_empty_folder(self, tmp_path):
        with pytest.raises(CalendarDataError):
            read_overrides(tmp_path)

    def test_years_are_covered_with_one_year_margin(self):
        assert covered_years(read_overrides()) == range(2024, 2029)


class TestLoadCalendar:
    @pytest.mark.parametrize(
        ("day", "working"),
        [
            (date(2026, 2, 16), False),  # Tết, from the holidays package
            (date(2026, 2, 14), False),  # announced Tết break
            (date(2026, 2, 23), True),
            (date(2026, 4, 27), False),  # observed Hùng Kings day
            (date(2026, 8, 22), True),  # make-up Saturday, from the override file
            (date(2026, 8, 31), False),
            (date(2026, 9, 1), False),
            (date(2025, 4, 26), True),  # make-up Saturday 2025
            (date(2025, 5, 2), False),
            (date(2024, 9, 2), False),  # margin year before the data
            (date(2028, 1, 26), False),  # margin year after the data (Tết 2028)
        ],
    )
    def test_working_days(self, day, working):
        assert load_calendar().is_working_day(day) is working

    def test_is_built_once_per_process(self):
        assert load_calendar() is load_calendar()

    def test_uses_the_configured_office_hours(self):
        calendar = load_calendar("08:00-12:00,13:00-17:00")
        assert calendar.office_hours.hours_per_day == 8.0
        assert calendar.office_hours.opening.hour == 8

    def test_dossier_accepted_before_tet_is_due_after_it(self):
        accepted = datetime(2026, 2, 13, 9, 0, tzinfo=VN_TZ)
        due = load_calendar().due_at(accepted, 3, "working_days")
        assert due == datetime(2026, 2, 25, 9, 0, tzinfo=VN_TZ)


def test_the_shipped_holidays_are_those_of_the_holidays_package():
    """Regenerate with `python -m infra.holidays` after upgrading `holidays`."""
    from chalicelib.services.catalog.calendar_source import HOLIDAYS_FILE
    from infra.holidays import compute

    shipped = json.loads(HOLIDAYS_FILE.read_text(encoding="utf-8"))
    computed = compute(shipped["first_year"], shipped["last_year"])
    assert shipped["holidays"] == computed["holidays"]
    assert shipped["first_year"] <= min(covered_years(read_overrides()))
    assert max(covered_years(read_overrides())) <= shipped["last_year"]
