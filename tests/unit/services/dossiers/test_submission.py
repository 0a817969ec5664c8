"""Submitting online: everything wrong is told at once; the dossier takes the receiving agency's
next daily number in the transaction that creates it (a lost race retries, the 10,000th
submission of a day is refused until midnight); what else fails in that transaction is explained
with its own error; the dossier keeps a snapshot of its procedure as its agency performs it."""

from types import SimpleNamespace

import pytest

from chalicelib.domain.errors import (
    Conflict,
    DailyLimitReached,
    ServiceUnavailable,
    ValidationFailed,
)
from chalicelib.persistence.store import Cancelled
from chalicelib.services.dossiers import submission
from tests.builders import MONDAY, dossier

AGENCY = SimpleNamespace(id="ubnd-a", id_code="000.00.01.H06", name="UBND phường A")
COMPONENTS = [SimpleNamespace(code="TP1", name="Tờ khai", needs_file=True),
              SimpleNamespace(code="TP2", name="Giấy tờ khác", needs_file=False)]  # fmt: skip
PROCEDURE = SimpleNamespace(
    code="1.001193", version=3, name="Đăng ký khai sinh", level=4, online_mode="full",
    components=COMPONENTS,
    data={"result": {"kind": "paper"}, "components": [{"code": "TP1"}],
          "internal_process": [{"step": "appraisal"}], "delivery_options": ["counter"]},
)  # fmt: skip
OFFERING = SimpleNamespace(
    procedure=PROCEDURE, agency=AGENCY, fees=[{"amount": 0}],
    processing_time={"value": 5, "unit": "working_days"},
)  # fmt: skip


def attachments(*codes) -> dict:
    return {"attachments": [{"component_code": c} for c in codes]}


def test_unknown_and_missing_components_are_named():
    body = attachments("TP2", "TP9")

    assert [p.field for p in submission.unknown_components(body, PROCEDURE)] == [
        "attachments[1].component_code"
    ]
    assert [p.field for p in submission.missing_components(body, PROCEDURE)] == ["attachments.TP1"]
    assert submission.missing_components(attachments("TP1"), PROCEDURE) == []


def test_the_snapshot_keeps_the_procedure_as_the_agency_performs_it():
    kept = submission.snapshot(OFFERING)

    assert (kept["agency_id"], kept["agency_id_code"], kept["version"]) == (
        "ubnd-a",
        "000.00.01.H06",
        3,
    )
    assert kept["processing_time"] == {"value": 5, "unit": "working_days"}
    assert kept["internal_process"] == [{"step": "appraisal"}]
    kept["fees"][0]["amount"] = 1  # a copy: later edits of either never reach the other
    assert OFFERING.fees == [{"amount": 0}]
    without = SimpleNamespace(**{**vars(OFFERING), "procedure": SimpleNamespace(
        **{**vars(PROCEDURE), "data": {}})})  # fmt: skip
    assert "internal_process" not in submission.snapshot(without)


def test_everything_wrong_is_told_at_once(monkeypatch):
    def offering_for(procedure, ref):
        raise ValidationFailed("", [submission.FieldError("agency", "Không thực hiện")])

    monkeypatch.setattr(submission.catalog_service, "offering_for", offering_for)
    monkeypatch.setattr(submission.catalog_service, "get_form", lambda code: {"type": "object"})
    monkeypatch.setattr(submission.uploads, "check", lambda a, p, who, problems: [])
    monkeypatch.setattr(submission.wallet, "check_reused", lambda a, p, who, problems: [])
    body = {"agency": "so-tp", "form": {}, "result_delivery": "post", "notify": ["email"],
            "applicant": {"phone": "0912345678"}, **attachments("TP9")}  # fmt: skip

    with pytest.raises(ValidationFailed) as refused:
        submission.check(body, PROCEDURE, None)

    assert [p.field for p in refused.value.details] == [
        "agency", "result_delivery", "applicant.email",
        "attachments[0].component_code", "attachments.TP1",
    ]  # fmt: skip


@pytest.fixture
def numbering(monkeypatch):
    """The agency's counter (`last`), and the transactions tried (`cancel`: their refusals)."""
    state = SimpleNamespace(last=0, cancel=[], created=[])

    def create(new, counter, staged):
        if state.cancel:
            state.last += 1  # someone else took the number meanwhile
            raise Cancelled(state.cancel.pop(0), conflict=True)
        state.created.append((new.code, counter, staged))
        return ["event"]

    monkeypatch.setattr(submission.counter_store, "last_number", lambda id_code, now: state.last)
    monkeypatch.setattr(submission.counter_store, "take_number",
                        lambda id_code, now, last: ("counter", id_code, last))  # fmt: skip
    monkeypatch.setattr(submission.dossier_store, "create", create)
    monkeypatch.setattr(submission.uploads, "mark_used", lambda checked, code: [f"used {code}"])
    monkeypatch.setattr(submission.idempotency, "completion", lambda claim, response: [])
    monkeypatch.setattr(submission.time, "sleep", lambda seconds: None)
    return state


def commit(also=None, budget=None):
    return submission.commit(
        OFFERING, None, [], MONDAY, lambda code: dossier(code=code),
        lambda d, o: {"code": d.code}, also, budget,
    )  # fmt: skip


def test_the_dossier_takes_the_next_number_with_its_counter(numbering):
    numbering.last = 41

    committed = commit()

    assert committed.response == {"code": "000.00.01.H06-260302-0042"}
    assert numbering.created == [("000.00.01.H06-260302-0042", ("counter", "000.00.01.H06", 41),
                                  ["used 000.00.01.H06-260302-0042"])]  # fmt: skip


def test_a_lost_race_for_the_number_retries_with_the_next(numbering):
    numbering.cancel = [{"counter"}, {"dossier", "snapshot"}]

    assert commit().dossier.code == "000.00.01.H06-260302-0003"


def test_endless_contention_asks_to_send_again(numbering, monkeypatch):
    monkeypatch.setattr(submission, "MAX_ATTEMPTS", 3)
    numbering.cancel = [{"counter"}] * 3

    with pytest.raises(ServiceUnavailable):
        commit()


def test_the_days_last_number_is_a_planned_refusal_until_midnight(numbering):
    numbering.last = 9999

    with pytest.raises(DailyLimitReached) as refused:
        commit()

    assert int(refused.value.headers["Retry-After"]) == 15 * 3600
    assert numbering.created == []


@pytest.mark.parametrize(
    "failed, error",
    [({"upload"}, ValidationFailed), ({"counter", "idempotency"}, Conflict),
     ({"payment-reference"}, submission.AlsoRefused)],
)  # fmt: skip
def test_other_refusals_are_explained_not_retried(numbering, failed, error):
    numbering.cancel = [failed]

    with pytest.raises(error):
        commit()


def test_a_spent_budget_refuses_the_submission(numbering):
    class Budget:
        def stage(self):
            return ["budget"]

        def refusal(self, failed):
            return submission.throttle.RateLimited("") if "budget" in failed else None

    numbering.cancel = [{"budget"}]

    with pytest.raises(submission.throttle.RateLimited):
        commit(budget=Budget())
