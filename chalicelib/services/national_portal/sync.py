"""Status synchronisation to the national portal: every status change of a dossier reaches it,
in order, at least once.

    dossier transaction ──marks NSYNC (want_step)──┐
    outbox event ─> dvc-events ─> on_event ─> dvc-national-sync ─> on_national_sync ─> sync()
    daily reconcile_national_sync: every dossier still marked unsynced ─> dvc-national-sync

`sync(code)` takes the dossier's lease, then sends, oldest first, the record of every status
change after the last one the national side accepted (rebuilt from the history,
domain/national_sync.py), recording each acceptance before sending the next. So a redelivered
job resends at most the newest record (a duplicate is allowed), and an older record never
follows a newer one: two jobs of one dossier never run at once, and the step only moves forward.

    HTTP 5xx, 408/429, timeout  -> the job fails and returns after a backoff (30 s doubling to
                                   15 min; 12 receives span about 2 hours, then the DLQ and its
                                   alarm; the daily reconciliation resends what is still unsynced)
    any other 4xx               -> that record is `failed` with the national side's reason and
                                   listed in the agency's inbox filter; later changes still go
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from chalicelib.config import get_settings
from chalicelib.domain import national_sync
from chalicelib.domain.events import Event
from chalicelib.domain.workflow import TRANSITIONS
from chalicelib.integrations import queues, storage
from chalicelib.integrations.national_portal import (
    NationalPortal,
    NationalPortalPermanentError,
    NationalPortalTemporaryError,
)
from chalicelib.persistence import dossier_store
from chalicelib.persistence import national_sync_store as store
from chalicelib.services.catalog import reads as catalog_service
from chalicelib.services.national_portal import gateway
from chalicelib.services.shared import batches

log = logging.getLogger(__name__)
LEASE = timedelta(seconds=120)  # > the function timeout (30 s), < the visibility timeout (180 s)
ON_TIME = timedelta(hours=1)  # a change reaching the national portal later counts as late sync
RECONCILE_GRACE = timedelta(minutes=15)
DOCUMENT_LINK_SECONDS = 7 * 24 * 3600  # the longest a presigned S3 link may live
TRIGGERS = frozenset({"dossier.submitted", *(t.event for t in TRANSITIONS.values())})
MAX_ROUNDS = 5
REFUSED, DELIVERED, DONE = "refused", "delivered", "done"  # what sending one change came to


def on_event(event: dict, now: datetime) -> None:
    """A dossier changed: queue its sync (the events consumer retries if SQS refuses)."""
    enqueue([event["dossier_code"]])


def enqueue(codes: list[str]) -> int:
    unique = list(dict.fromkeys(codes))
    if not unique:
        return 0
    failed = queues.send_batch(
        queues.QueueNames.NATIONAL_SYNC, {c: {"dossier_code": c} for c in unique}
    )
    if failed:
        raise RuntimeError(f"{len(failed)} national sync jobs not queued")
    return len(unique)


# The slowest job: a call to the national portal at its HTTP timeout, then the state updates.
RESERVE_MS = 12_000


def handle_batch(
    records, now: datetime, portal: NationalPortal | None = None, time_left_ms=None
) -> dict:
    """Sync each job; report the ones to retry (and, near the timeout, those not started)."""
    job = batches.retrying(
        queues.QueueNames.NATIONAL_SYNC,
        "national sync",
        lambda body: sync(body["dossier_code"], now, portal),
    )
    return batches.run(records, job, time_left_ms, RESERVE_MS)


def sync(code: str, now: datetime, portal: NationalPortal | None = None) -> str:
    """Bring the national portal up to date with one dossier; returns the sync state. A job
    whose changes an earlier job already sent (every `dossier.*` event queues one, and a job
    sends all the changes it finds) reads the state and writes nothing."""
    state = store.get(code)
    if state is not None and _nothing_left(state):
        return state.state
    token = store.claim(code, now, LEASE)
    if token is None:
        raise batches.Retry("another worker is syncing this dossier")
    try:
        return _sync_under_lease(code, token, now, portal)
    except batches.Retry:
        raise
    except Exception:
        store.release(code, token)
        raise


def _nothing_left(state) -> bool:
    """Every change marked was answered (accepted, or refused for good): nothing to send."""
    done = state.state in (national_sync.SYNCED, national_sync.FAILED)
    return done and int(state.want_step or 0) <= int(state.synced_step or 0)


def _sync_under_lease(code: str, token: str, now: datetime, portal: NationalPortal | None) -> str:
    dossier = dossier_store.get(code)
    if dossier is None:
        store.release(code, token)
        log.warning("national sync for an unknown dossier dropped")
        return "unknown"
    for _ in range(MAX_ROUNDS):
        state = store.get(code)
        history = dossier_store.history(code)
        changes = national_sync.pending_changes(history, int(state.synced_step or 0))
        outcome = None
        for change in changes:
            outcome = _send_one(dossier, history, change, token, now, portal, change is changes[-1])
        if outcome == DONE:
            return national_sync.SYNCED
        failed = outcome == REFUSED if changes else state.state == national_sync.FAILED
        if store.finish(code, token, failed, now):
            return national_sync.FAILED if failed else national_sync.SYNCED
        dossier = dossier_store.get(code) or dossier  # a change came in meanwhile
    store.release(code, token)
    raise batches.Retry("the dossier keeps changing")


def _send_one(dossier, history, change, token, now, portal, last: bool) -> str:
    """Send one change's record: REFUSED if the national side refused it for good, DONE if it
    was accepted and, being the `last` change known, the same write ended the job (no change
    came meanwhile), else DELIVERED."""
    record = national_sync.build(
        dossier, history, change, _agency_code(dossier.agency_id), _document_link
    )
    step, status_code = record["step"], record["status"]["code"]
    try:
        (portal or gateway.portal()).send(record)
    except NationalPortalTemporaryError as exc:
        state = store.get(dossier.code)
        store.postpone(dossier.code, token, str(exc), int(state.attempts or 0) + 1, now)
        raise batches.Retry(str(exc)) from exc
    except NationalPortalPermanentError as exc:
        log.warning(
            "national portal refused a sync record",
            extra={"dossier": dossier.code, "step": step, "reason": str(exc)},
        )
        event = _event("dossier.national_sync_failed", dossier, change, status_code, now)
        store.refused(
            dossier.code, token, step, status_code, dossier.agency_id, str(exc), now, event
        )
        return REFUSED
    event = _event("dossier.national_synced", dossier, change, status_code, now)
    version = record["version"]
    done = last and store.delivered_and_done(
        dossier.code, token, step, version, status_code, now, event
    )
    if not done:
        store.delivered(dossier.code, token, step, version, status_code, now, event)
    return DONE if done else DELIVERED


def _event(kind: str, dossier, change: dict, status_code: int, now: datetime) -> Event:
    """One event per (dossier, step, outcome): a resend commits the same id again."""
    changed_at = datetime.fromisoformat(change["at"])
    return Event(
        kind,
        dossier.code,
        now,
        {
            "agency_id": dossier.extra.get("receiving_agency_id", dossier.agency_id),
            "procedure_code": dossier.procedure["code"],
            "status_code": status_code,
            "step": int(change["seq"]),
            "on_time": now - changed_at <= ON_TIME,
        },
        id=f"{kind}:{dossier.code}:{change['seq']}",
    )


def _agency_code(agency_id: str) -> str:
    agency = catalog_service.get_catalog().agency(agency_id)
    return agency.id_code if agency else agency_id


def _document_link(attachment: dict) -> str:
    return storage.download_url(
        get_settings().bucket_uploads,
        attachment["key"],
        attachment.get("filename", "file"),
        DOCUMENT_LINK_SECONDS,
    )


def reconcile(now: datetime) -> dict:
    """Daily: every dossier whose committed changes the national side has not all accepted
    (still marked unsynced a while after its last change) is queued again."""
    codes = []
    for shard in range(store.SHARDS):
        codes += [r.code for r in store.unsynced(shard, now - RECONCILE_GRACE, limit=1000)]
    queued = enqueue(codes)
    return {"requeued": queued}


def view(code: str) -> dict:
    """`national_sync` of the officer view: {state, state_label, status_code, status_label, at},
    with the portal's `reason` and the officer's `advice` for a refusal."""
    state = store.get(code)
    if state is None:
        return _labelled({"state": national_sync.PENDING, "status_code": None, "at": None})
    at = {
        national_sync.SYNCED: state.synced_at,
        national_sync.FAILED: state.failed_at,
    }.get(state.state, state.changed_at)
    answer = {
        "state": state.state,
        "status_code": int(state.status_code) if state.status_code is not None else None,
        "at": at,
    }
    if state.state == national_sync.FAILED and state.last_error:
        answer["reason"] = state.last_error
    return _labelled(answer)


def _labelled(answer: dict) -> dict:
    """The Vietnamese words the console shows for the state and the last status sent."""
    answer["state_label"] = national_sync.STATE_LABELS[answer["state"]]
    answer["status_label"] = national_sync.status_label(answer["status_code"])
    if answer["state"] == national_sync.FAILED:
        answer["advice"] = national_sync.FAILED_ADVICE
    return answer
