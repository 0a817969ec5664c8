"""Submission flooding (issue 15, finding 3): one address or one phone cannot create dossiers
(and the messages they send) without end; a signed-in citizen has a budget of their own; and an
agency's day that ran out of numbers is a planned answer."""

from __future__ import annotations

import json
import random
import uuid
from concurrent.futures import ThreadPoolExecutor

from chalicelib.domain.errors import RateLimited
from chalicelib.persistence import counter_store
from chalicelib.services.dossiers import submission as submission_service
from chalicelib.services.shared.clock import now
from tests.factories import call, calling_from, random_phone, submission, token


def address() -> str:
    return f"198.51.100.{random.randint(1, 254)}"


def post(client, body: dict, bearer: str | None = None) -> tuple[int, dict, dict]:
    response = client.http.post(
        "/v1/dossiers",
        body=json.dumps(body).encode(),
        headers={
            "Content-Type": "application/json",
            **({"Authorization": f"Bearer {bearer}"} if bearer else {}),
        },
    )
    return response.status_code, json.loads(response.body), response.headers


def test_one_address_cannot_flood_anonymous_submissions(client, limits):
    limits(SUBMISSIONS_PER_IP=3)
    bodies = [submission(client) for _ in range(5)]
    flooder = address()

    with calling_from(flooder):
        answers = [post(client, body) for body in bodies[:4]]
    with calling_from(f"203.0.113.{random.randint(1, 254)}"):
        elsewhere = post(client, bodies[4])

    assert [status for status, _, _ in answers] == [201, 201, 201, 429]
    status, refused, headers = answers[-1]
    assert refused["error"]["code"] == "RATE_LIMITED"
    assert "hồ sơ" in refused["error"]["message"]
    assert 0 < int(headers["Retry-After"]) <= 3600
    assert elsewhere[0] == 201  # other citizens are not locked out


def test_nothing_is_numbered_for_a_refused_submission(client, limits):
    limits(SUBMISSIONS_PER_IP=1)
    first, second = submission(client), submission(client)
    with calling_from(address()):
        status, created, _ = post(client, first)
        agency_code, _, number = created["code"].rsplit("-", 2)
        refused = post(client, second)

    assert status == 201 and refused[0] == 429
    assert counter_store.last_number(agency_code, now()) == int(number)


def test_one_phone_cannot_be_flooded_from_many_addresses(client, limits):
    limits(SUBMISSIONS_PER_PHONE=2)
    phone = random_phone()
    bodies = [submission(client, phone=phone) for _ in range(2)]
    bodies.append(submission(client, phone=f"+84{phone[1:]}"))  # same phone

    statuses = []
    for body in bodies:
        with calling_from(address()):
            statuses.append(post(client, body)[0])

    assert statuses == [201, 201, 429]


def test_ipv6_addresses_of_one_slash_64_share_a_budget(client, limits):
    limits(SUBMISSIONS_PER_IP=1)
    prefix = f"2001:db8:{random.randint(1, 0xFFFF):x}:{random.randint(1, 0xFFFF):x}"
    bodies = [submission(client) for _ in range(2)]

    with calling_from(f"{prefix}::1"):
        first = post(client, bodies[0])[0]
    with calling_from(f"{prefix}:5:6:7:8"):
        second = post(client, bodies[1])[0]

    assert (first, second) == (201, 429)


def test_a_signed_in_citizen_has_a_higher_budget_of_their_own(client, limits):
    limits(SUBMISSIONS_PER_IP=1, SUBMISSIONS_PER_CITIZEN=3)
    bearer = token(client, subject=f"citizen-{uuid.uuid4().hex[:8]}")
    shared = address()  # e.g. a commune office's network: the anonymous budget is spent
    anonymous = [submission(client) for _ in range(2)]
    signed_in = [submission(client, token_=bearer) for _ in range(4)]

    with calling_from(shared):
        anonymous_statuses = [post(client, body)[0] for body in anonymous]
        citizen_statuses = [post(client, body, bearer)[0] for body in signed_in]

    assert anonymous_statuses == [201, 429]
    assert citizen_statuses == [201, 201, 201, 429]


def test_parallel_submissions_cannot_pass_the_limit(client, limits):
    limits(SUBMISSIONS_PER_IP=2)
    bodies = [submission(client) for _ in range(6)]
    flooder = address()

    def attempt(body: dict) -> int:
        try:
            submission_service.submit(body, None, None, now(), flooder)
            return 201
        except RateLimited as error:
            return error.status

    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(pool.map(attempt, bodies))

    assert sorted(statuses) == [201, 201, 429, 429, 429, 429]


def test_an_invalid_submission_does_not_spend_the_budget(client, limits):
    limits(SUBMISSIONS_PER_IP=1)
    invalid = submission(client, result_delivery="by-pigeon")
    valid = submission(client)

    with calling_from(address()):
        statuses = [call(client, "POST", "/v1/dossiers", invalid)[0], post(client, valid)[0]]

    assert statuses == [400, 201]


def test_one_address_or_phone_cannot_flood_feedback_either(client, limits):
    """Anonymous feedback creates items and sends messages like a dossier: it has its own
    budgets, counted apart from dossiers'."""
    from tests.functional.test_feedback import feedback_body

    limits(SUBMISSIONS_PER_IP=2, SUBMISSIONS_PER_PHONE=2)
    flooder, phone = address(), random_phone()

    def send(body, source):
        with calling_from(source):
            response = client.http.post(
                "/v1/feedback",
                body=json.dumps(body).encode(),
                headers={"Content-Type": "application/json"},
            )
        return response.status_code, json.loads(response.body), response.headers

    from_one_address = [send(feedback_body(), flooder) for _ in range(3)]
    one_phone = [send(feedback_body(phone=phone), address()) for _ in range(3)]
    with calling_from(flooder):
        dossier_status, _, _ = post(client, submission(client))

    assert [s for s, _, _ in from_one_address] == [201, 201, 429]
    assert [s for s, _, _ in one_phone] == [201, 201, 429]
    status, refused, headers = one_phone[-1]
    assert refused["error"]["code"] == "RATE_LIMITED"
    assert "phản ánh" in refused["error"]["message"] and int(headers["Retry-After"]) > 0
    assert dossier_status == 201  # dossiers keep their own budget
