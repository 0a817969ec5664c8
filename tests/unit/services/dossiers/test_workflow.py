"""Officers move the dossiers their agency holds: a former holder reads only (403
TRANSFERRED_READ_ONLY), anyone else finds nothing (404); a consulted agency only answers; an
action on an older version is a conflict; approving signs the result before the decision
commits; asynchronous updates apply once; a result is attached only while the dossier is being
decided."""

from types import SimpleNamespace

import pytest

from chalicelib.domain.dossier import Status
from chalicelib.domain.errors import Conflict, InvalidTransition, NotFound, TransferredReadOnly
from chalicelib.domain.principal import Principal
from chalicelib.services.dossiers import workflow as service
from tests.builders import CALENDAR, MONDAY, make_dossier

HOLDER = "ubnd-a"
RECEPTIONIST = Principal("receptionist-1", "receptionist", HOLDER)
LEADER = Principal("leader-1", "leader", HOLDER)
FORMER = Principal("leader-9", "leader", "ubnd-receiving")


@pytest.fixture
def stored(monkeypatch):
    """The stored dossiers and what was saved (and with what)."""
    state = SimpleNamespace(dossiers={}, saved=[])

    def save(dossier, expected, also=()):
        state.saved.append((dossier.code, expected, list(also)))
        dossier.version = expected + 1
        return [f"event of {dossier.code}"]

    monkeypatch.setattr(service.dossier_store, "get", state.dossiers.get)
    monkeypatch.setattr(service.dossier_store, "save", save)
    monkeypatch.setattr(service.deadlines, "calendar", lambda agency: CALENDAR)
    monkeypatch.setattr(service.issuing, "staging", lambda *new: [n for n in new if n])
    monkeypatch.setattr(service.wallet, "accepted_attachments", lambda d, now: ["wallet copy"])
    monkeypatch.setattr(service, "officer_view", lambda d, p, now: {"code": d.code})
    return state


def held(state, status=Status.SUBMITTED, **extra):
    dossier = make_dossier(status)
    dossier.agency_id = HOLDER
    dossier.extra.update({"receiving_agency_id": "ubnd-receiving", **extra})
    state.dossiers[dossier.code] = dossier
    return dossier


def test_the_holder_decides_a_former_holder_reads_anyone_else_finds_nothing(stored):
    dossier = held(stored)

    assert service.load_to_decide(dossier.code, RECEPTIONIST) is dossier
    assert service.load_for(dossier.code, FORMER) is dossier
    with pytest.raises(TransferredReadOnly):
        service.load_to_decide(dossier.code, FORMER)
    for stranger in (Principal("x", "leader", "ubnd-b"), Principal(HOLDER, "citizen")):
        with pytest.raises(NotFound):
            service.load_for(dossier.code, stranger)
    with pytest.raises(NotFound):
        service.load_for("000.00.01.H06-260302-9999", RECEPTIONIST)


def test_a_former_holder_cannot_act(stored):
    dossier = held(stored)

    with pytest.raises(TransferredReadOnly):
        service.act(dossier.code, FORMER, {"action": "accept", "version": 0}, MONDAY)
    assert stored.saved == []


def test_an_action_on_an_older_version_is_a_conflict(stored):
    dossier = held(stored)
    dossier.version = 3

    with pytest.raises(Conflict):
        service.act(dossier.code, RECEPTIONIST, {"action": "accept", "version": 2}, MONDAY)
    assert stored.saved == []


def test_accepting_saves_the_change_with_the_wallet_copies_and_publishes(stored):
    dossier = held(stored)

    answer = service.act(dossier.code, RECEPTIONIST, {"action": "accept", "version": 0,
                                                      "note": "Đủ", "junk": 1}, MONDAY)  # fmt: skip

    assert answer == {"code": dossier.code}
    assert dossier.status is Status.ACCEPTED
    assert stored.saved == [(dossier.code, 0, ["wallet copy"])]
    assert dossier.version == 1


def test_approving_signs_the_result_before_the_decision(stored, monkeypatch):
    dossier = held(stored, Status.IN_PROGRESS)

    def sign_result(d, now):
        assert d.status is Status.IN_PROGRESS  # not yet decided
        return "signed result"

    monkeypatch.setattr(service.issuing, "sign_result", sign_result)

    service.act(dossier.code, LEADER, {"action": "approve", "version": 0}, MONDAY)

    assert dossier.status is Status.RESULT_READY
    assert stored.saved == [(dossier.code, 0, ["signed result"])]


def test_a_step_not_allowed_signs_nothing_and_changes_nothing(stored, monkeypatch):
    dossier = held(stored, Status.SUBMITTED)
    monkeypatch.setattr(service.issuing, "sign_result", lambda d, now: pytest.fail("signed"))

    with pytest.raises(InvalidTransition):
        service.act(dossier.code, LEADER, {"action": "approve", "version": 0}, MONDAY)
    assert stored.saved == []


def test_a_system_update_applies_once(stored):
    dossier = held(stored, Status.AWAITING_PAYMENT, payments=[{"payment_id": "p-1"}])

    assert not service.apply_system("000.00.01.H06-260302-9999", "confirm_payment", {}, MONDAY)
    assert not service.apply_system(dossier.code, "confirm_payment", {"payment_id": "p-1"},
                                    MONDAY)  # fmt: skip
    assert stored.saved == []
    assert service.apply_system(dossier.code, "confirm_payment", {"payment_id": "p-2"}, MONDAY)
    assert dossier.status is Status.IN_PROGRESS and len(stored.saved) == 1
    assert not service.apply_system(dossier.code, "confirm_payment", {"payment_id": "p-3"},
                                    MONDAY)  # past that state: ignored  # fmt: skip
    assert len(stored.saved) == 1


@pytest.fixture
def results_bucket(monkeypatch):
    posts = []

    def presigned_post(bucket, key, content_type, size, seconds):
        posts.append((bucket, key, content_type, size, seconds))
        return {"url": "https://s3.example/results", "fields": {"key": key}}

    monkeypatch.setattr(service.storage, "presigned_post", presigned_post)
    monkeypatch.setattr(service, "get_settings",
                        lambda: SimpleNamespace(bucket_results="results"))  # fmt: skip
    return posts


BODY = {"filename": "Quyết định số 1.pdf", "content_type": "application/pdf", "size_bytes": 900}


def test_a_result_is_attached_while_the_dossier_is_decided(stored, results_bucket):
    dossier = held(stored, Status.IN_PROGRESS)

    answer = service.attach_result(dossier.code, LEADER, BODY, MONDAY)

    key = answer["key"]
    assert key.startswith(f"results/{dossier.code}/20260302090000/")
    assert results_bucket == [("results", key, "application/pdf", 900, 900)]
    assert dossier.extra["result_document"]["attached_by"] == "leader-1"
    assert answer["expires_at"] == "2026-03-02T09:15:00+07:00" and answer["version"] == 1


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.RESULT_READY, Status.RETURNED])
def test_no_result_is_attached_before_acceptance_or_after_the_decision(
    stored, results_bucket, status
):
    dossier = held(stored, status)

    with pytest.raises(InvalidTransition):
        service.attach_result(dossier.code, LEADER, BODY, MONDAY)
    assert results_bucket == [] and stored.saved == []


def test_a_summary_is_overdue_only_while_open_and_past_due():
    def summary(status, due):
        dossier = SimpleNamespace(
            code="c", status=status, version=1, procedure_code="p", procedure_name="n",
            applicant_name="A", submitted_at=MONDAY, acknowledge_by=MONDAY, due_at=due,
            assignee=None, requested={"type": "consult", "agency": "so-tp"},
        )  # fmt: skip
        return service.summary(dossier, MONDAY.replace(hour=10))

    assert summary(Status.IN_PROGRESS, None)["overdue"]
    assert not summary(Status.IN_PROGRESS, MONDAY.replace(hour=11))["overdue"]
    assert not summary(Status.RETURNED, None)["overdue"]
    assert summary(Status.IN_PROGRESS, None)["consult"]["agency"] == "so-tp"
