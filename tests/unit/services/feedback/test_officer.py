"""Officers handle their own agency's feedback: anyone else's is a 404 as if it did not exist;
the list is one index Query per page, open feedback together and each closed status apart."""

from types import SimpleNamespace

import pytest

from chalicelib.domain.errors import NotFound
from chalicelib.domain.feedback import Status
from chalicelib.domain.principal import Principal
from chalicelib.services.feedback import officer
from tests import builders

MINE = Principal("specialist-1", "specialist", "ubnd-phuong-kinh-bac")
ELSEWHERE = Principal("specialist-9", "specialist", "ubnd-khac")
CITIZEN = Principal("citizen-1", "citizen", "ubnd-phuong-kinh-bac")


@pytest.fixture
def stored(monkeypatch):
    one = builders.feedback()
    asked = []

    def agency_page(agency, bucket, status, size, start):
        asked.append((agency, bucket, status, size, start))
        return [one], {"sk": "next"}

    monkeypatch.setattr(officer.feedback_store, "get", {one.id: one}.get)
    monkeypatch.setattr(officer.feedback_store, "agency_page", agency_page)
    monkeypatch.setattr(officer.views, "officer_summary", lambda f, now: {"id": f.id})
    return SimpleNamespace(one=one, asked=asked)


def test_only_an_officer_of_the_handling_agency_finds_it(stored):
    assert officer.load_for(stored.one.id, MINE) is stored.one
    for who, feedback_id in [(ELSEWHERE, stored.one.id), (CITIZEN, stored.one.id), (MINE, "x")]:
        with pytest.raises(NotFound):
            officer.load_for(feedback_id, who)


@pytest.mark.parametrize(
    ("status", "bucket", "filtered"),
    [(None, "open", None), ("assigned", "open", Status.ASSIGNED),
     ("published", "published", None), ("closed", "closed", None)],
)  # fmt: skip
def test_open_feedback_is_one_list_and_each_closed_status_its_own(stored, status, bucket, filtered):
    params = {"status": status} if status else {}

    found = officer.listing(MINE, params, builders.MONDAY)

    assert stored.asked == [("ubnd-phuong-kinh-bac", bucket, filtered, 20, None)]
    assert found["items"] == [{"id": stored.one.id}] and found["next_page_token"]


def test_the_next_page_token_continues_the_same_list(stored):
    token = officer.listing(MINE, {}, builders.MONDAY)["next_page_token"]

    officer.listing(MINE, {"page_token": token, "page_size": 5}, builders.MONDAY)

    assert stored.asked[1][3:] == (5, {"sk": "next"})
