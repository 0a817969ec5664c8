"""The calendar's upkeep and its public questions: published office hours per agency over the
default, the parameters of GET /v1/calendar/due, and who may change what."""

from datetime import timedelta
from types import SimpleNamespace

import pytest

from chalicelib.domain.errors import Forbidden, NotFound, ValidationFailed
from chalicelib.domain.principal import Principal
from chalicelib.services.catalog import calendar_admin as admin

AGENCIES = {
    "ubnd-tinh": SimpleNamespace(id="ubnd-tinh", id_code="000.00.00.H06", level="province"),
    "ubnd-a": SimpleNamespace(id="ubnd-a", id_code="000.00.51.H06", level="commune"),
}


@pytest.fixture(autouse=True)
def published(monkeypatch):
    """What the calendar store holds (key -> (data, version)) and a two-agency catalog."""
    items: dict = {}
    catalog = SimpleNamespace(agency=AGENCIES.get, agencies=AGENCIES)
    monkeypatch.setattr(admin.calendar_store, "load_all", lambda: items)
    monkeypatch.setattr(admin.catalog_service, "get_catalog", lambda: catalog)
    admin.invalidate()
    yield items
    admin.invalidate()


def test_an_agencys_published_hours_replace_the_default_ones(published):
    published[admin.calendar_store.hours_key("ubnd-a")] = ({"saturday": "07:30-11:30"}, 3)

    assert admin.agency_hours("ubnd-a")["saturday"] == "07:30-11:30"
    assert admin.agency_hours("ubnd-a")["weekdays"] == admin.agency_hours(None)["weekdays"]
    assert admin.agency_hours("ubnd-tinh")["saturday"] is None


def test_an_agency_is_named_by_its_id_or_its_official_code():
    assert admin.resolve_agency("000.00.51.H06") == "ubnd-a" == admin.resolve_agency("ubnd-a")
    assert admin.resolve_agency(None) is None
    with pytest.raises(NotFound):
        admin.resolve_agency("khong-co")


@pytest.mark.parametrize("text", ["26", "20266", "năm", "-202"])
def test_a_year_is_four_digits(text):
    with pytest.raises(ValidationFailed):
        admin.parse_year(text)


def test_the_start_must_be_an_instant_in_a_year_the_calendar_covers():
    start = admin.parse_start("2026-03-02T09:00:00+07:00")

    assert start.utcoffset() == timedelta(hours=7)
    with pytest.raises(ValidationFailed, match="không hợp lệ"):
        admin.parse_start("thứ hai")
    with pytest.raises(ValidationFailed, match="ngoài các năm"):
        admin.parse_start("1990-01-01T00:00:00Z")


def test_the_time_limit_of_a_due_date_question():
    assert admin.processing_time({"unit": "same_day"}) == {"value": 1, "unit": "working_days",
                                                           "same_day": True}  # fmt: skip
    assert admin.processing_time({"unit": "working_days", "amount": 3})["value"] == 3
    with pytest.raises(ValidationFailed, match="Thiếu"):
        admin.processing_time({"unit": "working_days"})
    with pytest.raises(ValidationFailed, match="số nguyên"):
        admin.processing_time({"unit": "days", "amount": 1.5})


def test_only_an_agencys_own_admin_reads_its_hours_and_only_the_province_publishes_days_off():
    with pytest.raises(Forbidden):
        admin.admin_office_hours("ubnd-a", Principal("admin-t", "admin", "ubnd-tinh"))
    own = admin.admin_office_hours("ubnd-a", Principal("admin-a", "admin", "ubnd-a"))
    assert (own["agency"], own["version"]) == ("ubnd-a", 0)

    with pytest.raises(Forbidden):
        admin._require_calendar_admin(Principal("admin-a", "admin", "ubnd-a"))
    admin._require_calendar_admin(Principal("admin-t", "admin", "ubnd-tinh"))  # no error
