"""Another provincial system asks the portal to tell an officer (or an agency) that a document
waits: one notification per calling system and document id; the same request again answers
the first one, another request under the same document id is a 409."""

from datetime import datetime
from types import SimpleNamespace

import pytest

from chalicelib.domain.calendar import VN_TZ
from chalicelib.domain.errors import Conflict, ServiceUnavailable
from chalicelib.domain.principal import Principal
from chalicelib.services.notifications import officer_requests

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=VN_TZ)
SYSTEM = Principal("qlvb", "service")
BODY = {"document_id": "VB-1", "title": "Công văn 12", "officer_id": "specialist-1"}


@pytest.fixture
def pipeline(monkeypatch):
    """Requests remembered per (caller, document) and the notifications asked for."""
    remembered, notified = {}, []

    def claim_document(caller, document_id, request_hash, notification_id, now):
        key = (caller, document_id)
        new = key not in remembered
        remembered.setdefault(key, SimpleNamespace(request_hash=request_hash))
        return remembered[key], new

    def notify(source, kind, planned, values, subject, dossier_code, now):
        notified.append((source, kind, [p.recipient for p in planned], values))
        return [SimpleNamespace(id=f"n-{len(notified)}", state="created")]

    monkeypatch.setattr(officer_requests.store, "claim_document", claim_document)
    monkeypatch.setattr(officer_requests.notifications, "notify", notify)
    monkeypatch.setattr(officer_requests.catalog_service, "agency_id", lambda a: f"id:{a}")
    return notified


def test_an_officer_is_told_in_the_inbox(pipeline):
    answer, replayed = officer_requests.request(SYSTEM, BODY, NOW)

    assert replayed is False
    assert answer == {"notification_id": "n-1", "document_id": "VB-1",
                      "recipient": "officer:specialist-1", "status": "created"}  # fmt: skip
    assert pipeline == [("document:qlvb:VB-1", "officer.document", ["officer:specialist-1"],
                         {"title": "Công văn 12", "link": ""})]  # fmt: skip


def test_an_agency_named_by_its_code_is_resolved_to_its_id(pipeline):
    body = {"document_id": "VB-2", "title": "Tờ trình", "agency": "000.00.51.H06"}

    answer, _ = officer_requests.request(SYSTEM, body, NOW)

    assert answer["recipient"] == "agency:id:000.00.51.H06"


def test_the_same_request_again_answers_as_a_replay(pipeline):
    officer_requests.request(SYSTEM, BODY, NOW)

    _, replayed = officer_requests.request(SYSTEM, BODY, NOW)

    assert replayed is True


def test_another_request_under_the_same_document_id_is_a_conflict(pipeline):
    officer_requests.request(SYSTEM, BODY, NOW)

    with pytest.raises(Conflict, match="document_id"):
        officer_requests.request(SYSTEM, {**BODY, "title": "Khác"}, NOW)


def test_a_job_the_queue_refused_is_a_503_to_retry(pipeline, monkeypatch):
    def refused(*args):
        raise officer_requests.notifications.NotQueued("sqs")

    monkeypatch.setattr(officer_requests.notifications, "notify", refused)

    with pytest.raises(ServiceUnavailable):
        officer_requests.request(SYSTEM, BODY, NOW)
