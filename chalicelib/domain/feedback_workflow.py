"""The officers' handling of a feedback as data: which action may move it from which statuses,
who may take it, and the rules of time that go with it (Decree 20/2008 arts. 9 and 14).

`apply(feedback, command, calendar)` checks the table and the rules, changes the feedback and
records the history entry and `feedback.*` event that the store commits with it. An action the
status does not allow is INVALID_TRANSITION; a role that may not take it is FORBIDDEN.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from chalicelib.domain.calendar import WorkingCalendar
from chalicelib.domain.errors import FieldError, Forbidden, InvalidTransition, ValidationFailed
from chalicelib.domain.feedback import Feedback, Status, answer_deadline, forward_deadline
from chalicelib.domain.workflow import Command  # one command shape for both workflows

ACTION_LABELS = {
    "receive": "Tiếp nhận phản ánh, kiến nghị",
    "classify": "Phân loại phản ánh, kiến nghị",
    "assign": "Giao cán bộ xử lý",
    "forward": "Chuyển cơ quan có thẩm quyền",
    "answer": "Trả lời phản ánh, kiến nghị",
    "publish": "Công khai kết quả trả lời",
    "close": "Kết thúc xử lý",
    "rate": "Người gửi đánh giá câu trả lời",
}

CLASSIFICATIONS = ("not_accepted", "within_competence", "other_agency")
S = Status
RECEPTION = frozenset({"receptionist", "leader", "admin"})
HANDLING = frozenset({"specialist", "leader", "admin"})
MANAGEMENT = frozenset({"leader", "admin"})


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[Status]
    roles: frozenset[str]
    event: str


FEEDBACK_TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition("classify", frozenset({S.RECEIVED, S.FORWARDED}), RECEPTION, "classified"),
        Transition("assign", frozenset({S.CLASSIFIED, S.ASSIGNED}), RECEPTION, "assigned"),
        Transition("forward", frozenset({S.CLASSIFIED, S.ASSIGNED}), RECEPTION, "forwarded"),
        Transition("answer", frozenset({S.CLASSIFIED, S.ASSIGNED}), HANDLING, "answered"),
        Transition("publish", frozenset({S.ANSWERED}), MANAGEMENT, "published"),
        Transition("close", frozenset({S.ANSWERED}), MANAGEMENT, "closed"),
    )
}


def allowed_actions(feedback: Feedback, role: str) -> list[str]:
    return [
        a
        for a, t in FEEDBACK_TRANSITIONS.items()
        if feedback.status in t.sources and role in t.roles and _may(feedback, a)
    ]


def _may(feedback: Feedback, action: str) -> bool:
    if action == "classify" and feedback.status is S.FORWARDED:
        return not (feedback.forwarded_to or {}).get("external")
    return True


def _label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


def apply(feedback: Feedback, command: Command, calendar: WorkingCalendar) -> Feedback:
    transition = FEEDBACK_TRANSITIONS.get(command.action)
    if transition is None:
        raise ValidationFailed("Thao tác không hợp lệ.", [FieldError("action", "Không hỗ trợ")])
    if feedback.status not in transition.sources or not _may(feedback, command.action):
        raise InvalidTransition(
            f"Không thể thực hiện “{_label(command.action)}” khi phản ánh đang ở trạng thái "
            f"“{feedback.status.label}”."
        )
    if command.actor_role not in transition.roles:
        raise Forbidden(f"Vai trò của bạn không được thực hiện “{_label(command.action)}”.")
    previous = feedback.status
    step = RULES[command.action](feedback, command, calendar)
    feedback.record(
        command.at,
        command.action,
        previous,
        command.actor_role,
        event=step.pop("event", transition.event),
        actor_id=command.actor_id,
        note=command.note,
        **step,
    )
    return feedback


def _need(command: Command, *names: str) -> None:
    missing = [n for n in names if not command.params.get(n)]
    if missing:
        raise ValidationFailed(
            "Thiếu thông tin cho thao tác này.",
            [FieldError(n, "Bắt buộc phải nhập") for n in missing],
        )


def _classify(f: Feedback, c: Command, cal: WorkingCalendar) -> dict:
    """Art. 9: not accepted (no name, address or content), within competence, or elsewhere."""
    _need(c, "classification")
    kind = c.params["classification"]
    if kind not in CLASSIFICATIONS:
        raise ValidationFailed(
            "Cách phân loại không hợp lệ.",
            [FieldError("classification", "Chỉ nhận: " + ", ".join(CLASSIFICATIONS))],
        )
    f.classification = kind
    data = {"classification": kind}
    if kind == "other_agency":
        step = _forward(f, c, cal)
        step["data"].update(data)
        step["event_data"].update(data)
        return {**step, "event": "forwarded"}
    if kind == "not_accepted":
        if not c.note:
            raise ValidationFailed(
                "Cần nêu lý do không tiếp nhận.", [FieldError("note", "Bắt buộc")]
            )
        f.status, f.closed_at = S.NOT_ACCEPTED, c.at
        return _step(f.forward_by, c.at, cal, data=data, public_note=c.note, reason=c.note)
    f.status = S.CLASSIFIED
    step = _step(f.forward_by, c.at, cal, data=data)
    f.due_at = answer_deadline(f.agency_received_at, cal)
    step["event_data"]["due_at"] = f.due_at.isoformat()
    return step


def _forward(f: Feedback, c: Command, cal: WorkingCalendar) -> dict:
    """To an agency of the portal (it classifies again) or outside (the case ends here)."""
    target, external = c.params.get("agency"), c.params.get("external_agency")
    if bool(target) == bool(external):
        raise ValidationFailed(
            "Chọn một cơ quan nhận: trong hệ thống (agency) hoặc bên ngoài (external_agency).",
            [FieldError("agency", "Chọn đúng một cơ quan nhận")],
        )
    if target == f.agency_id:
        raise ValidationFailed(
            "Cơ quan nhận phải khác cơ quan hiện tại.", [FieldError("agency", "Trùng cơ quan")]
        )
    step = _step(f.forward_by, c.at, cal, data={"from": f.agency_id, "to": target or external})
    f.forwarded_to = {
        "agency": target or external,
        "external": bool(external),
        "at": c.at.isoformat(),
    }
    f.status, f.assignee = S.FORWARDED, None
    if target:
        f.agency_id, f.agency_received_at = target, c.at
        f.forward_by = forward_deadline(c.at, cal)
        f.due_at = f.forward_by
    else:
        f.closed_at = c.at
    step["event_data"].update(to_agency=target or external, external=bool(external))
    return step


def _assign(f: Feedback, c: Command, cal: WorkingCalendar) -> dict:
    _need(c, "assignee")
    f.assignee, f.status = str(c.params["assignee"]), S.ASSIGNED
    return _step(None, c.at, cal, data={"assignee": f.assignee})


def _answer(f: Feedback, c: Command, cal: WorkingCalendar) -> dict:
    _need(c, "answer")
    text = str(c.params["answer"]).strip()
    timeliness = cal.classify(c.at, f.due_at)
    f.answer = {
        "text": text,
        "answered_at": c.at.isoformat(),
        "agency_id": f.agency_id,
        "timeliness": timeliness,
    }
    f.status = S.ANSWERED
    return _step(f.due_at, c.at, cal, public_note=text)


def _publish(f: Feedback, c: Command, cal: WorkingCalendar) -> dict:
    f.status, f.published_at = S.PUBLISHED, c.at
    return _step(None, c.at, cal)


def _close(f: Feedback, c: Command, cal: WorkingCalendar) -> dict:
    f.status, f.closed_at = S.CLOSED, c.at
    return _step(None, c.at, cal)


def _step(due: datetime | None, at: datetime, cal: WorkingCalendar, **extra) -> dict:
    outcome = cal.classify(at, due) if due else None
    data = extra.pop("data", {})
    reason = extra.pop("reason", None)
    event_data = {**data, **({"timeliness": outcome} if outcome else {})}
    if reason:
        event_data["reason"] = reason
    return {"step_due_at": due, "outcome": outcome, "data": data, "event_data": event_data, **extra}


RULES = {
    "classify": _classify,
    "assign": _assign,
    "forward": _forward,
    "answer": _answer,
    "publish": _publish,
    "close": _close,
}
