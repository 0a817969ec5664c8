"""Helpers every store module shares, so that each exists once: transactions and their
cancellation reasons, conditional writes, a lookup's phone check, page loops over a Query, ISO
time in items, history entries and shard hashing of sharded keys."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime

from botocore.exceptions import BotoCoreError, ClientError
from pynamodb.exceptions import PutError, TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.domain import dossier as dossier_domain
from chalicelib.persistence.base import region, shared_connection

ORDER = ("delete", "put", "update", "check")  # how a Transaction sends its actions


class Transaction(TransactWrite):
    """A TransactWrite whose actions carry a label ("dossier", "counter", "upload", ...), so
    that a cancelled transaction can say which condition failed: DynamoDB gives one reason per
    action, in the order sent.

    Condition checks are sent last (PynamoDB sends them first): a check that only asks a
    question (is this phone wrong?) then never stands before the writes whose refusal must be
    seen whatever its answer (a limit reached), even were DynamoDB to stop at a first failure."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._labels: dict[str, list[str]] = {kind: [] for kind in ORDER}
        self._default = "item"

    @contextmanager
    def labelled(self, label: str):
        """Label what code that knows nothing of labels adds meanwhile."""
        previous, self._default = self._default, label
        try:
            yield self
        finally:
            self._default = previous

    def save(self, model, condition=None, *, label: str | None = None, **kwargs):
        self._labels["put"].append(label or self._default)
        return super().save(model, condition=condition, **kwargs)

    def update(self, model, actions, condition=None, *, label: str | None = None, **kwargs):
        self._labels["update"].append(label or self._default)
        return super().update(model, actions, condition=condition, **kwargs)

    def delete(self, model, condition=None, *, label: str | None = None, **kwargs):
        self._labels["delete"].append(label or self._default)
        return super().delete(model, condition=condition, **kwargs)

    def condition_check(self, model_cls, hash_key, range_key=None, condition=None, *, label=None):
        self._labels["check"].append(label or self._default)
        return super().condition_check(model_cls, hash_key, range_key, condition)

    @property
    def labels(self) -> list[str]:
        return [label for kind in ORDER for label in self._labels[kind]]

    def _commit(self):
        """PynamoDB's commit, with the actions in ORDER."""
        actions = {
            "delete": [{"Delete": item} for item in self._delete_items],
            "put": [{"Put": item} for item in self._put_items],
            "update": [{"Update": item} for item in self._update_items],
            "check": [{"ConditionCheck": item} for item in self._condition_check_items],
        }
        items = [action for kind in ORDER for action in actions[kind]]
        try:
            response = self._connection.dispatch("TransactWriteItems", {"TransactItems": items})
        except (BotoCoreError, ClientError) as exc:
            raise TransactWriteError("Failed to write transaction items", exc) from exc
        for model in self._models_for_version_attribute_update:
            model.update_local_version_attribute()
        return response


# Something a store adds to another store's transaction (upload marked used, idempotency answer
# remembered, event queued, ...): built by the store that owns the item, composed by services.
Staged = Callable[[Transaction], None]


class Cancelled(Exception):
    """A transaction was cancelled: `failed` holds the labels of the conditions that failed,
    `conflict` whether a concurrent transaction on the same items got in the way."""

    def __init__(self, failed: set[str], conflict: bool):
        super().__init__(f"transaction cancelled: {sorted(failed)}, conflict={conflict}")
        self.failed, self.conflict = failed, conflict


def transaction() -> Transaction:
    return Transaction(connection=shared_connection(region()))


def commit(stage: Staged, also: Sequence[Staged] = (), retry_conflicts: bool = False) -> None:
    """One TransactWriteItems of what `stage` and every `also` add; raises Cancelled when a
    condition failed (or, with `retry_conflicts`, a concurrent transaction got in the way:
    otherwise that stays the retryable AWS error it is)."""
    tx = transaction()
    try:
        with tx:
            stage(tx)
            for extra in also:
                extra(tx)
    except TransactWriteError as exc:
        codes = reasons(exc)
        failed = {
            tx.labels[i] if i < len(tx.labels) else "?"
            for i, code in enumerate(codes)
            if code == "ConditionalCheckFailed"
        }
        if not failed and not (retry_conflicts and "TransactionConflict" in codes):
            raise
        raise Cancelled(failed, "TransactionConflict" in codes) from exc


NO_PHONE = "-"  # the phone digest of an item without a phone: equal to no phone's digest


def phone_digest(phone: str | None) -> str:
    """What an item keeps in its `phone_digest` attribute for `phone`."""
    return dossier_domain.phone_digest(phone) if phone else NO_PHONE


def stage_wrong_phone(model, hash_key: str, range_key: str, phone: str) -> Staged:
    """Stage a check (label "phone") that holds when `phone` is surely not the one on the item:
    no such item, or its `phone_digest` differs. It fails when the phone may be right, and on
    an item stored before items carried the digest (the caller compares the phone it loads).
    Items keep the digest top-level for this condition; they hold the phone itself too, so it
    tells nothing more."""

    def staged(tx: Transaction) -> None:
        wrong = model.PK.does_not_exist() | (
            model.phone_digest.exists() & (model.phone_digest != phone_digest(phone))
        )
        tx.condition_check(model, hash_key, range_key, condition=wrong, label="phone")

    return staged


def reasons(exc: TransactWriteError) -> list[str | None]:
    """The cancellation reason of each action, in the order the actions were sent."""
    return [r.code if r is not None else None for r in (exc.cancellation_reasons or [])]


# What DynamoDB answers when it refused a transaction without writing any of it.
REFUSED_UNWRITTEN = frozenset(
    {
        "TransactionCanceledException",
        "ValidationException",
        "ThrottlingException",
        "ProvisionedThroughputExceededException",
        "RequestLimitExceeded",
    }
)


def surely_unwritten(exc: BaseException) -> bool:
    """Whether no transaction behind `exc` can have been written: a TransactWriteError in its
    chain that DynamoDB did not answer with a refusal (a timeout, a dropped connection, a server
    error) may hide a transaction that went through."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, TransactWriteError) and _code(current) not in REFUSED_UNWRITTEN:
            return False
        current = current.__cause__ or current.__context__
    return True


def _code(exc: TransactWriteError) -> str | None:
    """DynamoDB's error code (None when it did not answer: its `response` is then None)."""
    response = getattr(exc.cause, "response", None)
    return response.get("Error", {}).get("Code") if isinstance(response, dict) else None


def condition_failed(exc: Exception) -> bool:
    """Whether a single-item write (PutError, UpdateError, DeleteError) failed its condition."""
    return getattr(exc, "cause_response_code", "") == "ConditionalCheckFailedException"


def put_if_absent(record) -> bool:
    """Save `record` unless an item with its key exists; True when this call created it."""
    try:
        record.save(condition=type(record).PK.does_not_exist())
        return True
    except PutError as exc:
        if condition_failed(exc):
            return False
        raise


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def parse_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def isos(source, *names: str) -> dict[str, str | None]:
    """The times `names` of a domain object as item attributes (ISO text)."""
    return {name: iso(getattr(source, name)) for name in names}


def times(record, *names: str) -> dict[str, datetime | None]:
    """The times `names` of a record back as datetimes."""
    return {name: parse_time(getattr(record, name)) for name in names}


def domain_object(cls: type, record, **given):
    """The domain dataclass `cls` from the record's attributes of the same names; `given` are
    the fields the record keeps in another form (times as text, numbers as Decimal...)."""
    names = [f.name for f in dataclasses.fields(cls) if f.name not in given]
    return cls(**{name: getattr(record, name) for name in names if hasattr(record, name)}, **given)


def entry_data(entry) -> dict:
    """A history entry (dossier or feedback) as stored: its non-empty fields, times as ISO."""
    data = {k: v for k, v in vars(entry).items() if v not in (None, {}, [])}
    data["at"] = entry.at.isoformat()
    if entry.step_due_at:
        data["step_due_at"] = entry.step_due_at.isoformat()
    return data


def shard(value: str, shards: int) -> int:
    """A stable shard number of `value` in [0, shards) (spread, not security)."""
    return int(hashlib.sha1(value.encode()).hexdigest(), 16) % shards  # noqa: S324


def take(result, limit: int) -> Iterator:
    """At most `limit` items of a PynamoDB result (it would otherwise fetch further pages)."""
    for n, item in enumerate(result):
        yield item
        if n + 1 >= limit:
            return


def first_page(result, limit: int) -> tuple[list, dict | None]:
    """At most `limit` items of a PynamoDB query result and the key to continue after them."""
    items = list(take(result, limit))
    return items, result.last_evaluated_key


def page(
    index,
    hash_key: str,
    limit: int,
    start: dict | None,
    convert: Callable,
    range_key_condition=None,
    filter_condition=None,
    scan_index_forward: bool = True,
):
    """One page of an index Query, exactly one call: (converted items, last evaluated key or
    None). With a filter a page may hold fewer than `limit` items; the key still leads on."""
    model = index._model
    raw = model._get_connection().query(
        hash_key,
        range_key_condition=range_key_condition,
        filter_condition=filter_condition,
        index_name=index.Meta.index_name,
        exclusive_start_key=start,
        limit=limit,
        scan_index_forward=scan_index_forward,
    )
    items = [convert(model.from_raw_data(item)) for item in raw.get("Items", [])]
    return items, raw.get("LastEvaluatedKey")


def every(index, hash_key: str, convert: Callable = lambda r: r, **query) -> Iterator:
    """Every item of a Query: PynamoDB follows LastEvaluatedKey page after page (1 MB each)."""
    for record in index.query(hash_key, **query):
        yield convert(record)
