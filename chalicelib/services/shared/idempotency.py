"""`Idempotency-Key` for POSTs that create something: the same key and body get the first answer
again; the same key with another body is a 409. A claim is taken before the work starts and is
completed inside the same DynamoDB transaction as the work where possible, so "created" and
"answer remembered" can never disagree. A claim whose worker died is taken over after a lock
timeout; keys are remembered for 24 hours."""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from dataclasses import dataclass
from typing import Any

from pynamodb.exceptions import DeleteError, PutError

from chalicelib.config import get_settings
from chalicelib.domain.errors import Conflict, FieldError, ValidationFailed
from chalicelib.persistence.base import bind
from chalicelib.persistence.records import IdempotencyRecord

LOCK_SECONDS = 60
REMEMBER_SECONDS = 24 * 3600
MAX_KEY_LENGTH = 200


@dataclass(frozen=True)
class Claim:
    pk: str
    token: str
    replay: dict[str, Any] | None = None


def _model() -> type[IdempotencyRecord]:
    return bind(IdempotencyRecord, get_settings().table_idempotency)


def body_hash(body: Any) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def claim(operation: str, caller: str, key: str | None, body: Any) -> Claim | None:
    """None without a key; otherwise a fresh claim, or one carrying the answer to replay."""
    if key is None:
        return None
    if not key.strip() or len(key) > MAX_KEY_LENGTH:
        raise ValidationFailed(
            "Idempotency-Key không hợp lệ.",
            [FieldError("Idempotency-Key", f"1 đến {MAX_KEY_LENGTH} ký tự")],
        )
    model = _model()
    pk = f"{operation}#{caller}#{key}"
    digest, token, now = body_hash(body), uuid.uuid4().hex, int(time.time())
    record = model(
        pk,
        status="in_progress",
        request_hash=digest,
        token=token,
        locked_until=now + LOCK_SECONDS,
        ttl=now + REMEMBER_SECONDS,
    )
    stale_lock = (
        (model.status == "in_progress")
        & (model.locked_until < now)
        & (model.request_hash == digest)
    )
    try:
        record.save(condition=model.PK.does_not_exist() | stale_lock)
        return Claim(pk, token)
    except PutError:
        existing = model.get(pk, consistent_read=True)
    if existing.request_hash != digest:
        raise Conflict("Idempotency-Key này đã được dùng cho một yêu cầu khác.")
    if existing.status == "completed":
        return Claim(pk, existing.token, existing.response)
    raise Conflict(
        "Yêu cầu với Idempotency-Key này đang được xử lý. Vui lòng thử lại sau giây lát."
    )


def completion(claim_: Claim, response: dict) -> tuple[IdempotencyRecord, list, Any]:
    """(record, actions, condition) to complete the claim inside a TransactWrite."""
    model = _model()
    record = model(claim_.pk)
    actions = [model.status.set("completed"), model.response.set(response)]
    return record, actions, model.token == claim_.token


def complete(claim_: Claim | None, response: dict) -> None:
    if claim_ is None:
        return
    record, actions, condition = completion(claim_, response)
    record.update(actions=actions, condition=condition)


def release(claim_: Claim | None) -> None:
    """Forget a claim whose work failed, so that the caller can retry with the same key."""
    if claim_ is None or claim_.replay is not None:
        return
    model = _model()
    try:
        model(claim_.pk).delete(
            condition=(model.token == claim_.token) & (model.status == "in_progress")
        )
    except DeleteError:
        pass
