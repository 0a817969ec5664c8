"""A lookup by code and phone is one guess transaction (issue 18): anonymous, two DynamoDB calls
for a right phone and one for a wrong one; signed in, one Query. Issue 15's guarantees hold: only
wrong guesses count (an unknown code is one), a right phone while a limit is spent still gets
429, and a dossier stored before its phone's digest still answers and counts."""

from __future__ import annotations

import random
import uuid

import boto3

from chalicelib.config import get_settings
from chalicelib.persistence import dossier_store
from tests.factories import call, calling_from, dynamodb_calls, random_phone, submit, token


def address() -> str:
    return f"203.0.113.{random.randint(1, 254)}"


def lookup(client, code: str, phone: str, bearer: str | None = None) -> tuple[int, dict]:
    return call(client, "GET", f"/v1/dossiers/{code}?phone={phone}", token=bearer)


def wrong_phone(right: str) -> str:
    while (phone := random_phone()) == right:
        pass
    return phone


def without_digest(code: str) -> None:
    """Make the dossier an item written before the phone's digest was."""
    boto3.client("dynamodb").update_item(
        TableName=get_settings().table_dossiers,
        Key={"PK": {"S": dossier_store.pk(code)}, "SK": {"S": dossier_store.META}},
        UpdateExpression="REMOVE phone_digest",
    )


def test_a_right_phone_is_two_calls_and_counts_nothing(client, limits):
    limits(LOOKUP_FAILURES_PER_CODE_AND_IP=2)
    body, created = submit(client)
    code, phone = created["code"], body["applicant"]["phone"]

    with calling_from(address()):
        with dynamodb_calls() as calls:
            status, view = lookup(client, code, phone)
        rights = [lookup(client, code, phone)[0] for _ in range(5)]
        wrongs = [lookup(client, code, wrong_phone(phone))[0] for _ in range(3)]

    assert status == 200 and view["code"] == code
    assert calls == ["TransactWriteItems", "Query"]
    assert rights == [200] * 5
    assert wrongs == [404, 404, 429]  # the right ones took none of the two attempts


def test_a_wrong_phone_is_one_counted_call_and_an_unknown_code_the_same_404(client, limits):
    limits(LOOKUP_FAILURES_PER_CODE_AND_IP=1)
    body, created = submit(client)
    code, phone = created["code"], body["applicant"]["phone"]
    unknown = f"{code[:-4]}9{code[-3:]}"

    with calling_from(address()):
        with dynamodb_calls() as calls:
            wrong = lookup(client, code, wrong_phone(phone))
        after_wrong = lookup(client, code, phone)
        missing = lookup(client, unknown, phone)
        after_missing = lookup(client, unknown, phone)

    assert calls == ["TransactWriteItems"]
    assert wrong[0] == missing[0] == 404
    assert wrong[1] == missing[1]
    assert after_wrong[0] == after_missing[0] == 429  # both were counted


def test_a_right_phone_gets_429_while_a_limit_is_spent(client, limits):
    limits(LOOKUP_FAILURES_PER_CODE_AND_IP=2)
    body, created = submit(client)
    code, phone = created["code"], body["applicant"]["phone"]

    with calling_from(address()):
        guesses = [lookup(client, code, wrong_phone(phone))[0] for _ in range(2)]
        refused = client.http.get(f"/v1/dossiers/{code}?phone={phone}")

    assert guesses == [404, 404]
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 15 * 60


def test_signed_in_the_owner_is_one_query_and_anyone_else_guesses(client, limits):
    limits(LOOKUP_FAILURES_PER_CODE_AND_IP=1)
    owner = token(client, subject=f"citizen-{uuid.uuid4().hex[:8]}")
    other = token(client)
    body, created = submit(client, token_=owner)
    code, phone = created["code"], body["applicant"]["phone"]

    with calling_from(address()):
        with dynamodb_calls() as owner_calls:
            mine = call(client, "GET", f"/v1/dossiers/{code}", token=owner)
        with dynamodb_calls() as other_calls:
            theirs = lookup(client, code, phone, other)
        wrong = lookup(client, code, wrong_phone(phone), other)
        spent = lookup(client, code, phone, other)

    assert mine[0] == theirs[0] == 200
    assert owner_calls == ["Query"]
    assert sorted(other_calls) == ["Query", "TransactWriteItems"]
    assert (wrong[0], spent[0]) == (404, 429)


def test_a_dossier_stored_without_the_digest_still_answers_and_counts(client, limits):
    limits(LOOKUP_FAILURES_PER_CODE_AND_IP=2)
    body, created = submit(client)
    code, phone = created["code"], body["applicant"]["phone"]
    without_digest(code)

    with calling_from(address()):
        rights = [lookup(client, code, phone)[0] for _ in range(3)]
        with dynamodb_calls() as calls:
            wrong = lookup(client, code, wrong_phone(phone))[0]
        wrongs = [wrong] + [lookup(client, code, wrong_phone(phone))[0] for _ in range(2)]
        right_when_spent = lookup(client, code, phone)[0]

    assert rights == [200] * 3
    assert calls == ["TransactWriteItems", "Query", "TransactWriteItems"]
    assert wrongs == [404, 404, 429]
    assert right_when_spent == 429


def test_a_saved_dossier_carries_its_phone_digest(client):
    """Every save writes the digest, so an item left without it gets it back on its next
    change (here: a withdrawal)."""
    body, created = submit(client)
    code, phone = created["code"], body["applicant"]["phone"]
    without_digest(code)

    with calling_from(address()):
        withdrawn = call(client, "POST", f"/v1/dossiers/{code}/withdraw", {"phone": phone})
        with dynamodb_calls() as calls:
            status, _ = lookup(client, code, wrong_phone(phone))

    assert withdrawn[0] == 200
    assert status == 404 and calls == ["TransactWriteItems"]
