"""Open311 over our feedback: every category a realtime service; a request shows only what the
sender agreed to once an officer published the answer; POST needs a valid api_key; a query by
ids is capped."""

from types import SimpleNamespace

import pytest

from chalicelib.domain.feedback import Category, Status
from chalicelib.services.feedback import open311
from chalicelib.services.feedback.open311_intake import Open311Error
from tests import builders

ANSWER = {"text": "Đã thay bóng đèn.", "answered_at": "2026-03-05T10:00:00+07:00",
          "agency_id": "ubnd-phuong-kinh-bac"}  # fmt: skip


@pytest.fixture(autouse=True)
def agencies(monkeypatch):
    known = {"ubnd-phuong-kinh-bac": SimpleNamespace(name="UBND phường Kinh Bắc")}
    catalog = SimpleNamespace(agency=known.get)
    monkeypatch.setattr(open311.feedback_views.catalog_service, "get_catalog", lambda: catalog)


def test_every_category_is_a_realtime_service_with_keywords():
    found = open311.services()

    assert [s["service_code"] for s in found] == [c.value for c in Category]
    assert {s["type"] for s in found} == {"realtime"} and all(s["keywords"] for s in found)


def test_an_open_request_shows_nothing_the_sender_wrote():
    item = open311.request_item(builders.feedback())

    assert item["status"] == "open" and item["status_notes"] == Status.RECEIVED.label
    assert item["description"] is None and item["address"] is None and item["media_url"] is None
    assert item["expected_datetime"] == builders.feedback().forward_by.isoformat()


def test_a_published_answer_shows_what_the_sender_agreed_to():
    shown = open311.request_item(builders.feedback(status=Status.PUBLISHED, answer=ANSWER))
    private = builders.feedback(status=Status.PUBLISHED, answer=ANSWER, public=False)

    assert shown["status"] == "closed" and shown["address"] == "Ngõ 12"
    assert shown["status_notes"].endswith("Trả lời: Đã thay bóng đèn.")
    assert open311.request_item(private)["description"] is None


def test_forwarded_requests_name_where_they_went():
    def forwarded(to):
        return builders.feedback(status=Status.FORWARDED, forwarded_to=to)

    inside = forwarded({"agency": "ubnd-phuong-kinh-bac"})
    outside = forwarded({"agency": "Công an tỉnh", "external": True})

    assert open311.status_notes(inside).endswith(": UBND phường Kinh Bắc")
    assert open311.status_notes(outside).endswith(": Công an tỉnh")
    assert open311.request_item(outside)["status"] == "closed"


def test_posting_needs_a_valid_api_key(monkeypatch):
    keys = SimpleNamespace(open311_api_keys=("key-1",))
    monkeypatch.setattr(open311.secrets, "app_secrets", lambda: keys)

    for key in (None, "", "key-2"):
        with pytest.raises(Open311Error) as refused:
            open311.create({"api_key": key, "service_code": "moi_truong"}, builders.MONDAY)
        assert refused.value.status == 403
    with pytest.raises(Open311Error) as unknown:
        open311.create({"api_key": "key-1", "service_code": "khong-co"}, builders.MONDAY)
    assert unknown.value.status == 404


def test_a_query_by_ids_is_capped():
    ids = ",".join(f"PAKN-{i}" for i in range(open311.MAX_IDS + 1))

    with pytest.raises(Open311Error, match=str(open311.MAX_IDS)):
        open311.query({"service_request_id": ids}, builders.MONDAY)
