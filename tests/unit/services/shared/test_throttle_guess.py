"""A lookup's guess (issue 18), with the counters table stubbed: the three lookup counters and
the caller's phone check go in one call; what each cancellation means."""

from __future__ import annotations

import pytest

from chalicelib.domain.errors import RateLimited
from chalicelib.persistence import counter_store
from chalicelib.services.shared import throttle

CHECK = object()  # stands for the staged phone check


@pytest.fixture
def failing(monkeypatch, limits):
    """Each call's (counters, also); fail the counters whose key holds a part listed in
    `failing.labels`, and the check if "phone" is listed."""
    limits(
        LOOKUP_FAILURES_PER_CODE_AND_IP=5, LOOKUP_FAILURES_PER_IP=20, LOOKUP_FAILURES_PER_CODE=30
    )

    class Failing(list):
        labels: set[str] = set()

    calls = Failing()

    def take_attempts(items, expires, also=()):
        calls.append(([(pk, limit) for pk, _, limit in items], list(also)))
        keys = {pk for pk, _, _ in items if any(part in pk for part in calls.labels)}
        return keys | ({"phone"} & calls.labels)

    monkeypatch.setattr(counter_store, "take_attempts", take_attempts)
    return calls


def test_a_guess_is_one_call_of_the_three_counters_and_the_check(failing):
    assert throttle.guess("lookup", "CODE-1", CHECK, "203.0.113.9") is False

    assert failing == [
        (
            [
                ("RL#lookup#pair#CODE-1#203.0.113.9", 5),
                ("RL#lookup#ip#203.0.113.9", 20),
                ("RL#lookup#code#CODE-1", 30),
            ],
            [CHECK],
        )
    ]


def test_only_the_check_failing_means_the_phone_may_be_right(failing):
    failing.labels = {"phone"}

    assert throttle.guess("lookup", "CODE-1", CHECK, "203.0.113.9") is True


@pytest.mark.parametrize("also", [set(), {"phone"}])
def test_a_counter_at_its_limit_refuses_whatever_the_phone(failing, also):
    failing.labels = {"#pair#", *also}

    with pytest.raises(RateLimited) as refused:
        throttle.guess("lookup", "CODE-1", CHECK, "203.0.113.9")

    assert 0 < int(refused.value.headers["Retry-After"]) <= 15 * 60
