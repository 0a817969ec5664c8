"""The applicant rates a dossier after its result: four criteria, three levels, once."""

import uuid

from chalicelib.persistence import dossier_store
from tests.factories import (
    PROCEDURE,
    RECEIVING_AGENCY,
    call,
    random_phone,
    submit,
    token,
)

RATING = {
    "overall": "rat_hai_long",
    "convenience": "hai_long",
    "timeliness": "hai_long",
    "attitude": "chua_hai_long",
}


def advance(client, code, agency, *steps):
    for role, action, params in steps:
        officer = token(client, role, agency)
        _, view = call(client, "GET", f"/v1/officer/dossiers/{code}", token=officer)
        status, data = call(
            client,
            "POST",
            f"/v1/officer/dossiers/{code}/actions",
            {"action": action, "version": view["version"], **params},
            token=officer,
        )
        assert status == 200, data


def with_result(client, token_=None):
    phone = random_phone()
    _, created = submit(client, token_=token_, phone=phone)
    agency = RECEIVING_AGENCY[PROCEDURE]
    advance(
        client,
        created["code"],
        agency,
        ("receptionist", "accept", {}),
        ("leader", "assign", {"assignee": "specialist-1"}),
        ("leader", "approve", {}),
    )
    return created["code"], phone, agency


def rate(client, code, body, token_=None, headers=None):
    return call(client, "POST", f"/v1/dossiers/{code}/rating", body, token=token_, headers=headers)


def test_the_applicant_rates_a_dossier_with_a_result(client):
    code, phone, _ = with_result(client)

    status, data = rate(client, code, {**RATING, "comment": "Nhanh", "phone": phone})

    assert status == 201, data
    assert {k: data[k] for k in RATING} == RATING and data["comment"] == "Nhanh"
    _, _, outbox = dossier_store.models()
    events = [
        r.event for r in outbox.query(dossier_store.pk(code), outbox.SK.startswith("OUTBOX#"))
    ]
    (rated,) = [e for e in events if e["type"] == "dossier.rated"]
    assert {k: rated["data"][k] for k in RATING} == RATING and "comment" not in rated["data"]


def test_a_dossier_is_rated_only_once(client):
    code, phone, _ = with_result(client)
    rate(client, code, {**RATING, "phone": phone})

    status, data = rate(client, code, {**RATING, "overall": "hai_long", "phone": phone})

    assert status == 409 and data["error"]["code"] == "CONFLICT"


def test_a_retry_with_the_same_idempotency_key_gets_the_first_answer(client):
    code, phone, _ = with_result(client)
    headers = {"Idempotency-Key": uuid.uuid4().hex}

    first = rate(client, code, {**RATING, "phone": phone}, headers=headers)
    again = rate(client, code, {**RATING, "phone": phone}, headers=headers)

    assert first[0] == again[0] == 201 and first[1] == again[1]


def test_only_the_applicant_may_rate(client):
    owner = token(client, "citizen")
    code, _, _ = with_result(client, token_=owner)

    stranger = rate(client, code, {**RATING, "phone": random_phone()})
    other_citizen = rate(client, code, RATING, token_=token(client, "citizen"))
    nobody = rate(client, code, RATING)
    status, _ = rate(client, code, RATING, token_=owner)

    assert stranger[0] == 404 and other_citizen[0] == 404
    assert nobody[0] == 400 and nobody[1]["error"]["details"][0]["field"] == "phone"
    assert status == 201


def test_a_dossier_without_a_result_cannot_be_rated(client):
    phone = random_phone()
    _, created = submit(client, phone=phone)

    status, data = rate(client, created["code"], {**RATING, "phone": phone})

    assert status == 409 and data["error"]["code"] == "INVALID_TRANSITION"


def test_a_returned_dossier_can_still_be_rated(client):
    code, phone, agency = with_result(client)
    advance(client, code, agency, ("receptionist", "return_result", {"fee_collected": 1_000_000}))

    status, _ = rate(client, code, {**RATING, "phone": phone})

    assert status == 201


def test_every_criterion_takes_one_of_three_levels(client):
    code, phone, _ = with_result(client)

    status, data = rate(client, code, {"overall": "tot", "phone": phone})

    assert status == 400
    fields = {d["field"] for d in data["error"]["details"]}
    assert fields == {"overall", "convenience", "timeliness", "attitude"}
