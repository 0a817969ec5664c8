"""The control slip (Form 06) as data: the procedure's steps, where the dossier is, the
hand-overs read from its history and the opinions asked of other agencies."""

from chalicelib.domain import process
from chalicelib.services.dossiers import control_slip
from tests import builders

STEPS = [
    {"code": "B1", "name": "Tiếp nhận", "role": "receptionist", "share": 10},
    {"code": "B2", "name": "Thẩm định", "role": "specialist", "share": 60, "agency_id": "so-tp"},
    {"code": "B3", "name": "Phê duyệt", "role": "leader", "share": 30},
]


def slip(monkeypatch, history=(), **changes):
    monkeypatch.setattr(control_slip.dossier_store, "history", lambda code: list(history))
    monkeypatch.setattr(control_slip.deadlines, "calendar", lambda agency: builders.CALENDAR)
    procedure = {"code": "1.000894", "name": "Đăng ký kết hôn", "internal_process": STEPS}
    return control_slip.control_slip(builders.dossier(procedure=procedure, **changes))


def test_the_steps_name_their_agency_the_dossiers_unless_another_does_it(monkeypatch):
    found = slip(monkeypatch)

    assert [(s["code"], s["agency_id"], s["share"]) for s in found["steps"]] == [
        ("B1", "ubnd-phuong-kinh-bac", 10),
        ("B2", "so-tp", 60),
        ("B3", "ubnd-phuong-kinh-bac", 30),
    ]
    assert found["form_url"] == "/v1/officer/dossiers/000.00.51.H06-250303-0001/forms/06"


def test_before_acceptance_there_is_no_current_step_and_no_due_date(monkeypatch):
    found = slip(monkeypatch)

    assert (found["current_step"], found["accepted_at"], found["due_at"]) == (None, None, None)


def test_accepted_the_dossier_is_at_the_first_step_until_a_hand_over(monkeypatch):
    accepted = builders.MONDAY
    due = builders.CALENDAR.due_at(accepted, 10, "working_days")

    found = slip(monkeypatch, accepted_at=accepted, due_at=due)

    assert found["current_step"]["step"] == "B1"
    assert found["due_at"] == due.isoformat()


def test_rows_and_consults_come_from_the_history_and_the_dossier(monkeypatch):
    history = [
        {"seq": 1, "action": "submit", "at": builders.MONDAY.isoformat(), "data": {}},
    ]
    consults = [{"agency": "so-tp", "note": "Xin ý kiến", "answer": None}]

    found = slip(monkeypatch, history, extra={"consults": consults})

    assert found["rows"] == process.slip_rows({"internal_process": STEPS}, history)
    assert found["consults"] == consults
