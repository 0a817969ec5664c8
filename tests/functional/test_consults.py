"""Inter-agency work (liên thông): the agency handling a dossier asks another agency for its
opinion with a deadline; the consulted agency sees it in its inbox and answers; the citizen sees
the dossier in progress, the national portal `interoperating`; reminders come before the
deadline without moving the dossier's version; every bad input changes nothing."""

from datetime import timedelta

import pytest

from tests.factories import call, submit, token
from tests.functional.test_officer_workflow import act, detail

AGENCY = "ubnd-phuong-kinh-bac"  # receives the birth registrations of the tests (1.001193)
POLICE = "cong-an-phuong-kinh-bac"  # consulted (residence registration)
THIRD = "ubnd-phuong-vo-cuong"


def in_progress(client):
    body, created = submit(client)
    desk = token(client, "receptionist", AGENCY)
    code = created["code"]
    _, view = detail(client, code, desk)
    _, view = act(client, code, desk, "accept", view["version"])
    status, view = act(client, code, desk, "assign", view["version"], assignee="tp-1")
    assert status == 200 and view["status"] == "in_progress", view
    return body, view


@pytest.fixture
def specialist(client):
    return token(client, "specialist", AGENCY, subject="tp-1")


@pytest.fixture
def police(client):
    return token(client, "specialist", POLICE, subject="ca-1")


@pytest.fixture
def consulted(client, specialist):
    body, view = in_progress(client)
    status, view = act(
        client,
        view["code"],
        specialist,
        "request_consult",
        view["version"],
        agency=POLICE,
        note="Đề nghị xác nhận nơi thường trú của người mẹ.",
        reply_days=2,
    )
    assert status == 200, view
    return body, view


class TestConsult:
    def test_a_request_waits_with_its_own_deadline_and_the_citizen_sees_in_progress(
        self, client, consulted
    ):
        body, view = consulted

        assert view["status"] == "in_progress"
        (request,) = view["consults"]
        assert request["agency_id"] == POLICE and request["state"] == "open"
        assert request["requested_by"] == "tp-1"
        assert view["submitted_at"] < request["due_at"]
        phone = body["applicant"]["phone"]
        status, public = call(client, "GET", f"/v1/dossiers/{view['code']}?phone={phone}")
        assert status == 200 and public["status"] == "in_progress"

    def test_the_national_portal_is_told_interoperating(self, client, consulted):
        from chalicelib.domain import national_sync
        from chalicelib.persistence import dossier_store
        from chalicelib.validation import errors_for

        history = dossier_store.history(consulted[1]["code"])
        last = national_sync.status_changes(history)[-1]

        assert last["action"] == "request_consult"
        assert national_sync.status_key(4, history) == "interoperating"
        assert national_sync.status_key(4, [e for e in history if e is not last]) == "processing"
        dossier = dossier_store.get(consulted[1]["code"])
        record = national_sync.build(dossier, history, last, "000.14.50.H06", lambda a: "u")
        assert record["status"] == {"code": 4, "key": "interoperating"}
        assert errors_for(record, national_sync.RECORD_SCHEMA) == []

    def test_the_consulted_agency_sees_it_in_its_inbox_and_answers(
        self, client, consulted, police, specialist
    ):
        code = consulted[1]["code"]

        status, inbox = call(client, "GET", "/v1/officer/dossiers?page_size=100", token=police)
        assert status == 200
        row = next(r for r in inbox["items"] if r["code"] == code)
        assert row["consult"]["from_agency"] == AGENCY
        assert row["due_at"] == consulted[1]["consults"][0]["due_at"]
        status, view = detail(client, code, police)
        assert status == 200 and view["allowed_actions"] == ["answer_consult"]
        assert "answer_consult" not in detail(client, code, specialist)[1]["allowed_actions"]

        status, view = act(
            client,
            code,
            police,
            "answer_consult",
            view["version"],
            note="Người mẹ thường trú tại phường Kinh Bắc.",
        )

        assert status == 200, view
        (answered,) = view["consults"]
        assert answered["state"] == "answered" and answered["answered_by"] == "ca-1"
        assert answered["outcome"] in ("early", "on_time")
        entry = view["history"][-1]
        assert entry["action"] == "answer_consult" and entry["agency_id"] == POLICE
        status, inbox = call(client, "GET", "/v1/officer/dossiers?page_size=100", token=police)
        assert code not in [r["code"] for r in inbox["items"]]
        assert detail(client, code, police)[0] == 404  # nothing more to answer
        status, view = detail(client, code, specialist)
        assert status == 200 and view["status"] == "in_progress"
        status, slip = call(
            client, "GET", f"/v1/officer/dossiers/{code}/control-slip", token=specialist
        )
        assert status == 200 and slip["consults"][0]["answer"].startswith("Người mẹ")
        status, html = call(
            client, "GET", f"/v1/officer/dossiers/{code}/forms/06", token=specialist
        )
        text = html.decode() if isinstance(html, bytes) else html
        assert "xin ý kiến" in text and "Công an phường Kinh Bắc" in text

    def test_the_consulted_agency_only_answers(self, client, consulted, police):
        code, version = consulted[1]["code"], consulted[1]["version"]
        leader = token(client, "leader", POLICE)

        status, error = act(client, code, leader, "approve", version)

        assert status == 403, error
        assert detail(client, code, police)[1]["version"] == version

    def test_an_answer_from_the_wrong_agency_changes_nothing(self, client, consulted, specialist):
        code, version = consulted[1]["code"], consulted[1]["version"]
        stranger = token(client, "specialist", THIRD)

        status, _ = act(client, code, stranger, "answer_consult", version, note="Ý kiến")
        assert status == 404
        status, error = act(client, code, specialist, "answer_consult", version, note="Ý kiến")
        assert status == 403, error
        _, view = detail(client, code, specialist)
        assert view["version"] == version and view["consults"][0]["state"] == "open"

    def test_an_answer_needs_its_text(self, client, consulted, police):
        code, version = consulted[1]["code"], consulted[1]["version"]

        status, error = act(client, code, police, "answer_consult", version)

        assert status == 400 and error["error"]["details"][0]["field"] == "note"

    def test_a_consult_of_an_unknown_agency_or_without_a_question_changes_nothing(
        self, client, specialist
    ):
        _, view = in_progress(client)
        code, version = view["code"], view["version"]

        status, error = act(
            client, code, specialist, "request_consult", version, agency="khong-co", note="?"
        )
        assert status == 400 and error["error"]["details"][0]["field"] == "agency"
        status, error = act(client, code, specialist, "request_consult", version, agency=POLICE)
        assert status == 400 and error["error"]["details"][0]["field"] == "note"
        status, error = act(
            client, code, specialist, "request_consult", version, agency=AGENCY, note="?"
        )
        assert status == 400 and error["error"]["details"][0]["field"] == "agency"
        _, after = detail(client, code, specialist)
        assert after["version"] == version and after["consults"] == []

    def test_one_open_request_per_agency(self, client, consulted, specialist):
        code, version = consulted[1]["code"], consulted[1]["version"]

        status, error = act(
            client, code, specialist, "request_consult", version, agency=POLICE, note="Lần hai"
        )

        assert status == 409 and error["error"]["code"] == "INVALID_TRANSITION"


class TestReminders:
    def test_the_consulted_agency_is_reminded_once_per_level_without_a_version_change(
        self, client, fresh_tables, consulted, police
    ):
        from datetime import datetime

        from chalicelib.services.dossiers import consults

        code, version = consulted[1]["code"], consulted[1]["version"]
        due = datetime.fromisoformat(consulted[1]["consults"][0]["due_at"])

        soon = consults.remind(due - timedelta(hours=1))
        again = consults.remind(due - timedelta(minutes=30))
        late = consults.remind(due + timedelta(hours=1))

        assert soon == {"consult_due_soon": 1, "consult_overdue": 0}
        assert again == {"consult_due_soon": 0, "consult_overdue": 0}
        assert late == {"consult_due_soon": 0, "consult_overdue": 1}
        status, view = act(client, code, police, "answer_consult", version, note="Trả lời.")
        assert status == 200, view  # the reminders did not move the version
        assert consults.remind(due + timedelta(hours=2)) == {
            "consult_due_soon": 0,
            "consult_overdue": 0,
        }


def test_the_consulted_agency_is_told_of_the_request_in_its_notifications(
    client, consulted, police
):
    from tests.functional.notify_helpers import drain, outbox_events, run_events

    code = consulted[1]["code"]
    run_events(client, outbox_events(code, ("dossier.consult_requested",)))
    drain(client)

    _, agency = call(client, "GET", "/v1/officer/notifications?scope=agency", token=police)

    assert ("officer_consult", code) in {
        (m["template"], m["dossier_code"]) for m in agency["items"]
    }
