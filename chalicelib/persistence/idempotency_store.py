"""The idempotency table (see idempotency_records.py): claims of Idempotency-Keys, completed
inside the transaction of the work they guard where possible."""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import DeleteError, PutError

from chalicelib.config import get_settings
from chalicelib.persistence import store
from chalicelib.persistence.base import bind
from chalicelib.persistence.idempotency_records import IdempotencyRecord

IN_PROGRESS, COMPLETED = "in_progress", "completed"


def _model() -> type[IdempotencyRecord]:
    return bind(IdempotencyRecord, get_settings().table_idempotency)


def take(key: str, digest: str, token: str, now: int, lock_until: int, expires: int) -> bool:
    """Claim `key` for the request `digest`; also takes over a stale claim of the same request
    whose worker died. False when someone else holds or completed it."""
    model = _model()
    record = model(
        key,
        status=IN_PROGRESS,
        request_hash=digest,
        token=token,
        locked_until=lock_until,
        ttl=expires,
    )
    stale = (
        (model.status == IN_PROGRESS) & (model.locked_until < now) & (model.request_hash == digest)
    )
    try:
        record.save(condition=model.PK.does_not_exist() | stale)
        return True
    except PutError as exc:
        if store.condition_failed(exc):
            return False
        raise


def existing(key: str) -> dict[str, Any] | None:
    model = _model()
    try:
        found = model.get(key, consistent_read=True)
    except model.DoesNotExist:
        return None
    return {
        "request_hash": found.request_hash,
        "status": found.status,
        "token": found.token,
        "response": found.response,
    }


def completion(key: str, token: str, response: dict) -> store.Staged:
    """Stage "remember this answer" (label "idempotency") into the transaction of the work."""
    model = _model()

    def staged(tx: store.Transaction) -> None:
        tx.update(
            model(key),
            actions=[model.status.set(COMPLETED), model.response.set(response)],
            condition=model.token == token,
            label="idempotency",
        )

    return staged


def complete(key: str, token: str, response: dict) -> None:
    model = _model()
    model(key).update(
        actions=[model.status.set(COMPLETED), model.response.set(response)],
        condition=model.token == token,
    )


def release(key: str, token: str) -> None:
    model = _model()
    try:
        model(key).delete(condition=(model.token == token) & (model.status == IN_PROGRESS))
    except DeleteError:
        pass
