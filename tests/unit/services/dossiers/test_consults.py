"""The consult deadline watch: a consulted agency is reminded once per level and due time; a
request already flagged, or changed meanwhile, is left alone."""

from datetime import timedelta

import pytest

from chalicelib.persistence.dossier_store import WatchedConsult
from chalicelib.services.dossiers import consults
from tests import builders

NOW = builders.MONDAY  # Monday 9:00


@pytest.fixture
def watch(monkeypatch):
    """The requests the index returns (`found`), the flags raised and the events published."""

    class Watch:
        found: list = []
        flagged: list = []
        published: list = []
        lose_race = False

    def flag_consult(watched, marker, events):
        Watch.flagged.append((watched.code, marker))
        if not Watch.lose_race:
            Watch.published.extend(events)  # committed with the flag: the stream relays them
        return not Watch.lose_race

    monkeypatch.setattr(consults.deadlines, "calendar", lambda agency=None: builders.CALENDAR)
    monkeypatch.setattr(consults.dossier_store, "consults_due_until", lambda h: Watch.found)
    monkeypatch.setattr(consults.dossier_store, "flag_consult", flag_consult)
    return Watch


def test_due_soon_and_overdue_requests_each_get_one_event(watch):
    soon, late = NOW + timedelta(days=1), NOW - timedelta(hours=1)
    watch.found = [
        WatchedConsult("D-1", "so-tp", soon, None),
        WatchedConsult("D-2", "so-tc", late, None),
    ]

    assert consults.remind(NOW) == {"consult_due_soon": 1, "consult_overdue": 1}
    assert [(e.type, e.dossier_code, e.data["to_agency"]) for e in watch.published] == [
        ("dossier.consult_due_soon", "D-1", "so-tp"),
        ("dossier.consult_overdue", "D-2", "so-tc"),
    ]
    assert watch.flagged[0] == ("D-1", f"consult_due_soon@{soon.isoformat()}")


def test_a_request_flagged_for_this_level_and_due_time_is_not_reminded_again(watch):
    due = NOW + timedelta(days=1)
    watch.found = [WatchedConsult("D-1", "so-tp", due, f"consult_due_soon@{due.isoformat()}")]

    assert consults.remind(NOW) == {"consult_due_soon": 0, "consult_overdue": 0}
    assert watch.flagged == [] and watch.published == []


def test_a_request_that_changed_meanwhile_publishes_nothing(watch):
    watch.found = [WatchedConsult("D-1", "so-tp", NOW - timedelta(hours=1), None)]
    watch.lose_race = True

    assert consults.remind(NOW)["consult_overdue"] == 0
    assert watch.published == []


def test_the_same_request_and_marker_always_make_the_same_event_id(watch):
    watch.found = [WatchedConsult("D-1", "so-tp", NOW - timedelta(hours=1), None)]

    consults.remind(NOW)
    consults.remind(NOW)

    assert watch.published[0].id == watch.published[1].id
