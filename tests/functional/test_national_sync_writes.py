"""What a national sync job writes (issue 18): its lease, then the accepted change together with
the end of the job in one transaction; nothing when an earlier job sent its change already; a
change that came meanwhile keeps the job going, with the accepted one still recorded."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta
from unittest import mock

import botocore.client
import pytest

from chalicelib.domain.events import Event
from chalicelib.domain.national_sync import PENDING, SYNCED
from chalicelib.persistence import dossier_store, store
from chalicelib.persistence import national_sync_store as sync_store
from chalicelib.services.national_portal import gateway
from chalicelib.services.shared.clock import now
from tests.factories import submit
from tests.functional.national_helpers import codes_received, run_sync, standin_portal

WRITES = {"PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem"}


@pytest.fixture(autouse=True)
def portal_is_the_standin(client, monkeypatch):
    monkeypatch.setattr(gateway, "portal", lambda: standin_portal(client))


def _touches_sync_state(operation: str, params: dict) -> bool:
    if operation == "TransactWriteItems":
        keys = [next(iter(i.values())).get("Key", {}) for i in params["TransactItems"]]
    else:
        keys = [params.get("Key") or params.get("Item") or {}]
    return any(k.get("SK", {}).get("S") == sync_store.SK for k in keys)


@contextmanager
def sync_state_writes():
    """The DynamoDB writes of dossiers' national sync items made meanwhile."""
    calls: list[str] = []
    real = botocore.client.BaseClient._make_api_call

    def counting(self, operation, params):
        if operation in WRITES and _touches_sync_state(operation, params):
            calls.append(operation)
        return real(self, operation, params)

    with mock.patch.object(botocore.client.BaseClient, "_make_api_call", counting):
        yield calls


def test_a_job_of_one_change_takes_its_lease_then_ends_in_the_same_write_as_the_change(client):
    _, created = submit(client)
    code = created["code"]

    with sync_state_writes() as writes:
        assert run_sync(client, code) == []

    assert writes == ["UpdateItem", "TransactWriteItems"]
    assert codes_received(client, code) == [1]
    state = sync_store.get(code)
    assert state.state == SYNCED and state.synced_step == 1
    assert state.lease_token is None and state.nsync_pk is None


def test_a_job_whose_change_an_earlier_job_sent_writes_nothing(client):
    _, created = submit(client)
    code = created["code"]
    run_sync(client, code)

    with sync_state_writes() as writes:
        assert run_sync(client, code) == []

    assert writes == []
    assert codes_received(client, code) == [1]
    assert sync_store.get(code).state == SYNCED


def test_a_change_that_came_meanwhile_leaves_the_job_open_and_nothing_written(client):
    _, created = submit(client)
    code = created["code"]
    dossier = dossier_store.get(code)
    at = now()
    token = sync_store.claim(code, at, timedelta(minutes=2))
    store.commit(lambda tx: sync_store.mark(tx, dossier, 2, at))  # a later change committed
    event = Event("dossier.national_synced", code, at, {}, id=f"test:{code}:1")

    assert not sync_store.delivered_and_done(code, token, 1, 1, 1, at, event)

    state = sync_store.get(code)
    assert state.synced_step == 0 and state.lease_token == token and state.state == PENDING
    assert sync_store.delivered(code, token, 1, 1, 1, at, event)
    assert not sync_store.finish(code, token, False, at)
    assert sync_store.get(code).synced_step == 1
