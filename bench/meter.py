"""Count what each operation asks of AWS: calls by service and operation, DynamoDB capacity
units and items examined. Every botocore client (PynamoDB's too) goes through
`BaseClient._make_api_call`, which is wrapped while a step is being measured.

moto does not report capacity faithfully, so units are computed as DynamoDB bills them: reads
per 4 KB (half for eventually consistent), writes per 1 KB, twice inside a transaction, plus
one write per global secondary index whose key the written item carries (two when the key
changes). Item sizes follow DynamoDB's rules (names + values); updated items are sized after
the write with an unmetered GetItem."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from unittest import mock

from botocore.client import BaseClient


def item_size(item: dict) -> int:
    return sum(len(name.encode()) + _value_size(value) for name, value in item.items())


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

    def add(self, other: Usage) -> None:
        self.calls.update(other.calls)
        self.rru += other.rru
        self.wru += other.wru
        self.examined += other.examined

    def count(self, service: str) -> int:
        return sum(n for (s, _), n in self.calls.items() if s == service)


class Meter:
    def __init__(self):
        self.steps: dict[str, Usage] = defaultdict(Usage)
        self.current: str | None = None
        self._indexes: dict[str, list[tuple[str, ...]]] = {}
        self._real = BaseClient._make_api_call

    @contextmanager
    def installed(self):
        meter = self

        def patched(client, operation, params):
            answer = meter._real(client, operation, params)
            if meter.current is not None:
                meter._record(client, operation, params, answer)
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

    def _record(self, client, operation: str, params: dict, answer: dict) -> None:
        service = client.meta.service_model.service_name
        usage = self.steps[self.current]
        usage.calls[(service, operation)] += 1
        if service == "dynamodb":
            self._capacity(client, operation, params, answer, usage)

    def _capacity(self, client, operation, params, answer, usage: Usage) -> None:
        if operation in ("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem"):
            self._writes(client, operation, params, usage)
        elif operation == "TransactWriteItems":
            for action in params.get("TransactItems", []):
                ((kind, spec),) = action.items()
                usage.wru += 0 if kind == "ConditionCheck" else self._write(client, spec, 2)
        else:
            self._reads(operation, params, answer, usage)

    def _writes(self, client, operation, params, usage: Usage) -> None:
        if operation != "BatchWriteItem":
            usage.wru += self._write(client, params, 1)
            return
        for table, requests in params.get("RequestItems", {}).items():
            for r in requests:
                put = r.get("PutRequest", {}).get("Item")
                usage.wru += self._units(table, put, False) if put else 1

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

    def _write(self, client, spec: dict, factor: int) -> float:
        table = spec["TableName"]
        item = spec.get("Item")
        key_change = False
        if item is None and "Key" in spec:
            fetched = self._real(client, "GetItem", {"TableName": table, "Key": spec["Key"]})
            item = fetched.get("Item") or spec["Key"]
            expression = spec.get("UpdateExpression", "")
            key_change = "REMOVE" in expression.upper() or bool(self._indexed_names(spec))
        return self._units(table, item, key_change, client, factor)

    def _indexed_names(self, spec: dict) -> set[str]:
        names = set((spec.get("ExpressionAttributeNames") or {}).values())
        keys = {k for index in self._indexes.get(spec["TableName"], []) for k in index}
        return names & keys

    def _units(self, table: str, item: dict, key_change: bool, client=None, factor=1) -> float:
        """The base write (`factor` 2 in a transaction) and one standard write per index
        entry it adds (two when an index key changes: delete and put); projections are ALL."""
        units = max(1, math.ceil(item_size(item) / 1024))
        if client is not None and table not in self._indexes:
            description = self._real(client, "DescribeTable", {"TableName": table})["Table"]
            self._indexes[table] = [
                tuple(k["AttributeName"] for k in g["KeySchema"])
                for g in description.get("GlobalSecondaryIndexes", [])
            ]
        indexed = sum(1 for index in self._indexes.get(table, []) if index[0] in item)
        return units * (factor + indexed * (2 if key_change else 1))
