"""The workflow table, every allowed transition for every role, and the rules of time."""

from datetime import datetime, timedelta

import pytest

from chalicelib.domain import workflow
from chalicelib.domain.calendar import VN_TZ
from chalicelib.domain.dossier import VERIFIED_NAME, Dossier, Status
from chalicelib.domain.errors import Forbidden, InvalidTransition, ValidationFailed
from tests.builders import CALENDAR, MONDAY, make_dossier

ROLES = ("citizen", "receptionist", "specialist", "leader", "admin", "system")
PARAMS = {
    "reject": {"note": "Không thuộc thẩm quyền"},
    "request_supplement": {"items": ["Bản sao giấy chứng sinh"]},
    "assign": {"assignee": "specialist-1"},
    "transfer": {"agency": "so-tu-phap"},
    "request_payment": {"amount": 50000},
    "confirm_payment": {"amount": 50000, "payment_id": "p1"},
    "refuse": {"note": "Không đủ điều kiện"},
    "extend": {"note": "Cần xác minh thêm", "new_due_at": "2026-03-20T16:00:00+07:00"},
    "stop": {"note": "Theo yêu cầu của cơ quan có thẩm quyền"},
    "return_result": {"fee_collected": 50000},
    "apply_fee_reduction": {"reduction": "mien-phi"},
    "hand_over": {"step": "next"},
    "request_consult": {"agency": "so-tu-phap", "note": "Xin ý kiến về nơi cư trú"},
    "answer_consult": {"note": "Đã xác minh"},
}


def command(action, role, at=MONDAY + timedelta(hours=1), **params):
    params = {**PARAMS.get(action, {}), **params}
    note = params.pop("note", None)
    return workflow.Command(action, role, f"{role}-1", "ubnd-a", at, note=note, params=params)


def prepared(dossier: Dossier, action: str, role: str) -> Dossier:
    """What the step needs besides the table: a current step of the internal process held by
    `role` (hand_over), an open consult request to the actor's agency (answer_consult)."""
    if action == "hand_over":
        dossier.procedure["internal_process"] = [
            {"code": "now", "name": "Bước hiện tại", "role": role, "share": 50},
            {"code": "next", "name": "Bước sau", "role": "leader", "share": 50},
        ]
    if action == "answer_consult":
        due = CALENDAR.add_working_hours(MONDAY, 16)
        dossier.extra["consults"] = [
            {
                "agency_id": "ubnd-a",
                "state": "open",
                "question": "?",
                "requested_at": MONDAY.isoformat(),
                "due_at": due.isoformat(),
            }
        ]
    return dossier


# Sorted: sets iterate in a per-process order, and every pytest-xdist worker must collect alike.
ALLOWED = sorted(
    (action, status, role)
    for action, t in workflow.TRANSITIONS.items()
    for status in t.sources
    for role in t.roles_for(status)
)
FORBIDDEN_ROLES = sorted(
    (action, status, role)
    for action, t in workflow.TRANSITIONS.items()
    for status in t.sources
    for role in ROLES
    if role not in t.roles_for(status)
)


def test_every_status_of_the_contract_is_reachable_or_a_start():
    targets = {t.target for t in workflow.TRANSITIONS.values()} | {Status.SUBMITTED}
    assert targets - {None} == set(Status)


@pytest.mark.parametrize(
    ("action", "status", "role"), ALLOWED, ids=[f"{a}-{s.value}-{r}" for a, s, r in ALLOWED]
)
def test_every_allowed_transition_for_every_allowed_role(action, status, role):
    dossier = prepared(make_dossier(status), action, role)
    expected = workflow.TRANSITIONS[action].target

    workflow.apply(dossier, command(action, role), CALENDAR)

    if expected is not None and action != "resubmit":
        assert dossier.status is expected
    assert dossier.pending_history[-1].action == action
    assert dossier.pending_events[-1].type == workflow.TRANSITIONS[action].event


@pytest.mark.parametrize(
    ("action", "status", "role"),
    FORBIDDEN_ROLES,
    ids=[f"{a}-{s.value}-{r}" for a, s, r in FORBIDDEN_ROLES],
)
def test_every_other_role_is_forbidden(action, status, role):
    with pytest.raises(Forbidden):
        workflow.apply(make_dossier(status), command(action, role), CALENDAR)


@pytest.mark.parametrize(
    ("action", "status"),
    [
        ("accept", Status.IN_PROGRESS),
        ("approve", Status.SUBMITTED),
        ("approve", Status.RETURNED),
        ("return_result", Status.IN_PROGRESS),
        ("reject", Status.ACCEPTED),
        ("withdraw", Status.RESULT_READY),
        ("extend", Status.SUBMITTED),
        ("stop", Status.RETURNED),
        ("request_payment", Status.AWAITING_PAYMENT),
        ("resubmit", Status.IN_PROGRESS),
    ],
)
def test_actions_outside_the_table_are_invalid_transitions(action, status):
    role = next(iter(workflow.TRANSITIONS[action].roles))
    with pytest.raises(InvalidTransition):
        workflow.apply(make_dossier(status), command(action, role), CALENDAR)


class TestClock:
    def test_accepting_starts_the_clock_from_the_acceptance(self):
        dossier = make_dossier(Status.SUBMITTED, days=3)

        workflow.apply(dossier, command("accept", "receptionist", at=MONDAY), CALENDAR)

        assert dossier.accepted_at == MONDAY
        assert dossier.due_at == datetime(2026, 3, 5, 9, 0, tzinfo=VN_TZ)

    def test_accepting_within_eight_working_hours_is_on_time(self):
        dossier = make_dossier(Status.SUBMITTED)

        workflow.apply(
            dossier, command("accept", "receptionist", at=MONDAY + timedelta(hours=2)), CALENDAR
        )

        assert dossier.pending_history[-1].outcome in ("on_time", "early")

    def test_accepting_after_the_acknowledgement_limit_is_late(self):
        dossier = make_dossier(Status.SUBMITTED)

        workflow.apply(
            dossier, command("accept", "receptionist", at=MONDAY + timedelta(days=2)), CALENDAR
        )

        assert dossier.pending_history[-1].outcome == "late"

    def test_a_supplement_at_intake_leaves_the_clock_unstarted_and_resets_the_acknowledgement(self):
        dossier = make_dossier(Status.SUBMITTED)
        workflow.apply(dossier, command("request_supplement", "receptionist"), CALENDAR)
        later = MONDAY + timedelta(days=3)

        workflow.apply(dossier, command("resubmit", "citizen", at=later), CALENDAR)

        assert dossier.status is Status.SUBMITTED and dossier.due_at is None
        assert dossier.acknowledge_by == CALENDAR.acknowledge_by(later)

    def test_after_appraisal_the_time_limit_restarts_from_zero_on_resubmission(self):
        dossier = make_dossier(Status.IN_PROGRESS, days=5)
        workflow.apply(
            dossier,
            command("request_supplement", "specialist", at=MONDAY + timedelta(days=1)),
            CALENDAR,
        )
        resubmitted = datetime(2026, 3, 16, 9, 0, tzinfo=VN_TZ)

        workflow.apply(dossier, command("resubmit", "citizen", at=resubmitted), CALENDAR)

        assert dossier.status is Status.IN_PROGRESS
        assert dossier.due_at == datetime(2026, 3, 23, 9, 0, tzinfo=VN_TZ)

    def test_a_supplement_after_appraisal_must_come_within_three_working_days(self):
        """Decree 61/2018 art. 19 cl. 4: within 3 working days of the handling agency's receipt."""
        dossier = make_dossier(Status.IN_PROGRESS)

        with pytest.raises(InvalidTransition):
            workflow.apply(
                dossier,
                command("request_supplement", "specialist", at=MONDAY + timedelta(days=4)),
                CALENDAR,
            )

    def test_supplements_are_asked_once_per_phase(self):
        dossier = make_dossier(Status.IN_PROGRESS)
        workflow.apply(dossier, command("request_supplement", "specialist"), CALENDAR)
        workflow.apply(dossier, command("resubmit", "citizen"), CALENDAR)

        with pytest.raises(InvalidTransition):
            workflow.apply(dossier, command("request_supplement", "specialist"), CALENDAR)

    def test_a_supplement_request_must_list_what_is_missing(self):
        with pytest.raises(ValidationFailed):
            workflow.apply(
                make_dossier(), command("request_supplement", "receptionist", items=[]), CALENDAR
            )


class TestExtend:
    def test_extension_with_apology_moves_the_due_date_once(self):
        dossier = make_dossier(Status.IN_PROGRESS)
        old_due = dossier.due_at

        workflow.apply(dossier, command("extend", "specialist"), CALENDAR)

        assert dossier.due_at > old_due and dossier.extended
        assert dossier.pending_history[-1].data["old_due_at"] == old_due.isoformat()
        with pytest.raises(InvalidTransition):
            workflow.apply(
                dossier,
                command("extend", "specialist", new_due_at="2026-03-25T16:00:00+07:00"),
                CALENDAR,
            )

    def test_extension_on_the_due_day_is_refused(self):
        """Decree 61/2018 art. 19 cl. 9: "chậm nhất 01 ngày trước ngày hết hạn"."""
        dossier = make_dossier(Status.IN_PROGRESS, days=1)  # due Tuesday 09:00
        tuesday_8h = MONDAY + timedelta(hours=23)

        with pytest.raises(InvalidTransition):
            workflow.apply(dossier, command("extend", "specialist", at=tuesday_8h), CALENDAR)

    def test_extension_the_day_before_the_due_day_is_allowed_until_midnight(self):
        """Decree 61/2018 art. 19 cl. 9: the last day is the day before the due day."""
        dossier = make_dossier(Status.IN_PROGRESS, days=1)  # due Tuesday 09:00
        monday_late = MONDAY + timedelta(hours=14, minutes=59)

        workflow.apply(dossier, command("extend", "specialist", at=monday_late), CALENDAR)

        assert dossier.extended

    def test_the_new_date_must_be_a_later_working_day(self):
        dossier = make_dossier(Status.IN_PROGRESS)

        with pytest.raises(ValidationFailed):
            workflow.apply(
                dossier,
                command("extend", "specialist", new_due_at="2026-03-21T10:00:00+07:00"),
                CALENDAR,
            )


class TestResolution:
    @pytest.mark.parametrize(
        ("finished", "expected"),
        [
            (datetime(2026, 3, 10, 9, 0, tzinfo=VN_TZ), "early"),
            (datetime(2026, 3, 16, 8, 0, tzinfo=VN_TZ), "on_time"),
            (datetime(2026, 3, 16, 10, 0, tzinfo=VN_TZ), "late"),
        ],
    )
    def test_approval_is_classified_against_the_due_date(self, finished, expected):
        dossier = make_dossier(Status.IN_PROGRESS, days=10)

        workflow.apply(dossier, command("approve", "leader", at=finished), CALENDAR)

        assert dossier.extra["timeliness"] == expected
        assert dossier.pending_history[-1].outcome == expected
        assert dossier.pending_events[-1].data["timeliness"] == expected

    def test_a_transferred_dossier_returns_to_the_receiving_agency_with_its_result(self):
        dossier = make_dossier(Status.IN_PROGRESS)
        workflow.apply(dossier, command("transfer", "receptionist"), CALENDAR)
        assert dossier.agency_id == "so-tu-phap"

        workflow.apply(dossier, command("approve", "leader"), CALENDAR)

        assert dossier.agency_id == "ubnd-a"

    def test_a_level_3_result_is_returned_only_once_the_counter_fee_is_recorded(self):
        dossier = make_dossier(Status.RESULT_READY)

        with pytest.raises(ValidationFailed):
            workflow.apply(
                dossier, command("return_result", "receptionist", fee_collected=0), CALENDAR
            )
        workflow.apply(dossier, command("return_result", "receptionist"), CALENDAR)

        assert dossier.status is Status.RETURNED and dossier.fee_paid == 50000

    def test_refusal_needs_a_reason(self):
        with pytest.raises(ValidationFailed):
            workflow.apply(
                make_dossier(Status.IN_PROGRESS),
                workflow.Command("refuse", "leader", "l", "ubnd-a", MONDAY),
                CALENDAR,
            )


def test_allowed_actions_follow_status_and_role():
    dossier = make_dossier(Status.SUBMITTED)

    assert set(workflow.allowed_actions(dossier, "receptionist")) == {
        "accept",
        "reject",
        "request_supplement",
        "apply_fee_reduction",
    }
    assert workflow.allowed_actions(dossier, "leader") == []


class TestSupplementAfterAppraisal:
    """Decree 61/2018 art. 19 cl. 4: within 3 working days of the agency's receipt."""

    def test_the_third_working_day_is_still_in_time(self):
        dossier = make_dossier(Status.IN_PROGRESS)  # accepted Monday 09:00
        thursday_9h = MONDAY + timedelta(days=3)

        workflow.apply(
            dossier, command("request_supplement", "specialist", at=thursday_9h), CALENDAR
        )

        assert dossier.status is Status.SUPPLEMENT_REQUESTED

    def test_the_three_days_count_from_the_transfer_to_the_handling_agency(self):
        dossier = make_dossier(Status.IN_PROGRESS)
        workflow.apply(
            dossier, command("transfer", "receptionist", at=MONDAY + timedelta(days=2)), CALENDAR
        )
        friday = MONDAY + timedelta(days=4)

        workflow.apply(dossier, command("request_supplement", "specialist", at=friday), CALENDAR)

        assert dossier.status is Status.SUPPLEMENT_REQUESTED


class TestFees:
    def test_an_exempt_dossier_owes_nothing_and_leaves_the_payment_step(self):
        """A fee may be 0 with its legal reason (catalog data); the exempt citizen is not
        asked to pay (Thông tư 244/2016/TT-BTC-style exemptions as data)."""
        dossier = make_dossier(Status.AWAITING_PAYMENT)
        dossier.requested = {"type": "payment", "requested_at": MONDAY.isoformat()}

        workflow.apply(dossier, command("apply_fee_reduction", "receptionist"), CALENDAR)

        assert dossier.fee_due == 0 and dossier.status is Status.IN_PROGRESS
        entry = dossier.pending_history[-1]
        assert entry.data["legal_basis"] == "Thông tư X" and entry.public_note == "Trẻ em"

    def test_an_unknown_reduction_is_refused(self):
        with pytest.raises(ValidationFailed):
            workflow.apply(
                make_dossier(Status.IN_PROGRESS),
                command("apply_fee_reduction", "specialist", reduction="khong-co"),
                CALENDAR,
            )

    def test_a_refused_dossier_is_closed_without_collecting_the_fee(self):
        """Decree 61/2018 arts. 20 and 22: the fee is collected with the result when not paid
        yet; a refusal (Form 03, art. 19) hands no result over, so nothing is collected."""
        dossier = make_dossier(Status.RESULT_READY)
        dossier.outcome = "refused"

        workflow.apply(dossier, command("return_result", "receptionist", fee_collected=0), CALENDAR)

        assert dossier.status is Status.RETURNED and dossier.fee_paid == 0

    def test_a_level_4_result_is_never_handed_over_with_the_fee_unpaid(self):
        """Decree 42/2022/NĐ-CP art. 11 cl. 1: a full online service includes paying online;
        Decree 61/2018 art. 22: the result goes out with its fee paid."""
        dossier = make_dossier(Status.RESULT_READY, level=4)

        with pytest.raises(ValidationFailed):
            workflow.apply(
                dossier, command("return_result", "receptionist", fee_collected=0), CALENDAR
            )

    def test_waiting_for_a_financial_obligation_does_not_count_where_the_procedure_says_so(self):
        """e.g. land registration (Decree 101/2024/NĐ-CP): the time limit excludes the time the
        applicant takes to fulfil financial obligations."""
        dossier = make_dossier(Status.IN_PROGRESS)
        dossier.procedure["processing_time"]["excludes_financial_obligation"] = True
        due = dossier.due_at
        workflow.apply(dossier, command("request_payment", "specialist", at=MONDAY), CALENDAR)

        paid_at = MONDAY + timedelta(days=1)  # one working day (8 h) later
        workflow.apply(dossier, command("confirm_payment", "receptionist", at=paid_at), CALENDAR)

        assert CALENDAR.working_hours_between(due, dossier.due_at) == 8

    def test_without_that_rule_the_wait_counts(self):
        dossier = make_dossier(Status.IN_PROGRESS)
        due = dossier.due_at
        workflow.apply(dossier, command("request_payment", "specialist", at=MONDAY), CALENDAR)
        paid_at = MONDAY + timedelta(days=1)
        workflow.apply(dossier, command("confirm_payment", "receptionist", at=paid_at), CALENDAR)

        assert dossier.due_at == due


@pytest.mark.parametrize(
    ("channel", "extra", "name"),
    [
        ("online", {}, ""),  # typed by an anonymous sender: messages never echo it
        ("online", {VERIFIED_NAME: "Trần Thị Hoa"}, "Trần Thị Hoa"),  # the identity provider's
        ("counter", {}, "A"),  # an officer received the applicant
        ("post", {}, "A"),
        ("national_portal", {}, "A"),
    ],
)
def test_the_name_messages_may_use_is_a_verified_one(channel, extra, name):
    dossier = make_dossier()
    dossier.channel, dossier.extra = channel, extra

    assert dossier.verified_name == name
