"""Where each dossier stands with the national portal: one item per dossier beside it,
`PK=DOSSIER#<code> SK=NSYNC`.

The dossier's own transaction marks it (`mark`: the last status change committed, `want_step`),
so a change can never be lost between the commit and the sync: until the worker has delivered
every change up to `want_step`, the item stays in the sparse `national_sync` index under
`UNSYNCED#<shard>` (the reconciliation reads it there, never a scan). A record the national side
refused for good moves the item under `FAILED#<agency>` (the officers' inbox filter).

The worker holds a lease (`lease_token`, `lease_until`) while it sends, so two deliveries of the
same dossier never interleave and an older record is never sent after a newer one.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from pynamodb.exceptions import UpdateError

from chalicelib.config import get_settings
from chalicelib.domain.dossier import Dossier
from chalicelib.domain.events import Event
from chalicelib.domain.national_sync import FAILED, PENDING, SYNCED
from chalicelib.persistence import dossier_store, store
from chalicelib.persistence.base import bind
from chalicelib.persistence.dossier_records import NationalSyncRecord

SK = "NSYNC"
SHARDS = 32  # every status change marks its dossier: sized in bench/keys.py like open_due


def model() -> type[NationalSyncRecord]:
    return bind(NationalSyncRecord, get_settings().table_dossiers)


def _key(code: str) -> NationalSyncRecord:
    return model()(dossier_store.pk(code), SK)


def unsynced_key(code: str) -> str:
    return f"UNSYNCED#{store.shard(code, SHARDS)}"


def mark(tx: store.Transaction, dossier: Dossier, step: int, at: datetime) -> None:
    """In the dossier's transaction: status change `step` waits for the national portal."""
    m = model()
    tx.update(
        _key(dossier.code),
        actions=[
            m.code.set(dossier.code),
            m.agency_id.set(dossier.agency_id),
            m.state.set(PENDING),
            m.want_step.set(step),
            m.changed_at.set(at.isoformat()),
            m.nsync_pk.set(unsynced_key(dossier.code)),
            m.nsync_sk.set(f"{at.isoformat()}#{dossier.code}"),
        ],
    )


def get(code: str) -> NationalSyncRecord | None:
    try:
        return model().get(dossier_store.pk(code), SK, consistent_read=True)
    except model().DoesNotExist:
        return None


def claim(code: str, now: datetime, lease: timedelta) -> str | None:
    """Take the dossier's sync lease; None when another worker holds it."""
    m = model()
    token = uuid.uuid4().hex
    try:
        _key(code).update(
            actions=[
                m.code.set(code),
                m.want_step.set(m.want_step | 0),
                m.synced_step.set(m.synced_step | 0),
                m.lease_token.set(token),
                m.lease_until.set(now.timestamp() + lease.total_seconds()),
            ],
            condition=m.lease_until.does_not_exist() | (m.lease_until < now.timestamp()),
        )
    except UpdateError as exc:
        if store.condition_failed(exc):
            return None
        raise
    return token


def _held(token: str):
    return model().lease_token == token


def _write(code: str, token: str, actions: list, event: Event | None, condition=None) -> bool:
    """Update the item under our lease (and commit `event` to the dossier's outbox with it)."""
    held = _held(token) if condition is None else _held(token) & condition
    if event is None:
        try:
            _key(code).update(actions=actions, condition=held)
            return True
        except UpdateError as exc:
            if store.condition_failed(exc):
                return False
            raise

    def stage(tx: store.Transaction) -> None:
        tx.update(_key(code), actions=actions, condition=held, label="sync")
        dossier_store.stage_events([event])(tx)

    try:
        store.commit(stage)
    except store.Cancelled:
        return False
    return True


def delivered(
    code: str, token: str, step: int, version: int, status_code: int, now: datetime, event: Event
) -> bool:
    m = model()
    done = [m.synced_version.set(version), m.synced_at.set(now.isoformat()), m.attempts.set(0)]
    return _past(code, token, step, status_code, event, done)


def delivered_and_done(
    code: str, token: str, step: int, version: int, status_code: int, now: datetime, event: Event
) -> bool:
    """`delivered` and `finish` in one write, for the last change a job knows of (a job mostly
    carries one): False, and nothing written, if a later change came meanwhile (or the lease is
    lost)."""
    m = model()
    done = [m.synced_version.set(version), m.synced_at.set(now.isoformat()), m.attempts.set(0)]
    actions = [m.synced_step.set(step), m.status_code.set(status_code), *done, *_done(False)]
    return _write(code, token, actions, event, m.want_step <= step)


def refused(
    code: str,
    token: str,
    step: int,
    status_code: int,
    agency_id: str,
    reason: str,
    now: datetime,
    event: Event,
) -> bool:
    """The national side refused this record for good: skip past it, list the dossier as failed."""
    m = model()
    failed = [
        m.state.set(FAILED),
        m.failed_at.set(now.isoformat()),
        m.last_error.set(reason[:500]),
        m.nsync_pk.set(f"FAILED#{agency_id}"),
        m.nsync_sk.set(f"{now.isoformat()}#{code}"),
    ]
    return _past(code, token, step, status_code, event, failed)


def _past(code: str, token: str, step: int, status_code: int, event: Event, more: list) -> bool:
    """Move the dossier past change `step` (the national side answered `status_code`), with
    `more` updates and `event`, under our lease."""
    m = model()
    return _write(
        code, token, [m.synced_step.set(step), m.status_code.set(status_code), *more], event
    )


def finish(code: str, token: str, failed: bool, now: datetime) -> bool:
    """Release the lease once every wanted change went out; False if a change came meanwhile."""
    m = model()
    return _write(code, token, _done(failed), None, m.want_step <= m.synced_step)


def _done(failed: bool) -> list:
    """Release the lease; unless the last record was refused, the dossier is synced."""
    m = model()
    actions = [m.lease_token.remove(), m.lease_until.remove()]
    if not failed:
        actions += [m.state.set(SYNCED), m.last_error.remove(), m.nsync_pk.remove()]
        actions += [m.nsync_sk.remove()]
    return actions


def postpone(code: str, token: str, error: str, attempts: int, now: datetime) -> None:
    """A temporary failure: stay pending (and unsynced) and let the queue try again later."""
    m = model()
    _write(
        code,
        token,
        [
            m.state.set(PENDING),
            m.last_error.set(error[:500]),
            m.attempts.set(attempts),
            m.lease_token.remove(),
            m.lease_until.remove(),
        ],
        None,
    )


def release(code: str, token: str) -> None:
    m = model()
    _write(code, token, [m.lease_token.remove(), m.lease_until.remove()], None)


def unsynced(shard: int, before: datetime, limit: int = 100) -> list[NationalSyncRecord]:
    """Dossiers with changes still not delivered, changed before `before` (oldest first)."""
    m = model()
    return list(m.by_state.query(f"UNSYNCED#{shard}", m.nsync_sk < before.isoformat(), limit=limit))


def failed_page(
    agency_id: str, limit: int, start: dict | None
) -> tuple[list[NationalSyncRecord], dict | None]:
    """The agency's dossiers whose last record the national side refused, latest first."""
    m = model()
    result = m.by_state.query(
        f"FAILED#{agency_id}", limit=limit, last_evaluated_key=start, scan_index_forward=False
    )
    return store.first_page(result, limit)
