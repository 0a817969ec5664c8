"""The internal process of a procedure (quy trình nội bộ): its steps in order (receive →
appraise → consult → sign → return), each done by a role, at an agency (by default the one
holding the dossier), within its share of the time limit. Officers hand the dossier from one
step to another (`hand_over`); each hand-over is a row of the control slip (Form 06 of Circular
03/2025/TT-VPCP): who gave, who received, when, and whether the step given up kept its time.

A step's due time is its share of the dossier's whole time limit, counted in working time of the
agency's calendar from the moment the step received the dossier (the acceptance, for the first).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from chalicelib.domain.calendar import WorkingCalendar
from chalicelib.domain.dossier import Dossier
from chalicelib.domain.errors import FieldError, Forbidden, InvalidTransition, ValidationFailed

if TYPE_CHECKING:
    from chalicelib.domain.workflow import Command

HAND_OVER = "hand_over"


@dataclass(frozen=True)
class Step:
    code: str
    name: str
    role: str
    agency_id: str | None
    share: int

    def ref(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name}


def steps(procedure: dict) -> list[Step]:
    """The procedure's steps as its dossier's snapshot keeps them (none: no internal process)."""
    return [
        Step(s["code"], s["name"], s["role"], s.get("agency_id"), int(s["share"]))
        for s in procedure.get("internal_process", [])
    ]


def _find(dossier: Dossier, code: str) -> Step | None:
    return next((s for s in steps(dossier.procedure) if s.code == code), None)


def step_due(dossier: Dossier, step: Step, since: datetime, cal: WorkingCalendar) -> datetime:
    """`step`'s share of the dossier's working time (acceptance to due), from `since`."""
    budget = cal.working_hours_between(cal.start_of_clock(dossier.accepted_at), dossier.due_at)
    return cal.add_working_hours(cal.start_of_clock(since), budget * step.share / 100)


def current(dossier: Dossier, cal: WorkingCalendar) -> dict[str, Any] | None:
    """Where the dossier is in its process: `{step, since, due_at, holder}`; the first step
    from acceptance until the first hand-over. None without a process or before acceptance."""
    if dossier.extra.get("process"):
        return dict(dossier.extra["process"])
    process = steps(dossier.procedure)
    if not process or dossier.accepted_at is None or dossier.due_at is None:
        return None
    first = process[0]
    return {
        "step": first.code,
        "since": dossier.accepted_at.isoformat(),
        "due_at": step_due(dossier, first, dossier.accepted_at, cal).isoformat(),
        "holder": None,
    }


def hand_over(d: Dossier, c: Command, cal: WorkingCalendar) -> dict:
    """The officer holding the current step gives the dossier to another step (forward, or back
    for rework), optionally to a named officer (`assignee`)."""
    state = current(d, cal)
    if state is None:
        raise InvalidTransition("Thủ tục này không khai báo quy trình nội bộ để chuyển bước.")
    if not c.params.get("step"):
        raise ValidationFailed(
            "Thiếu thông tin cho thao tác này.", [FieldError("step", "Bắt buộc phải nhập")]
        )
    target = _find(d, str(c.params["step"]))
    if target is None:
        raise ValidationFailed(
            "Quy trình của thủ tục không có bước này.",
            [FieldError("step", "Không có bước " + str(c.params["step"]))],
        )
    if target.code == state["step"]:
        raise ValidationFailed(
            "Hồ sơ đang ở bước này.", [FieldError("step", "Phải là một bước khác")]
        )
    giving = _find(d, state["step"])
    if giving is not None and c.actor_role not in (giving.role, "admin"):
        raise Forbidden(f"Bước '{giving.name}' do vai trò {giving.role} thực hiện và chuyển đi.")
    due = datetime.fromisoformat(state["due_at"])
    next_due = step_due(d, target, c.at, cal)
    receiver = str(c.params["assignee"]) if c.params.get("assignee") else None
    d.extra["process"] = {
        "step": target.code,
        "since": c.at.isoformat(),
        "due_at": next_due.isoformat(),
        "holder": receiver,
    }
    if receiver:
        d.assignee = receiver
    outcome = cal.classify(c.at, due)
    return {
        "step_due_at": due,
        "outcome": outcome,
        "data": {
            "from_step": state["step"],
            "to_step": target.code,
            "giver": c.actor_id,
            "giver_agency": c.actor_agency or d.agency_id,
            "receiver": receiver,
            "receiver_role": target.role,
            "receiver_agency": target.agency_id or d.agency_id,
            "step_started_at": state["since"],
            "next_step_due_at": next_due.isoformat(),
        },
        "event": {"from_step": state["step"], "to_step": target.code, "outcome": outcome},
    }


def slip_rows(procedure: dict, history: list[dict]) -> list[dict[str, Any]]:
    """One row per hand-over, oldest first: the step given up, by whom, to whom, when, and
    whether that step kept its time (early / on time / late)."""
    names = {s.code: s for s in steps(procedure)}

    def ref(code: str) -> dict:
        step = names.get(code)
        return step.ref() if step else {"code": code, "name": code}

    rows = []
    for entry in sorted(history, key=lambda e: int(e["seq"])):
        if entry["action"] != HAND_OVER:
            continue
        data = entry.get("data", {})
        rows.append(
            {
                "seq": int(entry["seq"]),
                "at": entry["at"],
                "from_step": ref(data["from_step"]),
                "to_step": ref(data["to_step"]),
                "giver": {"id": data.get("giver"), "agency_id": data.get("giver_agency")},
                "receiver": {
                    "id": data.get("receiver"),
                    "role": data.get("receiver_role"),
                    "agency_id": data.get("receiver_agency"),
                },
                "step_started_at": data.get("step_started_at"),
                "step_due_at": entry.get("step_due_at"),
                "outcome": entry.get("outcome"),
                "next_step_due_at": data.get("next_step_due_at"),
            }
        )
    return rows
