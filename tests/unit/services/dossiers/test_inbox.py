"""The agency inbox picks one index Query per page: open dossiers (a status, overdue or not)
from the inbox index, a closed status by month, the national sync failures on their own."""

from datetime import datetime

import pytest

from chalicelib.domain.calendar import VN_TZ
from chalicelib.domain.dossier import DossierSummary, Status
from chalicelib.domain.errors import ValidationFailed
from chalicelib.domain.principal import Principal
from chalicelib.services.dossiers import inbox
from tests import builders

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=VN_TZ)
OFFICER = Principal("specialist-1", "specialist", "ubnd-phuong-kinh-bac")


@pytest.fixture
def pages(monkeypatch):
    """The Queries asked of the stores, each answering one dossier and a next-page state."""
    asked = []
    one = DossierSummary.of(builders.dossier())

    def open_page(agency, size, start, **filters):
        asked.append(("open", agency, size, start, filters))
        return [one], {"sk": "next"}

    def closed_page(agency, status, month, size, start):
        asked.append(("closed", agency, status, month))
        return [one], None

    monkeypatch.setattr(inbox.dossier_store, "open_page", open_page)
    monkeypatch.setattr(inbox.dossier_store, "closed_page", closed_page)
    return asked


def test_the_open_inbox_is_one_query_with_a_token_for_the_next_page(pages):
    found = inbox.inbox(OFFICER, {"page_size": 5}, NOW)

    assert pages == [("open", "ubnd-phuong-kinh-bac", 5, None,
                      {"status": None, "due_before": None, "due_from": None})]  # fmt: skip
    assert [i["code"] for i in found["items"]] == ["000.00.51.H06-250303-0001"]

    inbox.inbox(OFFICER, {"page_size": 5, "page_token": found["next_page_token"]}, NOW)
    assert pages[1][3] == {"sk": "next"}


def test_overdue_or_not_splits_on_the_due_time(pages):
    inbox.inbox(OFFICER, {"overdue": True}, NOW)
    inbox.inbox(OFFICER, {"overdue": False, "status": "in_progress"}, NOW)

    assert pages[0][4] == {"status": None, "due_before": NOW, "due_from": None}
    assert pages[1][4] == {"status": Status.IN_PROGRESS, "due_before": None, "due_from": NOW}


def test_a_closed_status_lists_a_month_this_one_by_default(pages):
    inbox.inbox(OFFICER, {"status": "returned"}, NOW)
    inbox.inbox(OFFICER, {"status": "returned", "month": "2026-01"}, NOW)

    assert [p[3] for p in pages] == ["2026-03", "2026-01"]
    assert pages[0][:3] == ("closed", "ubnd-phuong-kinh-bac", Status.RETURNED)


def test_a_token_is_good_only_for_the_list_it_came_from(pages):
    token = inbox.inbox(OFFICER, {}, NOW)["next_page_token"]

    with pytest.raises(ValidationFailed):
        inbox.inbox(OFFICER, {"status": "accepted", "page_token": token}, NOW)


def test_sync_failures_do_not_combine_with_other_filters():
    with pytest.raises(ValidationFailed, match="đồng bộ quốc gia"):
        inbox.inbox(OFFICER, {"national_sync": "failed", "status": "accepted"}, NOW)
