"""The citizen answers a supplement request; the clock follows the rules of the phase."""

from tests.factories import call, needs_file, procedure, submit, token, upload
from tests.functional.test_officer_workflow import AGENCY, act, detail


def request_supplement(client, code, accept_first=False):
    desk = token(client, role="receptionist", agency=AGENCY)
    _, view = detail(client, code, desk)
    if accept_first:
        _, view = act(client, code, desk, "accept", view["version"])
        specialist = token(client, role="specialist", agency=AGENCY)
        return act(
            client,
            code,
            specialist,
            "request_supplement",
            view["version"],
            items=["Giấy chứng sinh bản rõ nét"],
        )
    return act(
        client,
        code,
        desk,
        "request_supplement",
        view["version"],
        items=["Giấy chứng sinh bản rõ nét"],
        note="Ảnh chụp bị mờ",
    )


def new_file(client):
    component = next(c for c in procedure(client)["components"] if needs_file(c))
    return {"component_code": component["code"], "upload_id": upload(client, component)}


def test_an_intake_supplement_goes_back_to_the_desk_with_a_new_acknowledgement(client):
    body, created = submit(client)
    code, phone = created["code"], body["applicant"]["phone"]
    request_supplement(client, code)

    status, view = call(
        client,
        "POST",
        f"/v1/dossiers/{code}/supplements",
        {"phone": phone, "attachments": [new_file(client)], "note": "Đã chụp lại"},
    )

    assert status == 200 and view["status"] == "submitted" and view["requested"] is None
    assert view["due_at"] is None
    assert [s["action"] for s in view["history"]][-2:] == ["request_supplement", "resubmit"]


def test_after_appraisal_the_answer_restarts_the_time_limit(client):
    body, created = submit(client)
    code, phone = created["code"], body["applicant"]["phone"]
    _, before = request_supplement(client, code, accept_first=True)

    status, view = call(
        client,
        "POST",
        f"/v1/dossiers/{code}/supplements",
        {"phone": phone, "attachments": [new_file(client)]},
    )

    assert status == 200 and view["status"] == "in_progress"
    assert view["due_at"] >= before["due_at"]


def test_form_changes_are_validated_against_the_procedure_form(client):
    body, created = submit(client)
    code, phone = created["code"], body["applicant"]["phone"]
    request_supplement(client, code)

    status, error = call(
        client,
        "POST",
        f"/v1/dossiers/{code}/supplements",
        {"phone": phone, "form": {"truong_khong_co": "x"}},
    )

    assert status == 400 and error["error"]["details"][0]["field"].startswith("form")


def test_without_a_pending_request_the_answer_is_an_invalid_transition(client):
    body, created = submit(client)

    status, error = call(
        client,
        "POST",
        f"/v1/dossiers/{created['code']}/supplements",
        {"phone": body["applicant"]["phone"], "note": "x", "attachments": [new_file(client)]},
    )

    assert status == 409 and error["error"]["code"] == "INVALID_TRANSITION"


def test_only_the_applicant_can_answer(client):
    _, created = submit(client)
    request_supplement(client, created["code"])

    status, _ = call(
        client,
        "POST",
        f"/v1/dossiers/{created['code']}/supplements",
        {"phone": "0900000001", "attachments": [new_file(client)]},
    )

    assert status == 404
