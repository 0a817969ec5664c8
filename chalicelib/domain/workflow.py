"""The one-stop workflow as data: which action may move a dossier from which statuses, who may
take it, and the rules of time that go with it (Decree 61/2018 arts. 17-20, Circular 01/2018).

`apply(dossier, command, calendar)` checks the table and the rules, changes the dossier and
records the history entry and event that the persistence layer commits with it. Anything not in
the table is an INVALID_TRANSITION; the role check is a FORBIDDEN.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from chalicelib.domain import consult
from chalicelib.domain.calendar import WorkingCalendar, extension_deadline
from chalicelib.domain.dossier import WITHDRAWABLE, Dossier, Status
from chalicelib.domain.errors import FieldError, Forbidden, InvalidTransition, ValidationFailed
from chalicelib.domain.process import HAND_OVER, hand_over

# What officers and citizens read for each action (history, forms, refusals).
ACTION_LABELS = {
    "submit": "Nộp hồ sơ trực tuyến",
    "receive": "Tiếp nhận hồ sơ trực tiếp hoặc qua bưu chính",
    "accept": "Tiếp nhận hồ sơ",
    "reject": "Từ chối tiếp nhận",
    "request_supplement": "Yêu cầu bổ sung, hoàn thiện hồ sơ",
    "resubmit": "Công dân bổ sung hồ sơ",
    "assign": "Chuyển xử lý",
    "transfer": "Chuyển cơ quan liên thông",
    "hand_over": "Chuyển bước xử lý",
    "request_consult": "Lấy ý kiến cơ quan liên quan (liên thông)",
    "answer_consult": "Cơ quan liên quan trả lời ý kiến",
    "request_payment": "Yêu cầu nộp phí, lệ phí",
    "confirm_payment": "Đã nộp phí, lệ phí",
    "record_payment": "Đã nộp phí, lệ phí trực tuyến",
    "approve": "Phê duyệt kết quả",
    "refuse": "Từ chối giải quyết",
    "extend": "Xin lỗi và hẹn lại ngày trả kết quả",
    "stop": "Dừng xử lý",
    "return_result": "Trả kết quả",
    "download_result": "Công dân tải kết quả điện tử",
    "withdraw": "Công dân rút hồ sơ",
    "flag": "Nhắc hạn xử lý",
}

S = Status
RECEPTION = frozenset({"receptionist", "admin"})
APPRAISAL = frozenset({"specialist", "leader", "admin"})
MANAGEMENT = frozenset({"leader", "admin"})
SUPPLEMENT_WORKING_DAYS = 3  # Decree 61/2018 art. 19 cl. 4: within 3 working days of receipt
# Statuses in which the fee may still change (an exemption or reduction from the catalog data).
FEE_OPEN = frozenset({S.SUBMITTED, S.ACCEPTED, S.IN_PROGRESS, S.AWAITING_PAYMENT})
# processing_time flag: the wait for a financial obligation is not counted (Decree 101/2024).
PAUSE_FOR_PAYMENT = "excludes_financial_obligation"


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[Status]
    target: Status | None
    roles: frozenset[str]
    event: str
    roles_at: tuple[tuple[Status, frozenset[str]], ...] = ()

    def roles_for(self, status: Status) -> frozenset[str]:
        """Who may act from `status` (some steps belong to one desk only at one status)."""
        return dict(self.roles_at).get(status, self.roles)


# fmt: off
TRANSITIONS: dict[str, Transition] = {t.action: t for t in (
    Transition("accept", frozenset({S.SUBMITTED}), S.ACCEPTED, RECEPTION, "dossier.accepted"),
    Transition("reject", frozenset({S.SUBMITTED}), S.REJECTED, RECEPTION, "dossier.rejected"),
    Transition("request_supplement", frozenset({S.SUBMITTED, S.ACCEPTED, S.IN_PROGRESS}),
               S.SUPPLEMENT_REQUESTED, RECEPTION | APPRAISAL, "dossier.supplement_requested",
               roles_at=((S.SUBMITTED, RECEPTION),)),
    Transition("resubmit", frozenset({S.SUPPLEMENT_REQUESTED}), None, frozenset({"citizen"}),
               "dossier.resubmitted"),
    Transition("assign", frozenset({S.ACCEPTED, S.IN_PROGRESS}), S.IN_PROGRESS,
               RECEPTION | MANAGEMENT, "dossier.assigned"),
    # Between the steps of the procedure's internal process (domain/process.py).
    Transition(HAND_OVER, frozenset({S.ACCEPTED, S.IN_PROGRESS}), S.IN_PROGRESS,
               RECEPTION | APPRAISAL, "dossier.handed_over"),
    # Another agency's opinion (liên thông, domain/consult.py): the status does not change.
    Transition(consult.REQUEST_CONSULT, frozenset({S.IN_PROGRESS}), None, APPRAISAL,
               "dossier.consult_requested"),
    Transition(consult.ANSWER_CONSULT, frozenset({S.ACCEPTED, S.IN_PROGRESS,
               S.SUPPLEMENT_REQUESTED, S.AWAITING_PAYMENT}), None, APPRAISAL,
               "dossier.consult_answered"),
    Transition("transfer", frozenset({S.ACCEPTED, S.IN_PROGRESS}), S.IN_PROGRESS,
               RECEPTION | MANAGEMENT, "dossier.transferred"),
    Transition("request_payment", frozenset({S.ACCEPTED, S.IN_PROGRESS}), S.AWAITING_PAYMENT,
               RECEPTION | APPRAISAL, "dossier.payment_requested"),
    Transition("confirm_payment", frozenset({S.AWAITING_PAYMENT}), S.IN_PROGRESS,
               frozenset({"receptionist", "system"}), "dossier.paid"),
    # An online payment made before it was asked for (level 4) or to release a ready result.
    Transition("record_payment", frozenset({S.ACCEPTED, S.IN_PROGRESS, S.RESULT_READY}), None,
               frozenset({"system"}), "dossier.paid"),
    Transition("approve", frozenset({S.IN_PROGRESS}), S.RESULT_READY, MANAGEMENT,
               "dossier.approved"),
    Transition("refuse", frozenset({S.IN_PROGRESS}), S.RESULT_READY, MANAGEMENT,
               "dossier.refused"),
    Transition("extend", frozenset({S.ACCEPTED, S.IN_PROGRESS, S.AWAITING_PAYMENT}), None,
               APPRAISAL, "dossier.extended"),
    Transition("apply_fee_reduction", FEE_OPEN, None, RECEPTION | APPRAISAL,
               "dossier.fee_reduced", roles_at=((S.SUBMITTED, RECEPTION),)),
    Transition("stop", frozenset({S.ACCEPTED, S.IN_PROGRESS, S.SUPPLEMENT_REQUESTED,
                                  S.AWAITING_PAYMENT}), S.STOPPED, MANAGEMENT, "dossier.stopped"),
    Transition("return_result", frozenset({S.RESULT_READY}), S.RETURNED,
               frozenset({"receptionist", "admin", "system"}), "dossier.returned"),
    Transition("withdraw", WITHDRAWABLE, S.WITHDRAWN, frozenset({"citizen"}), "dossier.withdrawn"),
)}
# fmt: on


@dataclass(frozen=True)
class Command:
    """An action asked of a workflow: the dossier's (here) or the feedback's
    (domain/feedback_workflow.py), by a role, an actor and (for officers) their agency."""

    action: str
    actor_role: str
    actor_id: str | None
    actor_agency: str | None
    at: datetime
    note: str | None = None
    params: dict[str, Any] = field(default_factory=dict)


def _label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


def allowed_actions(dossier: Dossier, role: str) -> list[str]:
    return [
        a
        for a, t in TRANSITIONS.items()
        if dossier.status in t.sources and role in t.roles_for(dossier.status)
    ]


def apply(dossier: Dossier, command: Command, calendar: WorkingCalendar) -> Dossier:
    transition = TRANSITIONS.get(command.action)
    if transition is None:
        raise ValidationFailed("Thao tác không hợp lệ.", [FieldError("action", "Không hỗ trợ")])
    if dossier.status not in transition.sources:
        raise InvalidTransition(
            f"Không thể thực hiện “{_label(command.action)}” khi hồ sơ đang ở trạng thái "
            f"“{dossier.status.label}”."
        )
    if command.actor_role not in transition.roles_for(dossier.status):
        raise Forbidden(f"Vai trò của bạn không được thực hiện “{_label(command.action)}”.")
    previous = dossier.status
    step = RULES[command.action](dossier, command, calendar)
    if transition.target is not None:
        dossier.status = transition.target
    dossier.record(
        command.at,
        command.action,
        previous,
        command.actor_role,
        transition.event,
        agency_id=command.actor_agency or dossier.agency_id,
        actor_id=command.actor_id,
        note=command.note,
        event_data=step.pop("event", {}),
        **step,
    )
    return dossier


def _need(command: Command, *names: str) -> None:
    missing = [n for n in names if not (command.params.get(n) or (n == "note" and command.note))]
    if missing:
        raise ValidationFailed(
            "Thiếu thông tin cho thao tác này.",
            [FieldError(n, "Bắt buộc phải nhập") for n in missing],
        )


def _step(due: datetime | None, at: datetime, calendar: WorkingCalendar, **extra) -> dict:
    outcome = calendar.classify(at, due) if due else None
    return {"step_due_at": due, "outcome": outcome, **extra}


def _accept(d: Dossier, c: Command, cal: WorkingCalendar) -> dict:
    """Official receipt (Form 01): the clock starts now."""
    step = _step(d.acknowledge_by, c.at, cal)
    d.accepted_at = c.at
    d.due_at = cal.due_at(
        cal.start_of_clock(c.at),
        d.procedure["processing_time"]["value"],
        d.procedure["processing_time"]["unit"],
        bool(d.procedure["processing_time"].get("same_day")),
    )
    d.requested = None
    step["event"] = {"due_at": d.due_at.isoformat()}
    return step


def _reject(d: Dossier, c: Command, cal: WorkingCalendar) -> dict:
    """Refusal at intake (Form 03): a reason is required."""
    _need(c, "note")
    d.finished_at, d.outcome = c.at, "rejected"
    return _step(d.acknowledge_by, c.at, cal, public_note=c.note, event={"reason": c.note})


def _request_supplement(d: Dossier, c: Command, cal: WorkingCalendar) -> dict:
    """Form 02: everything missing, listed once per phase. After appraisal, only within
    3 working days of receipt; the clock will restart from zero on resubmission."""
    _need(c, "items")
    phase = "intake" if d.status is S.SUBMITTED else "appraisal"
    if phase in d.extra.get("supplements", []):
        raise InvalidTransition("Đã yêu cầu bổ sung một lần ở bước này; phải nêu đầy đủ một lần.")
    if phase == "appraisal" and c.at > supplement_deadline(d, cal):
        raise InvalidTransition(
            "Đã quá 3 ngày làm việc kể từ khi cơ quan giải quyết nhận hồ sơ "
            "(Điều 19 khoản 4 Nghị định 61/2018/NĐ-CP)."
        )
    d.extra["supplements"] = [*d.extra.get("supplements", []), phase]
    items = [str(i) for i in c.params["items"]]
    d.requested = {
        "type": "supplement",
        "phase": phase,
        "items": items,
        "note": c.note,
        "requested_at": c.at.isoformat(),
    }
    due = d.acknowledge_by if phase == "intake" else d.due_at
    return _step(
        due,
        c.at,
        cal,
        public_note=c.note,
        data={"items": items},
        event={"items": items, "phase": phase},
    )


def supplement_deadline(d: Dossier, cal: WorkingCalendar) -> datetime:
    """The last instant to send a dossier back for supplement after appraisal: 3 working days
    (of this agency's office hours) from its receipt by the agency handling it now — the
    official acceptance, or the latest transfer to this agency."""
    received = d.extra.get("received_by_agency_at")
    start = datetime.fromisoformat(received) if received else d.accepted_at
    hours = SUPPLEMENT_WORKING_DAYS * cal.office_hours.hours_per_day
    return cal.add_working_hours(cal.start_of_clock(start), hours)


def _resubmit(d: Dossier, c: Command, cal: WorkingCalendar) -> dict:
    """The citizen's answer: back to intake (new 8-hour acknowledgement), or after appraisal
    back to processing with the time limit counted again from zero."""
    phase = (d.requested or {}).get("phase", "intake")
    d.requested = None
    if phase == "intake":
        d.status = S.SUBMITTED
        d.acknowledge_by = cal.acknowledge_by(c.at)
    else:
        d.status = S.IN_PROGRESS
        pt = d.procedure["processing_time"]
        d.due_at = cal.due_at(
            cal.start_of_clock(c.at), pt["value"], pt["unit"], bool(pt.get("same_day"))
        )
        d.extended = False
    return {"event": {"phase": phase, "due_at": d.due_at.isoformat() if d.due_at else None}}


def _assign(d: Dossier, c: Command, cal: WorkingCalendar) -> dict:
    _need(c, "assignee")
    d.assignee = str(c.params["assignee"])
    return _step(d.due_at, c.at, cal, data={"assignee": d.assignee}, event={"assignee": d.assignee})


def _transfer(d: Dossier, c: Command, cal: WorkingCalendar) -> dict:
    """Inter-agency (liên thông): the dossier moves to the target agency's inbox, which alone
    decides from now on; the receiving one-stop unit (and any agency it passed through) reads it
    and gets it back with the result."""
    _need(c, "agency")
    target = str(c.params["agency"])
    if target == d.agency_id:
        raise ValidationFailed(
            "Cơ quan nhận phải khác cơ quan hiện tại.",
            [FieldError("agency", "Trùng cơ quan hiện tại")],
        )
    d.extra.setdefault("receiving_agency_id", d.agency_id)
    d.extra["received_by_agency_at"] = c.at.isoformat()
    source, d.assignee = d.agency_id, None
    d.hands_over(target)
    return _step(
        d.due_at,
        c.at,
        cal,
        data={"from": source, "to": target},
        event={"from_agency": source, "to_agency": target},
    )


def _request_payment(d: Dossier, c: Command, cal: WorkingCalendar) -> dict:
    amount = c.params.get("amount", d.fee_due)
    if not isinstance(amount, int) or amount <= 0:
        raise ValidationFailed(
            "Số tiền phải là số nguyên dương (đồng).", [FieldError("amount", "Phải lớn hơn 0")]
        )
    d.fee_due = amount
    d.requested = {
        "type": "payment",
        "amount": amount,
        "note": c.note,
        "requested_at": c.at.isoformat(),
    }
    return _step(d.due_at, c.at, cal, public_note=c.note, event={"amount": amount})


def _financial_wait_ends(d: Dossier, at: datetime, cal: WorkingCalendar) -> dict:
    """Time spent waiting on the citizen's financial obligation does not count against the
    agency where the procedure says so (e.g. land registration, Decree 101/2024): the due date
    moves by the working time the dossier waited."""
    requested = (d.requested or {}).get("requested_at") if d.status is S.AWAITING_PAYMENT else None
    if not (requested and d.due_at and d.procedure["processing_time"].get(PAUSE_FOR_PAYMENT)):
        return {}
    waited = cal.working_hours_between(datetime.fromisoformat(requested), at)
    old_due, d.due_at = d.due_at, cal.add_working_hours(d.due_at, waited)
    return {
        "due_at": d.due_at.isoformat(),
        "old_due_at": old_due.isoformat(),
        "paused_hours": waited,
    }


def _confirm_payment(d: Dossier, c: Command, cal: WorkingCalendar) -> dict:
    paid = int(c.params.get("amount", d.fee_due))
    pause = _financial_wait_ends(d, c.at, cal)
    d.fee_paid += paid
    d.requested = None
    channel = c.params.get("channel", "counter")
    provider = c.params.get("provider")
    d.extra["payments"] = [
        *d.extra.get("payments", []),
        {
            "amount": paid,
            "channel": channel,
            "provider": provider,
            "at": c.at.isoformat(),
            "payment_id": c.params.get("payment_id"),
        },
    ]
    return _step(
        d.due_at,
        c.at,
        cal,
        data=pause,
        event={
            "amount": paid,
            "channel": channel,
            "provider": provider,
            "payment_id": c.params.get("payment_id"),
            **pause,
        },
    )


def _apply_fee_reduction(d: Dossier, c: Command, cal: WorkingCalendar) -> dict:
    """An exemption or reduction published with the procedure's fee (catalog data: name,
    amount, legal basis); an exempt dossier owes nothing, so its e-result is released without
    a payment."""
    _need(c, "reduction")
    fee = next((f for f in d.procedure.get("fees", []) if f["channel"] == d.channel), None)
    fee = fee or next(iter(d.procedure.get("fees", [])), {})
    reduction = next(
        (r for r in fee.get("reductions", []) if r["code"] == c.params["reduction"]), None
    )
    if reduction is None:
        raise ValidationFailed(
            "Thủ tục không có mức miễn, giảm này.", [FieldError("reduction", "Không tồn tại")]
        )
    if d.fee_paid > reduction["amount"]:
        raise InvalidTransition("Hồ sơ đã nộp nhiều hơn mức phí sau miễn, giảm.")
    previous, d.fee_due = d.fee_due, reduction["amount"]
    d.extra["fee_reduction"] = dict(reduction)
    if d.status is S.AWAITING_PAYMENT and d.fee_paid >= d.fee_due:
        _financial_wait_ends(d, c.at, cal)
        d.status, d.requested = S.IN_PROGRESS, None
    info = {
        "code": reduction["code"],
        "amount": reduction["amount"],
        "from": previous,
        "legal_basis": reduction["legal_basis"],
    }
    return _step(d.due_at, c.at, cal, public_note=reduction["name"], data=info, event=info)


def _resolve(outcome: str) -> Callable[[Dossier, Command, WorkingCalendar], dict]:
    def resolve(d: Dossier, c: Command, cal: WorkingCalendar) -> dict:
        if outcome == "refused":
            _need(c, "note")
        d.finished_at, d.outcome = c.at, outcome
        timeliness = cal.classify(c.at, d.due_at) if d.due_at else None
        d.extra["timeliness"] = timeliness
        d.hands_over(d.extra.get("receiving_agency_id", d.agency_id))
        return _step(
            d.due_at,
            c.at,
            cal,
            public_note=c.note if outcome == "refused" else None,
            event={
                "outcome": outcome,
                "timeliness": timeliness,
                "e_result": bool(d.extra.get("result_document", {}).get("document_id")),
            },
        )

    return resolve


def _extend(d: Dossier, c: Command, cal: WorkingCalendar) -> dict:
    """Apology and new appointment (Form 04): once, "chậm nhất 01 ngày trước ngày hết hạn"
    (Decree 61/2018 art. 19 cl. 9), i.e. by the end of the day before the due day."""
    _need(c, "note", "new_due_at")
    if d.extended:
        raise InvalidTransition("Chỉ được hẹn lại ngày trả kết quả một lần.")
    new_due = _parse_time(c.params["new_due_at"])
    if c.at > extension_deadline(d.due_at):
        raise InvalidTransition(
            "Phải xin lỗi, hẹn lại chậm nhất 01 ngày trước ngày hết hạn "
            "(Điều 19 khoản 9 Nghị định 61/2018/NĐ-CP)."
        )
    if new_due <= d.due_at or not cal.is_working_day(new_due.date()):
        raise ValidationFailed(
            "Ngày hẹn mới phải sau ngày hẹn cũ và là ngày làm việc.",
            [FieldError("new_due_at", "Không hợp lệ")],
        )
    old_due, d.due_at, d.extended = d.due_at, new_due, True
    return _step(
        old_due,
        c.at,
        cal,
        public_note=c.note,
        data={"old_due_at": old_due.isoformat(), "new_due_at": new_due.isoformat()},
        event={
            "old_due_at": old_due.isoformat(),
            "new_due_at": new_due.isoformat(),
            "reason": c.note,
        },
    )


def _parse_time(value: Any) -> datetime:
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise ValidationFailed(
            "Thời điểm phải theo ISO 8601 có múi giờ.", [FieldError("new_due_at", "Không hợp lệ")]
        )
    return moment


def _stop(d: Dossier, c: Command, cal: WorkingCalendar) -> dict:
    _need(c, "note")
    d.finished_at, d.outcome, d.requested = c.at, "stopped", None
    return _step(d.due_at, c.at, cal, public_note=c.note, event={"reason": c.note})


def _return_result(d: Dossier, c: Command, cal: WorkingCalendar) -> dict:
    """Hand-over of the result; at the counter the fee still owed is collected there. A result
    is never handed over with a fee unpaid (level 4 included); a refusal or a stop closes the
    dossier without collecting (no result is issued)."""
    owed = max(d.fee_due - d.fee_paid, 0) if d.outcome == "approved" else 0
    collected = min(int(c.params.get("fee_collected", 0)), owed)
    if owed and collected < owed:
        raise ValidationFailed(
            "Cần thu đủ phí, lệ phí trước khi trả kết quả.",
            [FieldError("fee_collected", f"Còn phải thu {owed} đồng")],
        )
    if collected:
        d.fee_paid += collected
        d.extra["payments"] = [
            *d.extra.get("payments", []),
            {"amount": collected, "channel": "counter", "at": c.at.isoformat()},
        ]
    d.extra["returned_at"] = c.at.isoformat()
    d.extra["returned_via"] = c.params.get("via", d.result_delivery)
    if c.params.get("shipment"):
        d.extra["shipment"] = dict(c.params["shipment"])
    return _step(
        d.due_at, c.at, cal, event={"via": d.extra["returned_via"], "fee_collected": collected}
    )


def _withdraw(d: Dossier, c: Command, cal: WorkingCalendar) -> dict:
    d.finished_at, d.outcome, d.requested = c.at, "withdrawn", None
    return {"public_note": c.note}


RULES: dict[str, Callable[[Dossier, Command, WorkingCalendar], dict]] = {
    "accept": _accept,
    "reject": _reject,
    "request_supplement": _request_supplement,
    "resubmit": _resubmit,
    "assign": _assign,
    "transfer": _transfer,
    HAND_OVER: hand_over,
    consult.REQUEST_CONSULT: consult.request,
    consult.ANSWER_CONSULT: consult.answer,
    "request_payment": _request_payment,
    "confirm_payment": _confirm_payment,
    "record_payment": _confirm_payment,
    "approve": _resolve("approved"),
    "refuse": _resolve("refused"),
    "extend": _extend,
    "apply_fee_reduction": _apply_fee_reduction,
    "stop": _stop,
    "return_result": _return_result,
    "withdraw": _withdraw,
}
