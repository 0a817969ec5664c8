"""Idempotency-Key: the same key and body get the first answer again; another body under the
same key, or a claim still being worked on, is a 409; a failed work frees its key."""

import pytest

from chalicelib.domain.errors import Conflict, ValidationFailed
from chalicelib.services.shared import idempotency


class Keys:
    """An in-memory stand-in for persistence/idempotency_store."""

    COMPLETED = "completed"

    def __init__(self):
        self.items: dict[str, dict] = {}

    def take(self, pk, digest, token, now, locked_until, expires):
        if pk in self.items:
            return False
        self.items[pk] = {"request_hash": digest, "token": token, "status": "in_progress"}
        return True

    def existing(self, pk):
        return self.items.get(pk)

    def complete(self, pk, token, response):
        self.items[pk] |= {"status": self.COMPLETED, "response": response}

    def release(self, pk, token):
        self.items.pop(pk, None)


@pytest.fixture
def keys(monkeypatch):
    found = Keys()
    monkeypatch.setattr(idempotency, "idempotency_store", found)
    return found


def test_no_key_is_no_claim(keys):
    assert idempotency.claim("dossier", "anonymous", None, {"a": 1}) is None
    assert keys.items == {}


def test_the_same_key_and_body_replay_the_first_answer(keys):
    first = idempotency.claim("dossier", "citizen-1", "k1", {"a": 1})
    idempotency.complete(first, {"code": "D-1"})

    again = idempotency.claim("dossier", "citizen-1", "k1", {"a": 1})

    assert first.replay is None and again.replay == {"code": "D-1"}


def test_the_same_key_with_another_body_is_a_conflict(keys):
    idempotency.complete(idempotency.claim("dossier", "c", "k1", {"a": 1}), {"code": "D-1"})

    with pytest.raises(Conflict, match="yêu cầu khác"):
        idempotency.claim("dossier", "c", "k1", {"a": 2})


def test_a_claim_in_progress_is_a_conflict_to_retry(keys):
    idempotency.claim("dossier", "c", "k1", {"a": 1})

    with pytest.raises(Conflict, match="đang được xử lý"):
        idempotency.claim("dossier", "c", "k1", {"a": 1})


def test_keys_are_per_operation_and_caller(keys):
    idempotency.claim("dossier", "c1", "k1", {"a": 1})

    assert idempotency.claim("dossier", "c2", "k1", {"a": 1}).replay is None
    assert idempotency.claim("upload", "c1", "k1", {"a": 1}).replay is None


def test_a_released_claim_lets_the_caller_retry(keys):
    idempotency.release(idempotency.claim("dossier", "c", "k1", {"a": 1}))

    assert idempotency.claim("dossier", "c", "k1", {"a": 1}).replay is None


@pytest.mark.parametrize("key", ["", "   ", "k" * 201])
def test_a_blank_or_overlong_key_is_refused(keys, key):
    with pytest.raises(ValidationFailed):
        idempotency.claim("dossier", "c", key, {})


def test_the_body_hash_ignores_key_order():
    assert idempotency.body_hash({"a": 1, "b": "ư"}) == idempotency.body_hash({"b": "ư", "a": 1})
