"""The internal process of a procedure: officers hand the dossier from step to step, each
hand-over is recorded (giver, receiver, times, on time or late against the step's share of the
time limit) and shown on the control slip (Form 06 and its JSON)."""

from datetime import datetime, timedelta

import pytest

from tests.factories import call, submit, token
from tests.functional.test_officer_workflow import act

AGENCY = "ubnd-phuong-kinh-bac"  # receives the birth registrations of the tests (1.001193)
OTHER_AGENCY = "ubnd-phuong-vo-cuong"
NO_PROCESS = "1.000894"  # marriage registration: no internal process in the sample catalog


def slip(client, code, officer):
    return call(client, "GET", f"/v1/officer/dossiers/{code}/control-slip", token=officer)


@pytest.fixture
def desk(client):
    return token(client, "receptionist", AGENCY, subject="mc-kinh-bac-1")


@pytest.fixture
def accepted(client, desk):
    _, created = submit(client)
    status, view = call(client, "GET", f"/v1/officer/dossiers/{created['code']}", token=desk)
    status, view = act(client, created["code"], desk, "accept", view["version"])
    assert status == 200, view
    return view


class TestHandOver:
    def test_the_dossier_starts_at_the_first_step_with_its_share_of_the_time_limit(
        self, client, desk, accepted
    ):
        step = accepted["process_step"]

        assert step["step"] == "receive" and step["holder"] is None
        assert step["since"] == accepted["accepted_at"]
        assert accepted["accepted_at"] <= step["due_at"] <= accepted["due_at"]

    def test_each_hand_over_is_a_row_of_the_control_slip(self, client, desk, accepted):
        code = accepted["code"]
        specialist = token(client, "specialist", AGENCY, subject="tp-kinh-bac-1")
        leader = token(client, "leader", AGENCY, subject="ld-kinh-bac-1")

        status, view = act(
            client,
            code,
            desk,
            "hand_over",
            accepted["version"],
            step="appraise",
            assignee="tp-kinh-bac-1",
        )
        assert status == 200, view
        assert view["status"] == "in_progress" and view["assignee"] == "tp-kinh-bac-1"
        assert view["process_step"]["step"] == "appraise"
        assert view["process_step"]["holder"] == "tp-kinh-bac-1"
        status, view = act(client, code, specialist, "hand_over", view["version"], step="sign")
        assert status == 200, view

        status, data = slip(client, code, leader)
        assert status == 200, data
        assert [s["code"] for s in data["steps"]] == ["receive", "appraise", "sign", "return"]
        assert sum(s["share"] for s in data["steps"]) == 100
        assert data["current_step"]["step"] == "sign"
        first, second = data["rows"]
        assert (first["from_step"]["code"], first["to_step"]["code"]) == ("receive", "appraise")
        assert first["giver"] == {"id": "mc-kinh-bac-1", "agency_id": AGENCY}
        assert first["receiver"] == {
            "id": "tp-kinh-bac-1",
            "role": "specialist",
            "agency_id": AGENCY,
        }
        assert first["step_started_at"] == accepted["accepted_at"]
        assert first["step_due_at"] == accepted["process_step"]["due_at"]
        assert first["outcome"] in ("early", "on_time")  # handed over at once
        assert second["giver"]["id"] == "tp-kinh-bac-1" and second["receiver"]["id"] is None
        assert second["step_started_at"] == first["at"]
        assert second["step_due_at"] == first["next_step_due_at"]
        assert data["form_url"].endswith("/forms/06")

        status, html = call(client, "GET", f"/v1/officer/dossiers/{code}/forms/06", token=leader)
        assert status == 200
        text = html.decode() if isinstance(html, bytes) else html
        assert "Giao: Tiếp nhận, kiểm tra hồ sơ" in text and "mc-kinh-bac-1" in text
        assert "Nhận: Lãnh đạo Ủy ban nhân dân ký Giấy khai sinh" in text
        pdf = client.http.get(
            f"/v1/officer/dossiers/{code}/forms/06/pdf",
            headers={"Authorization": f"Bearer {leader}", "Accept": "application/pdf"},
        )
        assert pdf.status_code == 200 and pdf.body.startswith(b"%PDF")

        status, history = call(client, "GET", f"/v1/officer/dossiers/{code}", token=leader)
        entry = [e for e in history["history"] if e["action"] == "hand_over"][0]
        assert entry["data"]["giver"] == "mc-kinh-bac-1"
        assert datetime.fromisoformat(entry["at"]) <= datetime.fromisoformat(
            entry["data"]["next_step_due_at"]
        )

    def test_a_step_handed_over_after_its_due_time_is_late(self, client, desk, accepted):
        from chalicelib.domain import process
        from chalicelib.persistence import dossier_store

        dossier = dossier_store.get(accepted["code"])
        due = datetime.fromisoformat(accepted["accepted_at"]) - timedelta(hours=1)
        state = dict(accepted["process_step"], due_at=due.isoformat())
        dossier.extra["process"] = state
        dossier_store.save(dossier, dossier.version)

        status, view = act(
            client, accepted["code"], desk, "hand_over", dossier.version, step="appraise"
        )
        assert status == 200, view

        rows = process.slip_rows(dossier.procedure, view["history"])
        assert rows[0]["outcome"] == "late"

    def test_a_hand_over_to_a_step_that_does_not_exist_changes_nothing(
        self, client, desk, accepted
    ):
        status, error = act(
            client, accepted["code"], desk, "hand_over", accepted["version"], step="khong_co"
        )

        assert status == 400 and error["error"]["details"][0]["field"] == "step"
        status, view = call(client, "GET", f"/v1/officer/dossiers/{accepted['code']}", token=desk)
        assert view["version"] == accepted["version"] and view["status"] == "accepted"

    def test_a_hand_over_needs_a_step_other_than_the_current_one(self, client, desk, accepted):
        status, error = act(client, accepted["code"], desk, "hand_over", accepted["version"])
        assert status == 400 and error["error"]["details"][0]["field"] == "step"

        status, error = act(
            client, accepted["code"], desk, "hand_over", accepted["version"], step="receive"
        )
        assert status == 400 and error["error"]["details"][0]["field"] == "step"

    def test_only_the_role_of_the_current_step_gives_it_up(self, client, accepted):
        specialist = token(client, "specialist", AGENCY)

        status, error = act(
            client, accepted["code"], specialist, "hand_over", accepted["version"], step="sign"
        )

        assert status == 403, error

    def test_a_procedure_without_a_process_cannot_hand_over(self, client):
        _, created = submit(client, code=NO_PROCESS)
        desk = token(client, "receptionist", "ubnd-phuong-bac-giang")
        status, view = call(client, "GET", f"/v1/officer/dossiers/{created['code']}", token=desk)
        status, view = act(client, created["code"], desk, "accept", view["version"])
        assert view["process_step"] is None

        status, error = act(
            client, created["code"], desk, "hand_over", view["version"], step="sign"
        )

        assert status == 409 and error["error"]["code"] == "INVALID_TRANSITION"
        status, data = slip(client, created["code"], desk)
        assert status == 200 and data["steps"] == [] and data["rows"] == []

    def test_another_agency_sees_no_control_slip_and_cannot_hand_over(self, client, accepted):
        stranger = token(client, "receptionist", OTHER_AGENCY)

        assert slip(client, accepted["code"], stranger)[0] == 404
        status, _ = act(
            client, accepted["code"], stranger, "hand_over", accepted["version"], step="appraise"
        )
        assert status == 404
