"""Make the emulated DynamoDB honour what the real one guarantees.

moto applies a TransactWriteItems by deep-copying the table for rollback while other threads
keep writing, so concurrent transactions can fail inside the emulator ("dictionary changed size
during iteration"). DynamoDB applies every transaction atomically; a lock around moto's
implementation restores that guarantee for the local stack and the tests."""

from __future__ import annotations

import functools
import threading

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
    _PATCHED = True
