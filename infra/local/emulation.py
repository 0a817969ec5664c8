"""Make the emulated DynamoDB honour what the real one guarantees.

moto applies a TransactWriteItems by deep-copying the table for rollback while other threads
keep writing, so concurrent transactions can fail inside the emulator ("dictionary changed size
during iteration"). DynamoDB applies every transaction atomically; a lock around moto's
implementation (and around its stream reads) restores that guarantee for the local stack and the
tests."""

from __future__ import annotations

import copy
import functools
import threading
import types

_LOCK = threading.RLock()
_PATCHED = False


def make_transactions_atomic() -> None:
    global _PATCHED
    if _PATCHED:
        return
    from moto.dynamodb.models import DynamoDBBackend

    original = DynamoDBBackend.transact_write_items

    @functools.wraps(original)
    def atomic(self, *args, **kwargs):
        with _LOCK:
            return original(self, *args, **kwargs)

    DynamoDBBackend.transact_write_items = atomic
    make_transactions_cheap()
    _read_streams_between_transactions()
    _PATCHED = True


def _read_streams_between_transactions() -> None:
    """A stream reader never sees a transaction half applied: its records are appended one by
    one, and a failed transaction takes them back (see below)."""
    from moto.dynamodbstreams.models import DynamoDBStreamsBackend

    original = DynamoDBStreamsBackend.get_records

    @functools.wraps(original)
    def between(self, *args, **kwargs):
        with _LOCK:
            return original(self, *args, **kwargs)

    DynamoDBStreamsBackend.get_records = between


# moto backs a transaction up by deep-copying every table it touches, once per item: the cost
# grows with the table (a submission against thousands of dossiers copied them all six times,
# and `make load` ran out of memory). Instead, keep the items the transaction touches and put
# them back if it fails, and drop the stream records its writes appended (a failed transaction
# must not reach the stream); moto keeps no other state per table that a write changes (indexes
# are computed from the items when queried).
_FAST = threading.local()


def _deepcopy_except_tables(real_deepcopy):
    from moto.dynamodb.models.table import Table

    def deepcopy(value, *args, **kwargs):
        if getattr(_FAST, "active", False) and isinstance(value, Table):
            return value
        return real_deepcopy(value, *args, **kwargs)

    return deepcopy


def _touched(backend, transact_items) -> list[tuple]:
    """(table, hash, range, copy of the item or None) for every item the transaction names."""
    from moto.dynamodb.models.dynamo_type import DynamoType

    saved = []
    for entry in transact_items:
        ((_, op),) = entry.items()
        table = backend.tables[op["TableName"]]
        key = op.get("Key") or op["Item"]
        hash_value = DynamoType(key[table.hash_key_attr])
        range_value = DynamoType(key[table.range_key_attr]) if table.range_key_attr else None
        saved.append(
            (table, hash_value, range_value, copy.deepcopy(table.get_item(hash_value, range_value)))
        )
    return saved


def _streamed(saved: list[tuple]) -> dict:
    """How many records each touched table's stream holds before the transaction."""
    return {
        id(table): (table.stream_shard, len(table.stream_shard.items))
        for table, *_ in saved
        if getattr(table, "stream_shard", None) is not None
    }


def _put_back(saved: list[tuple], streamed: dict) -> None:
    for shard, length in streamed.values():
        del shard.items[length:]
    for table, hash_value, range_value, item in reversed(saved):
        if range_value is None:
            table.items.pop(hash_value, None)
            if item is not None:
                table.items[hash_value] = item
            continue
        bucket = table.items.setdefault(hash_value, {})
        bucket.pop(range_value, None)
        if item is not None:
            bucket[range_value] = item


def make_transactions_cheap() -> None:
    """Back transactions up item by item (see above), inside the lock of the atomic ones."""
    from moto.dynamodb import models

    if getattr(models, "_dvc_cheap_transactions", False):
        return
    models.copy = types.SimpleNamespace(deepcopy=_deepcopy_except_tables(copy.deepcopy))
    atomic = models.DynamoDBBackend.transact_write_items

    @functools.wraps(atomic)
    def cheap(self, transact_items, *args, **kwargs):
        with _LOCK:
            try:
                saved = _touched(self, transact_items)
                streamed = _streamed(saved)
            except Exception:  # noqa: BLE001 - malformed input: let moto answer as it does
                return atomic(self, transact_items, *args, **kwargs)
            _FAST.active = True
            try:
                return atomic(self, transact_items, *args, **kwargs)
            except Exception:
                _put_back(saved, streamed)
                raise
            finally:
                _FAST.active = False

    models.DynamoDBBackend.transact_write_items = cheap
    models._dvc_cheap_transactions = True
