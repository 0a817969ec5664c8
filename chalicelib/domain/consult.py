"""Inter-agency work (liên thông): the agency handling a dossier asks another agency for its
opinion, with a deadline of its own; the consulted agency answers. While a request is open the
dossier stays `in_progress` for the citizen (the national portal is told `interoperating`), the
consulted agency sees it in its inbox, and the deadline watch reminds it before the deadline.

A request is kept on the dossier (`extra["consults"]`), one open request per agency at a time;
the history keeps every request and answer, with its due time and whether it came in time.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from chalicelib.domain.calendar import WorkingCalendar
from chalicelib.domain.dossier import Dossier
from chalicelib.domain.errors import FieldError, Forbidden, InvalidTransition, ValidationFailed

if TYPE_CHECKING:
    from chalicelib.domain.workflow import Command

REQUEST_CONSULT = "request_consult"
ANSWER_CONSULT = "answer_consult"
OPEN, ANSWERED = "open", "answered"
DEFAULT_REPLY_WORKING_DAYS = 3  # the portal's default; the requesting officer may set 1-30


def open_consults(dossier: Dossier) -> list[dict[str, Any]]:
    """The requests still waiting for an answer (none once the dossier is closed)."""
    if not dossier.status.is_open:
        return []
    return [c for c in dossier.extra.get("consults", []) if c["state"] == OPEN]


def is_consulted(dossier: Dossier, agency_id: str | None) -> bool:
    return any(c["agency_id"] == agency_id for c in open_consults(dossier))


def request(d: Dossier, c: Command, cal: WorkingCalendar) -> dict:
    missing = [n for n, v in (("agency", c.params.get("agency")), ("note", c.note)) if not v]
    if missing:
        raise ValidationFailed(
            "Thiếu thông tin cho thao tác này.",
            [FieldError(n, "Bắt buộc phải nhập") for n in missing],
        )
    agency = str(c.params["agency"])
    if agency in (d.agency_id, d.extra.get("receiving_agency_id")):
        raise ValidationFailed(
            "Cơ quan được xin ý kiến phải là cơ quan khác.",
            [FieldError("agency", "Trùng cơ quan đang giải quyết hồ sơ")],
        )
    if is_consulted(d, agency):
        raise InvalidTransition("Đã xin ý kiến cơ quan này và đang chờ trả lời.")
    days = int(c.params.get("reply_days") or DEFAULT_REPLY_WORKING_DAYS)
    due = cal.add_working_hours(cal.start_of_clock(c.at), days * cal.office_hours.hours_per_day)
    consult = {
        "agency_id": agency,
        "state": OPEN,
        "question": c.note,
        "requested_by": c.actor_id,
        "requested_at": c.at.isoformat(),
        "due_at": due.isoformat(),
    }
    d.extra["consults"] = [*d.extra.get("consults", []), consult]
    return {
        "step_due_at": due,
        "data": {"agency": agency, "due_at": due.isoformat()},
        "event": {"to_agency": agency, "due_at": due.isoformat()},
    }


def answer(d: Dossier, c: Command, cal: WorkingCalendar) -> dict:
    """Only an officer of a consulted agency answers its open request."""
    consult = next((x for x in open_consults(d) if x["agency_id"] == c.actor_agency), None)
    if consult is None:
        raise Forbidden("Cơ quan của bạn không có yêu cầu xin ý kiến nào đang chờ về hồ sơ này.")
    if not c.note:
        raise ValidationFailed(
            "Cần nội dung ý kiến trả lời.", [FieldError("note", "Bắt buộc phải nhập")]
        )
    due = datetime.fromisoformat(consult["due_at"])
    outcome = cal.classify(c.at, due)
    consult.update(
        state=ANSWERED,
        answer=c.note,
        answered_by=c.actor_id,
        answered_at=c.at.isoformat(),
        outcome=outcome,
    )
    return {
        "step_due_at": due,
        "outcome": outcome,
        "data": {"agency": consult["agency_id"], "requested_at": consult["requested_at"]},
        "event": {"from_agency": consult["agency_id"], "outcome": outcome},
    }
