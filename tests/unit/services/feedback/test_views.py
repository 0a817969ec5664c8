"""What each audience is shown of a feedback: the public sees a published answer, the sender's
own words only if they agreed, never who sent it or their files; the sender sees their own."""

from types import SimpleNamespace

import pytest

from chalicelib.domain.feedback import Status
from chalicelib.services.feedback import views
from tests import builders

ANSWER = {"text": "Đã thay bóng đèn.", "answered_at": "2026-03-05T10:00:00+07:00",
          "agency_id": "ubnd-phuong-kinh-bac"}  # fmt: skip
FILES = [{"url": "https://anh.test/1.jpg"}, {"filename": "don.pdf", "key": "files/secret"}]


@pytest.fixture(autouse=True)
def agencies(monkeypatch):
    known = {"ubnd-phuong-kinh-bac": SimpleNamespace(name="UBND phường Kinh Bắc")}
    catalog = SimpleNamespace(agency=known.get)
    monkeypatch.setattr(views.catalog_service, "get_catalog", lambda: catalog)


def published(**changes):
    return builders.feedback(status=Status.PUBLISHED, answer=ANSWER, attachments=FILES, **changes)


def test_a_published_feedback_shows_the_answer_and_no_sender():
    view = views.public_view(published())

    assert view["answer"]["text"] == "Đã thay bóng đèn."
    assert view["answer"]["agency"]["name"] == "UBND phường Kinh Bắc"
    assert view["content"] == "Đèn đường ở ngõ 12 hỏng đã một tuần."
    assert "0912345678" not in str(view) and "Nguyễn Văn An" not in str(view)
    assert "files/secret" not in str(view)


def test_without_the_senders_consent_only_the_answer_is_public():
    view = views.public_view(published(public=False))

    assert view["content"] == views.WITHHELD
    assert view["title"] == builders.feedback().category.label
    assert view["location"] is None and view["anonymised"] is True


def test_the_sender_sees_their_own_with_the_public_steps_and_no_storage_keys():
    history = [{"at": "t", "action": "answer", "status_to": "answered", "public_note": "Đã xử lý",
                "actor_id": "specialist-1"}]  # fmt: skip

    view = views.sender_view(builders.feedback(attachments=FILES), history)

    assert view["sender"]["phone"] == "0912345678"
    (step,) = view["history"]
    assert step == {"at": "t", "action": "answer", "label": "Trả lời phản ánh, kiến nghị",
                    "status": "answered", "note": "Đã xử lý"}  # fmt: skip
    assert [a.get("key") for a in view["attachments"]] == [None, None]


def test_a_sender_rates_an_answer_once():
    answered = builders.feedback(status=Status.ANSWERED, answer=ANSWER)

    assert views.sender_view(answered, [])["can_rate"] is True
    assert views.sender_view(builders.feedback(), [])["can_rate"] is False
    rated = builders.feedback(status=Status.ANSWERED, answer=ANSWER, rating={"satisfied": True})
    assert views.sender_view(rated, [])["can_rate"] is False
