"""Count what each operation asks of AWS: calls by service and operation, DynamoDB capacity
units and items examined. Every botocore client (PynamoDB's too) goes through
`BaseClient._make_api_call`, which is wrapped while a step is being measured.

moto does not report capacity faithfully, so units are computed as DynamoDB bills them: reads
per 4 KB (half for eventually consistent), writes per 1 KB of the larger of the item before and
after the write, twice inside a transaction, plus the index writes the change causes given each
index's projection (see `Meter._units`). A transaction's ConditionCheck is billed as a write of
the item it checks. A refused write (a failed condition, a cancelled transaction) is billed too:
each of its items per 1 KB of the larger of the item stored and the item put (twice inside a
transaction), with no index write. Item sizes follow DynamoDB's rules (names + values); the
images before and after each write are read with unmetered GetItems. DynamoDB Streams calls
(service `dynamodbstreams`) are counted but bill no unit: the reads a Lambda event source
mapping makes of a table's stream are free."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from unittest import mock

from botocore.client import BaseClient
from botocore.exceptions import ClientError


def item_size(item: dict) -> int:
    return sum(len(name.encode()) + _value_size(value) for name, value in item.items())


def base_units(old: dict, new: dict, factor: int) -> int:
    """The base table's write units: per KB of the larger image, `factor` 2 in a transaction."""
    return max(1, math.ceil(max(item_size(old), item_size(new)) / 1024)) * factor


def _value_size(value: dict) -> int:
    ((kind, inner),) = value.items()
    if kind == "S":
        return len(inner.encode())
    if kind == "N":
        return len(inner.lstrip("-").replace(".", "")) // 2 + 1
    if kind == "B":
        return len(inner)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "M":
        return 3 + item_size(inner)
    if kind == "L":
        return 3 + sum(1 + _value_size(v) for v in inner)
    if kind in ("SS", "NS", "BS"):
        return sum(len(str(v)) for v in inner)
    return 0


@dataclass
class Usage:
    calls: Counter = field(default_factory=Counter)
    rru: float = 0.0
    wru: float = 0.0
    examined: int = 0
    writers: Counter = field(default_factory=Counter)  # WRU by (table, item kind)

    def add(self, other: Usage) -> None:
        self.calls.update(other.calls)
        self.writers.update(other.writers)
        self.rru += other.rru
        self.wru += other.wru
        self.examined += other.examined

    def count(self, service: str) -> int:
        return sum(n for (s, _), n in self.calls.items() if s == service)


WRITES = ("PutItem", "UpdateItem", "DeleteItem")
# Items only the local stage's fakes write, in place of an outside party (the SMS/email/Zalo
# providers' message log, the national portal's stand-in): no such write in production.
LOCAL_ONLY = ("DEVMESSAGE", "NATIONALPORTAL")


def kind_of(key: dict) -> str:
    """An item's kind for the breakdown: the leading word of each key attribute
    (`DOSSIER/EVENT`, `RL/<window>` → `RL/…`)."""
    words = []
    for value in key.values():
        text = next(iter(value.values()))
        head = str(text).split("#", 1)[0]
        words.append(head if head.isalpha() and head.isupper() else "…")
    return "/".join(words)


@dataclass(frozen=True)
class Index:
    name: str
    keys: tuple[str, ...]
    projection: str  # ALL | INCLUDE | KEYS_ONLY
    included: tuple[str, ...] = ()


@dataclass(frozen=True)
class Table:
    keys: tuple[str, ...]
    indexes: tuple[Index, ...]


class Meter:
    def __init__(self):
        self.steps: dict[str, Usage] = defaultdict(Usage)
        self.current: str | None = None
        self._tables: dict[str, Table] = {}
        self._real = BaseClient._make_api_call

    @contextmanager
    def installed(self):
        meter = self

        def patched(client, operation, params):
            if meter.current is None:
                return meter._real(client, operation, params)
            before = meter._images(client, operation, params)
            try:
                answer = meter._real(client, operation, params)
            except ClientError:
                meter._record(client, operation, params, None, before)
                raise
            meter._record(client, operation, params, answer, before)
            return answer

        with mock.patch.object(BaseClient, "_make_api_call", patched):
            yield self

    @contextmanager
    def step(self, name: str):
        previous, self.current = self.current, name
        try:
            yield self.steps[name]
        finally:
            self.current = previous

    # --- recording -------------------------------------------------------------------------

    def _writes_of(self, operation: str, params: dict) -> list[tuple[str, dict, int]]:
        """(table, key or item spec, factor) of every item a write call touches."""
        if operation in WRITES:
            return [(params["TableName"], params, 1)]
        if operation == "TransactWriteItems":
            return [
                (spec["TableName"], spec, 2)
                for action in params.get("TransactItems", [])
                for spec in action.values()
            ]
        if operation == "BatchWriteItem":
            return [
                (table, r.get("PutRequest") or r.get("DeleteRequest"), 1)
                for table, requests in params.get("RequestItems", {}).items()
                for r in requests
            ]
        return []

    def _key(self, client, table: str, spec: dict) -> dict:
        if "Key" in spec:
            return spec["Key"]
        return {k: spec["Item"][k] for k in self._table(client, table).keys}

    def _get(self, client, table: str, key: dict) -> dict:
        found = self._real(client, "GetItem", {"TableName": table, "Key": key})
        return found.get("Item") or {}

    def _images(self, client, operation: str, params: dict) -> list[dict]:
        """The items a write is about to change, as they are before it (unmetered reads)."""
        if client.meta.service_model.service_name != "dynamodb":
            return []
        return [
            self._get(client, table, self._key(client, table, spec))
            for table, spec, _ in self._writes_of(operation, params)
        ]

    def _record(self, client, operation: str, params: dict, answer: dict | None, before) -> None:
        """Count the call and bill its units. A refused call (`answer` None) bills its writes
        as DynamoDB bills a refused write: the larger of the stored and the given item, no
        index write."""
        service = client.meta.service_model.service_name
        usage = self.steps[self.current]
        usage.calls[(service, operation)] += 1
        if service != "dynamodb":
            return
        writes = self._writes_of(operation, params)
        for (table, spec, factor), old in zip(writes, before, strict=True):
            key = self._key(client, table, spec)
            if kind_of(key).split("/")[0] in LOCAL_ONLY:
                continue
            if answer is None:
                units = base_units(old, spec.get("Item", {}), factor)
            else:
                units = self._units(client, table, old, self._get(client, table, key), factor)
            usage.wru += units
            usage.writers[(table, kind_of(key))] += units
        if not writes and answer is not None:
            self._reads(operation, params, answer, usage)

    def _reads(self, operation, params, answer, usage: Usage) -> None:
        factor = 1.0 if params.get("ConsistentRead") else 0.5
        if operation == "GetItem":
            size = item_size(answer.get("Item", {})) if answer.get("Item") else 0
            usage.rru += max(1, math.ceil(size / 4096)) * factor
            usage.examined += 1 if answer.get("Item") else 0
        elif operation in ("Query", "Scan"):
            size = sum(item_size(i) for i in answer.get("Items", []))
            scanned = answer.get("ScannedCount", len(answer.get("Items", [])))
            returned = max(1, len(answer.get("Items", [])))
            usage.rru += max(1, math.ceil(size * scanned / returned / 4096)) * factor
            usage.examined += scanned
        elif operation == "BatchGetItem":
            for items in answer.get("Responses", {}).values():
                usage.rru += sum(max(1, math.ceil(item_size(i) / 4096)) * 0.5 for i in items)
                usage.examined += len(items)
        elif operation == "TransactGetItems":
            usage.rru += 2 * len(params.get("TransactItems", []))
            usage.examined += len(params.get("TransactItems", []))

    def _table(self, client, table: str) -> Table:
        if table not in self._tables:
            found = self._real(client, "DescribeTable", {"TableName": table})["Table"]
            indexes = tuple(
                Index(
                    g["IndexName"],
                    tuple(k["AttributeName"] for k in g["KeySchema"]),
                    g["Projection"]["ProjectionType"],
                    tuple(g["Projection"].get("NonKeyAttributes", [])),
                )
                for g in found.get("GlobalSecondaryIndexes", [])
            )
            keys = tuple(k["AttributeName"] for k in found["KeySchema"])
            self._tables[table] = Table(keys, indexes)
        return self._tables[table]

    def _units(self, client, table: str, old: dict, new: dict, factor: int) -> float:
        """The base write (the larger image, `factor` 2 in a transaction) and the index writes
        it causes: an entry added or removed costs one write, a changed index key two (delete
        and put), a changed projected attribute one; each sized by its projected entry."""
        shape = self._table(client, table)
        units = base_units(old, new, factor)
        for index in shape.indexes:
            units += self._index_units(shape, index, old, new)
        return units

    @staticmethod
    def _index_units(shape: Table, index: Index, old: dict, new: dict) -> int:
        def entry(item: dict) -> dict:
            if not all(k in item for k in index.keys[:1]):
                return {}
            if index.projection == "ALL":
                return item
            wanted = set(shape.keys) | set(index.keys) | set(index.included)
            return {k: v for k, v in item.items() if k in wanted}

        before, after = entry(old), entry(new)
        size = max(1, math.ceil(max(item_size(before), item_size(after)) / 1024))
        if not before and not after:
            return 0
        if not before or not after:
            return size
        if any(before.get(k) != after.get(k) for k in index.keys):
            return 2 * size
        return size if before != after else 0
