"""The internal process: each step's due time is its share of the dossier's working time,
counted from when the step received the dossier; a late hand-over is rated late."""

from datetime import datetime, timedelta

from chalicelib.domain import process, workflow
from chalicelib.domain.calendar import VN_TZ
from tests.builders import CALENDAR, MONDAY, make_dossier

STEPS = [
    {"code": "receive", "name": "Tiếp nhận", "role": "receptionist", "share": 10},
    {"code": "appraise", "name": "Thẩm định", "role": "specialist", "share": 50},
    {"code": "sign", "name": "Ký", "role": "leader", "share": 40},
]


def accepted():
    from chalicelib.domain.dossier import Status

    dossier = make_dossier(Status.ACCEPTED, days=10)  # accepted Monday 9:00, 10 working days
    dossier.procedure["internal_process"] = STEPS
    return dossier


def hand_over(dossier, role, step, at):
    command = workflow.Command("hand_over", role, f"{role}-1", "ubnd-a", at, params={"step": step})
    return workflow.apply(dossier, command, CALENDAR)


def test_the_first_step_is_due_after_its_share_of_the_working_time():
    dossier = accepted()

    state = process.current(dossier, CALENDAR)

    assert state["step"] == "receive"
    assert datetime.fromisoformat(state["due_at"]) == datetime(2026, 3, 3, 9, 0, tzinfo=VN_TZ)


def test_the_next_step_counts_its_share_from_the_hand_over():
    dossier = accepted()
    at = datetime(2026, 3, 2, 14, 0, tzinfo=VN_TZ)

    hand_over(dossier, "receptionist", "appraise", at)

    entry = dossier.pending_history[-1]
    assert entry.outcome == "early" and entry.status_to == "in_progress"
    assert entry.data["next_step_due_at"] == datetime(2026, 3, 9, 14, 0, tzinfo=VN_TZ).isoformat()
    assert process.current(dossier, CALENDAR)["step"] == "appraise"


def test_a_hand_over_after_the_step_s_due_time_is_late():
    dossier = accepted()

    hand_over(dossier, "receptionist", "appraise", MONDAY + timedelta(days=2))

    assert dossier.pending_history[-1].outcome == "late"
