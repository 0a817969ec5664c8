"""Sessions persistence (key layout in session_records.py): browser sign-in sessions, pending
sign-ins and the officer-account audit. Only a hash of the session cookie is stored, so the
table never holds a usable cookie. Items expire by TTL; every read also checks the expiry itself
(TTL deletion lags by hours)."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from pynamodb.exceptions import DeleteError

from chalicelib.config import get_settings
from chalicelib.persistence.base import bind
from chalicelib.persistence.session_records import AuditRecord, SessionRecord

SESSION_SK = "SESSION"
SIGNIN_SK = "SIGNIN"


def _sessions() -> type[SessionRecord]:
    return bind(SessionRecord, get_settings().table_sessions)


def _audit() -> type[AuditRecord]:
    return bind(AuditRecord, get_settings().table_sessions)


def _session_key(cookie: str) -> str:
    return "SESSION#" + hashlib.sha256(cookie.encode()).hexdigest()


def put_session(cookie: str, data: dict[str, Any], expires_at: int) -> None:
    _sessions()(_session_key(cookie), SESSION_SK, data=data, ttl=expires_at).save()


def get_session(cookie: str) -> dict[str, Any] | None:
    try:
        return _sessions().get(_session_key(cookie), SESSION_SK, consistent_read=True).data
    except SessionRecord.DoesNotExist:
        return None


def delete_session(cookie: str) -> None:
    _sessions()(_session_key(cookie), SESSION_SK).delete()


def put_sign_in(state: str, data: dict[str, Any], expires_at: int) -> None:
    _sessions()(f"SIGNIN#{state}", SIGNIN_SK, data=data, ttl=expires_at).save(
        condition=SessionRecord.PK.does_not_exist()
    )


def take_sign_in(state: str) -> dict[str, Any] | None:
    """The pending sign-in of `state`, deleted in the same call: a state works once."""
    model = _sessions()
    try:
        record = model.get(f"SIGNIN#{state}", SIGNIN_SK, consistent_read=True)
        record.delete(condition=SessionRecord.PK.exists())
    except (SessionRecord.DoesNotExist, DeleteError):
        return None
    return {**record.data, "ttl": record.ttl}


def add_audit(agency: str, at: str, entry: dict[str, Any]) -> None:
    _audit()(f"AUDIT#{agency}", f"{at}#{uuid.uuid4().hex[:8]}", entry=entry).save()


def list_audit(agency: str, limit: int, start: dict | None) -> tuple[list[dict], dict | None]:
    """One page of an agency's audit trail, newest first."""
    results = _audit().query(
        f"AUDIT#{agency}", scan_index_forward=False, limit=limit, last_evaluated_key=start
    )
    items = [record.entry for record in results]
    return items, results.last_evaluated_key
