"""What the submission and message budgets count (issue 15, findings 3 and 4), with the counters
table stubbed: which keys, which limits, which windows, and the answer when one is spent."""

from __future__ import annotations

import time

import pytest

from chalicelib.domain.errors import RateLimited
from chalicelib.persistence import counter_store
from chalicelib.services.shared import throttle


@pytest.fixture
def counters(monkeypatch, limits):
    """Record what is taken; refuse the keys listed in `taken.refuse`."""
    limits(
        SUBMISSIONS_PER_IP=20,
        SUBMISSIONS_PER_PHONE=5,
        SUBMISSIONS_PER_CITIZEN=30,
        MESSAGES_PER_RECIPIENT=7,
    )

    class Taken(list):
        refuse: tuple[str, ...] = ()

    taken = Taken()

    def take_attempts(items, expires):
        taken.append((items, expires))
        return {pk for pk, _, _ in items if any(part in pk for part in taken.refuse)}

    monkeypatch.setattr(counter_store, "take_attempts", take_attempts)
    return taken


def test_an_anonymous_submission_counts_per_phone_and_per_network(counters):
    throttle.take_submission(None, "0912345678", "2001:db8:1:2:3:4:5:6")

    ((items, _),) = counters
    keys = {pk.rsplit("#", 1)[0]: limit for pk, _, limit in items}
    assert keys == {"RL#submit#phone": 5, "RL#submit#ip": 20}
    pks = " ".join(pk for pk, _, _ in items)
    assert "2001:db8:1:2::/64" in pks and "0912345678" not in pks  # a digest, not the phone


def test_a_signed_in_submission_counts_only_against_the_citizen(counters):
    throttle.take_submission("vneid-123", "0912345678", "198.51.100.7")

    ((items, _),) = counters
    assert [(pk, limit) for pk, _, limit in items] == [("RL#submit#citizen#vneid-123", 30)]


def test_a_spent_submission_budget_answers_429_with_retry_after_within_the_hour(counters):
    counters.refuse = ("#ip#",)

    with pytest.raises(RateLimited) as refused:
        throttle.take_submission(None, "0912345678", "198.51.100.7")

    assert 0 < int(refused.value.headers["Retry-After"]) <= 3600
    assert "hồ sơ" in refused.value.message and "phút" in refused.value.message


def vietnamese_day() -> str:
    return str((int(time.time()) + 7 * 3600) // 86400)


def test_messages_count_per_contact_and_vietnamese_day(counters):
    before = vietnamese_day()
    assert throttle.take_message("0912345678") is not None
    counters.refuse = ("RL#message#",)
    assert throttle.take_message("0912345678") is None

    (items, expires), _ = counters
    ((pk, window, limit),) = items
    assert limit == 7 and "0912345678" not in pk
    assert window in {before, vietnamese_day()}
    assert expires >= time.time() + 24 * 3600  # the counter outlives its day (TTL)


def test_giving_back_after_a_failure_never_hides_that_failure(monkeypatch):
    def unavailable(keys):
        raise ConnectionError("DynamoDB unreachable")

    monkeypatch.setattr(counter_store, "give_back_attempts", unavailable)
    attempt = throttle.Attempt((("RL#submit#ip#198.51.100.7", "1"),))

    attempt.give_back_on_failure()  # nothing raised: the caller re-raises its own error
    with pytest.raises(ConnectionError):
        attempt.give_back()
