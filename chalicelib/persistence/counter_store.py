"""The counters table (see counter_records.py): the day's dossier numbers of each agency and the
attempt windows of the throttle (lookups, submissions, messages)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import datetime

from pynamodb.exceptions import UpdateError

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


CONFLICT_RETRIES = 3


def stage_attempts(counters: list[tuple[str, str, int]], expires: int) -> store.Staged:
    """Stage one attempt under each (key, window, limit), each update conditioned on its limit
    not being reached (labelled with its key): in one transaction, concurrent attempts never
    pass a limit together."""
    model = _model()

    def staged(tx: store.Transaction) -> None:
        for pk, sk, limit in counters:
            tx.update(
                model(pk, sk),
                actions=[model.n.add(1), model.ttl.set(expires)],
                condition=model.n.does_not_exist() | (model.n < limit),
                label=pk,
            )

    return staged


def take_attempts(
    counters: list[tuple[str, str, int]], expires: int, also: Sequence[store.Staged] = ()
) -> set[str]:
    """Count one attempt under each (key, window) unless one of them already holds its limit
    or a condition `also` stages fails, all in one transaction (one counter and nothing else:
    a conditional update, half a transaction's units). Returns the labels of the conditions
    that failed (a counter's is its key; nothing is counted then), or an empty set.

    `also` is how a lookup asks its question in the same call: a check that fails when the
    phone guessed may be right, after the counters (see store.Transaction), so a limit reached
    is reported whatever the phone."""
    if len(counters) == 1 and not also:
        return _take_one(*counters[0], expires)
    staged = stage_attempts(counters, expires)
    tries = 0
    while True:
        tries += 1
        try:
            store.commit(staged, also, retry_conflicts=tries < CONFLICT_RETRIES)
            return set()
        except store.Cancelled as cancelled:  # a condition failed, or a concurrent take to retry
            if cancelled.failed:
                return cancelled.failed


def _take_one(pk: str, sk: str, limit: int, expires: int) -> set[str]:
    model = _model()
    try:
        model(pk, sk).update(
            actions=[model.n.add(1), model.ttl.set(expires)],
            condition=model.n.does_not_exist() | (model.n < limit),
        )
    except UpdateError as exc:
        if store.condition_failed(exc):
            return {pk}
        raise
    return set()


def give_back_attempts(keys: list[tuple[str, str]]) -> None:
    """Uncount one attempt under each (key, window) (work that did not happen after all)."""
    model = _model()

    def staged(tx: store.Transaction) -> None:
        for pk, sk in keys:
            tx.update(model(pk, sk), actions=[model.n.add(-1)], condition=model.n > 0, label=pk)

    try:
        store.commit(staged, retry_conflicts=True)
    except store.Cancelled:
        pass  # expired, or busy with other attempts: the attempt stays counted, nothing worse
