"""Lookup throttling under attack (issue 15, finding 2): a stranger guessing phones cannot lock
the applicant out, parallel guesses cannot pass the limit, and IPv6 addresses count by /64."""

from __future__ import annotations

import random
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from chalicelib.domain.errors import NotFound, RateLimited
from chalicelib.services.dossiers import citizen as dossiers
from chalicelib.services.shared.throttle import client_network
from tests.factories import call, calling_from, random_phone, submit, token


def ipv4() -> str:
    return f"203.0.113.{random.randint(1, 254)}"


def ipv6_prefixes() -> tuple[str, str]:
    """Two neighbouring /64 prefixes (written without the trailing ::)."""
    site, subnet = random.randint(1, 0xFFFF), random.randint(1, 0xFFFE)
    return f"2001:db8:{site:x}:{subnet:x}", f"2001:db8:{site:x}:{subnet + 1:x}"


def guess(code: str, address: str, phone: str | None = None) -> int:
    try:
        dossiers.lookup(code, None, phone or random_phone(), address)
        return 200
    except (NotFound, RateLimited) as error:
        return error.status


def test_a_stranger_guessing_phones_does_not_lock_the_applicant_out(client, limits):
    limits(LOOKUP_FAILURES_PER_IP=100000)
    body, created = submit(client)
    code, phone = created["code"], body["applicant"]["phone"]
    attacker, applicant = ipv4(), "198.51.100.20"

    with calling_from(attacker):
        attack = [
            call(client, "GET", f"/v1/dossiers/{code}?phone={random_phone()}") for _ in range(8)
        ]
        refused = client.http.get(f"/v1/dossiers/{code}?phone={phone}")
    with calling_from(applicant):
        status, view = call(client, "GET", f"/v1/dossiers/{code}?phone={phone}")
        withdrawn = call(client, "POST", f"/v1/dossiers/{code}/withdraw", {"phone": phone})

    assert [s for s, _ in attack] == [404] * 5 + [429] * 3
    assert attack[-1][1]["error"]["code"] == "RATE_LIMITED"
    assert refused.status_code == 429  # the attacker's address stays refused, right phone or not
    assert 0 < int(refused.headers["Retry-After"]) <= 15 * 60
    assert status == 200 and view["code"] == code
    assert withdrawn[0] == 200


def test_right_answers_give_their_attempt_back(client, limits):
    limits(LOOKUP_FAILURES_PER_CODE_AND_IP=2)
    body, created = submit(client)
    address = ipv4()

    statuses = [guess(created["code"], address, body["applicant"]["phone"]) for _ in range(5)]
    statuses += [guess(created["code"], address) for _ in range(3)]

    assert statuses == [200] * 5 + [404, 404, 429]


def test_parallel_guesses_cannot_pass_the_limit(client, limits):
    limits(LOOKUP_FAILURES_PER_CODE_AND_IP=3)
    _, created = submit(client)
    address = ipv4()

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda _: guess(created["code"], address), range(16)))

    assert statuses.count(404) == 3
    assert statuses.count(429) == 13


def test_ipv6_addresses_of_one_slash_64_count_together(client, limits):
    _, created = submit(client)
    prefix, neighbour = ipv6_prefixes()

    same_network = [guess(created["code"], f"{prefix}:{n:x}:0:0:1") for n in range(1, 8)]
    next_network = guess(created["code"], f"{neighbour}::1")

    assert same_network == [404] * 5 + [429] * 2
    assert next_network == 404


def test_many_addresses_together_meet_the_slower_limit_per_code(client, limits):
    limits(LOOKUP_FAILURES_PER_CODE=6)
    _, created = submit(client)

    statuses = [guess(created["code"], f"192.0.2.{n}") for n in range(1, 5) for _ in range(2)]

    assert statuses == [404] * 6 + [429] * 2


def test_the_signed_in_owner_is_never_throttled(client, limits):
    subject = f"citizen-{uuid.uuid4().hex[:8]}"
    bearer = token(client, subject=subject)
    _, created = submit(client, token_=bearer)
    limits(LOOKUP_FAILURES_PER_CODE=1, LOOKUP_FAILURES_PER_CODE_AND_IP=1)
    guess(created["code"], ipv4())

    status, view = call(client, "GET", f"/v1/dossiers/{created['code']}", token=bearer)

    assert status == 200 and view["code"] == created["code"]


@pytest.mark.parametrize(
    ("address", "network"),
    [
        ("203.0.113.9", "203.0.113.9"),
        ("2001:db8:aa:bb:1:2:3:4", "2001:db8:aa:bb::/64"),
        ("2001:db8:aa:bb::ffff", "2001:db8:aa:bb::/64"),
        ("::ffff:203.0.113.9", "203.0.113.9"),
        ("zalo:12345", "zalo:12345"),
        (None, ""),
    ],
)
def test_client_network(address, network):
    assert client_network(address) == network
