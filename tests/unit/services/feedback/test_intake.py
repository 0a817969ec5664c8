"""Feedback intake and reads: an id short enough to read out, the receiving agency from the
procedure when none is named, and who may read a feedback (its sender in full, anyone else a
published answer, otherwise the same 404)."""

import re
from types import SimpleNamespace

import pytest

from chalicelib.domain.dossier import normalize_phone
from chalicelib.domain.errors import NotFound, ValidationFailed
from chalicelib.domain.feedback import Status
from chalicelib.domain.principal import Principal
from chalicelib.services.feedback import intake
from tests import builders

SENDER = Principal("citizen-1", "citizen")


def test_an_id_is_the_day_and_five_unambiguous_characters():
    found = intake.new_id(builders.MONDAY)

    assert re.fullmatch(r"PAKN-260302-[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{5}", found)


@pytest.fixture
def catalog(monkeypatch):
    agencies = {"ubnd-a": SimpleNamespace(id="ubnd-a")}
    offerings = {"3.000333": (SimpleNamespace(agency=SimpleNamespace(id="cong-an-tinh")),)}
    found = SimpleNamespace(
        agency=lambda ref: agencies.get(ref or ""),
        procedure={c: SimpleNamespace(code=c) for c in ("3.000333", "1.001193")}.get,
        offerings=lambda code: offerings.get(code, ()),
    )
    monkeypatch.setattr(intake.catalog_service, "get_catalog", lambda: found)


def test_the_receiving_agency_is_named_or_found_from_the_procedure(catalog):
    named = intake._intake({"agency": "ubnd-a"}, SENDER, "web")
    by_procedure = intake._intake({"procedure_code": "3.000333"}, None, "web")
    otherwise = intake._intake({"procedure_code": "1.001193"}, None, "open311")

    assert (named["agency"], named["owner"], named["channel"]) == ("ubnd-a", "citizen-1", "web")
    assert (by_procedure["agency"], by_procedure["owner"]) == ("cong-an-tinh", None)
    assert otherwise["agency"] == intake.DEFAULT_AGENCY


def test_an_unknown_agency_or_procedure_is_refused_together(catalog):
    with pytest.raises(ValidationFailed) as refused:
        intake._intake({"agency": "khong-co", "procedure_code": "9.999999"}, None, "web")

    assert [d.field for d in refused.value.details] == ["agency", "procedure_code"]


@pytest.fixture
def stored(monkeypatch):
    """Two feedback (one published), lookup attempts counted, the views reduced to their kind."""
    sent = builders.feedback(owner="citizen-1")
    answer = {"text": "x", "answered_at": "t", "agency_id": "a"}
    answered = builders.feedback(id="PAKN-260302-PUBL1", status=Status.PUBLISHED, answer=answer)
    attempts = []
    stored = {f.id: f for f in (sent, answered)}

    def wrong_phone(feedback_id, phone):  # stands for the staged check: surely not the sender's
        found = stored.get(feedback_id)
        return found is None or found.sender.get("phone") != normalize_phone(phone)

    def guess(kind, code, wrong, client):
        if wrong:
            attempts.append(kind)
        return not wrong

    monkeypatch.setattr(intake.feedback_store, "get", stored.get)
    monkeypatch.setattr(intake.feedback_store, "history", lambda feedback_id: [])
    monkeypatch.setattr(intake.feedback_store, "stage_wrong_phone", wrong_phone)
    monkeypatch.setattr(intake.throttle, "guess", guess)
    monkeypatch.setattr(intake.throttle, "take", lambda kind, *_: attempts.append(kind))
    monkeypatch.setattr(intake.views, "sender_view", lambda f, history: "sender view")
    monkeypatch.setattr(intake.views, "public_view", lambda f: "public view")
    return SimpleNamespace(sent=sent, answered=answered, attempts=attempts)


def test_the_sender_reads_in_full_by_account_or_phone(stored):
    assert intake.read(stored.sent.id, SENDER, None, "10.0.0.1") == "sender view"
    assert intake.read(stored.sent.id, None, "0912 345 678", "10.0.0.1") == "sender view"
    assert stored.attempts == []  # a right phone counts nothing


def test_anyone_else_reads_a_published_answer_or_nothing(stored):
    assert intake.read(stored.answered.id, None, None, "10.0.0.1") == "public view"
    assert intake.read(stored.answered.id, None, "0987654321", "10.0.0.1") == "public view"
    for feedback_id, phone in [(stored.sent.id, None), (stored.sent.id, "0987654321"), ("x", None)]:
        with pytest.raises(NotFound):
            intake.read(feedback_id, Principal("citizen-2", "citizen"), phone, "10.0.0.1")
    assert stored.attempts == ["feedback", "feedback"]  # the wrong phones
