"""The dossiers' deadline watch: one event per level and due time, carrying the last day to
extend (Decree 61/2018 art. 19 cl. 9); a dossier flagged already or changed meanwhile is skipped."""

from datetime import timedelta

import pytest

from chalicelib.domain.calendar import extension_deadline
from chalicelib.domain.dossier import Status
from chalicelib.persistence.dossier_store import Watched
from chalicelib.services.dossiers import overdue
from tests import builders

NOW = builders.MONDAY


@pytest.fixture
def watch(monkeypatch):
    class Watch:
        found: list = []
        dossiers: dict = {}
        published: list = []
        lose_race = False

    monkeypatch.setattr(overdue.deadlines, "calendar", lambda agency=None: builders.CALENDAR)
    monkeypatch.setattr(overdue.dossier_store, "due_until", lambda horizon: Watch.found)
    monkeypatch.setattr(overdue.dossier_store, "get", lambda code: Watch.dossiers.get(code))

    def flag_deadline(d, marker, events):
        if Watch.lose_race:
            return False
        Watch.published.extend(events)  # committed with the flag: the stream relays them
        return True

    monkeypatch.setattr(overdue.dossier_store, "flag_deadline", flag_deadline)
    return Watch


def accepted(code: str, due):
    return builders.dossier(code=code, status=Status.IN_PROGRESS, accepted_at=NOW, due_at=due)


def test_an_accepted_dossier_due_tomorrow_is_due_soon_with_its_last_day_to_extend(watch):
    due = NOW + timedelta(days=1)
    watch.found = [Watched("D-1", due, None)]
    watch.dossiers = {"D-1": accepted("D-1", due)}

    assert overdue.flag(NOW) == {"due_soon": 1, "overdue": 0}
    (event,) = watch.published
    assert event.type == "dossier.due_soon"
    assert event.data["extend_by"] == extension_deadline(due).isoformat()


def test_a_dossier_not_yet_accepted_runs_late_on_its_acknowledgement(watch):
    late = builders.dossier(code="D-2", acknowledge_by=NOW - timedelta(hours=2))
    watch.found = [Watched("D-2", late.acknowledge_by, None)]
    watch.dossiers = {"D-2": late}

    assert overdue.flag(NOW) == {"due_soon": 0, "overdue": 1}
    assert watch.published[0].data["extend_by"] is None


def test_flagged_gone_or_changed_dossiers_publish_nothing(watch):
    due = NOW - timedelta(hours=1)
    watch.found = [
        Watched("D-1", due, f"overdue@{due.isoformat()}"),  # flagged at this level already
        Watched("D-3", due, None),  # deleted since
        Watched("D-4", due, None),  # changed meanwhile
    ]
    watch.dossiers = {"D-4": accepted("D-4", due)}
    watch.lose_race = True

    assert overdue.flag(NOW) == {"due_soon": 0, "overdue": 0}
    assert watch.published == []
