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

from chalicelib.domain.errors import Conflict, FieldError, ValidationFailed
from chalicelib.persistence import idempotency_store, store

LOCK_SECONDS = 60
REMEMBER_SECONDS = 24 * 3600
MAX_KEY_LENGTH = 200


@dataclass(frozen=True)
class Claim:
    pk: str
    token: str
    replay: dict[str, Any] | None = None


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
    pk = f"{operation}#{caller}#{key}"
    digest, token, now = body_hash(body), uuid.uuid4().hex, int(time.time())
    if idempotency_store.take(pk, digest, token, now, now + LOCK_SECONDS, now + REMEMBER_SECONDS):
        return Claim(pk, token)
    existing = idempotency_store.existing(pk)
    if existing is None:  # expired between the two calls: try once more
        return claim(operation, caller, key, body)
    if existing["request_hash"] != digest:
        raise Conflict("Idempotency-Key này đã được dùng cho một yêu cầu khác.")
    if existing["status"] == idempotency_store.COMPLETED:
        return Claim(pk, existing["token"], existing["response"])
    raise Conflict(
        "Yêu cầu với Idempotency-Key này đang được xử lý. Vui lòng thử lại sau giây lát."
    )


def completion(claim_: Claim | None, response: dict) -> list[store.Staged]:
    """What completes the claim inside the transaction of the work (nothing without a key)."""
    if claim_ is None:
        return []
    return [idempotency_store.completion(claim_.pk, claim_.token, response)]


def complete(claim_: Claim | None, response: dict) -> None:
    if claim_ is None:
        return
    idempotency_store.complete(claim_.pk, claim_.token, response)


def release(claim_: Claim | None) -> None:
    """Forget a claim whose work failed, so that the caller can retry with the same key."""
    if claim_ is None or claim_.replay is not None:
        return
    idempotency_store.release(claim_.pk, claim_.token)
