"""The counters table (see counter_records.py): the day's dossier numbers of each agency and the
failed-lookup windows of the lookup throttle."""

from __future__ import annotations

import time
from datetime import datetime

from chalicelib.config import get_settings
from chalicelib.persistence import store
from chalicelib.persistence.base import bind
from chalicelib.persistence.counter_records import CounterRecord


def _model() -> type[CounterRecord]:
    return bind(CounterRecord, get_settings().table_counters)


def _day_key(agency_code: str, day: datetime) -> str:
    return f"SEQ#{agency_code}#{day:%y%m%d}"


def last_number(agency_code: str, day: datetime) -> int:
    """The last dossier number the agency gave on `day` (0 before the first)."""
    model = _model()
    try:
        return int(model.get(_day_key(agency_code, day), "SEQ", consistent_read=True).n)
    except model.DoesNotExist:
        return 0


def take_number(agency_code: str, day: datetime, last: int) -> store.Staged:
    """Stage "the day's number goes from `last` to `last + 1`" (label "counter"): the dossier
    that uses the number is created in the same transaction, so a number is never reused."""
    model = _model()

    def staged(tx: store.Transaction) -> None:
        condition = model.PK.does_not_exist() if last == 0 else model.n == last
        tx.update(
            model(_day_key(agency_code, day), "SEQ"),
            actions=[model.n.set(last + 1), model.ttl.set(int(time.time()) + 3 * 24 * 3600)],
            condition=condition,
            label="counter",
        )

    return staged


def failures(keys: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """Failed lookups counted under each (key, window); absent ones are 0 (one BatchGetItem)."""
    model = _model()
    return {(item.PK, item.SK): int(item.n) for item in model.batch_get(keys)}


def add_failure(keys: list[tuple[str, str]], expires: int) -> None:
    model = _model()
    for pk, sk in keys:
        model(pk, sk).update(actions=[model.n.add(1), model.ttl.set(expires)])
