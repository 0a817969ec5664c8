"""The marks of attempts whose file copies are in use, and the sweep's cursor (copy_records.py).

An attempt that copies files stages its mark into the transaction that commits the record using
them; the sweep asks, for the attempts of one page of copies, which have a mark: one
BatchGetItem per 100 attempts, never a Scan."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from chalicelib.config import get_settings
from chalicelib.domain.file_copies import Cursor
from chalicelib.persistence import store
from chalicelib.persistence.base import bind
from chalicelib.persistence.copy_records import AttemptMarkRecord, SweepCursorRecord

MARK = "COPIES"
CURSOR_PK, CURSOR_SK = "SWEEP#COPIES", "CURSOR"


def _marks() -> type[AttemptMarkRecord]:
    return bind(AttemptMarkRecord, get_settings().table_dossiers)


def _cursors() -> type[SweepCursorRecord]:
    return bind(SweepCursorRecord, get_settings().table_dossiers)


def _pk(attempt_id: str) -> str:
    return f"ATTEMPT#{attempt_id}"


def stage_mark(attempt_id: str, expires_at: int) -> store.Staged:
    """Stage the attempt's mark (label "attempt"; kept until `expires_at`, epoch seconds)."""
    model = _marks()

    def staged(tx: store.Transaction) -> None:
        tx.save(model(_pk(attempt_id), MARK, ttl=expires_at), label="attempt")

    return staged


def committed(attempt_ids: Iterable[str]) -> set[str]:
    """Which of `attempt_ids` have a mark (eventually consistent reads: marks are a day old)."""
    keys = [(_pk(a), MARK) for a in sorted(set(attempt_ids))]
    if not keys:
        return set()
    found = _marks().batch_get(keys, attributes_to_get=["PK"])
    return {record.PK.removeprefix("ATTEMPT#") for record in found}


def cursor() -> Cursor | None:
    model = _cursors()
    try:
        record = model.get(CURSOR_PK, CURSOR_SK, consistent_read=True)
    except model.DoesNotExist:
        return None
    return Cursor(date.fromisoformat(record.day), record.after)


def save_cursor(at: Cursor) -> None:
    _cursors()(CURSOR_PK, CURSOR_SK, day=at.day.isoformat(), after=at.after).save()
