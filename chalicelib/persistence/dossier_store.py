"""Dossier persistence: every change of a dossier is one TransactWrite of the dossier item
(guarded by its version), its new history entries and its outbox events — so the audit trail
and the events can never disagree with the state. See records.py for the key layout."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from datetime import datetime

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.config import get_settings
from chalicelib.domain.dossier import Dossier, Event, HistoryEntry, Status
from chalicelib.domain.errors import Conflict
from chalicelib.persistence import national_sync_store
from chalicelib.persistence.base import bind, region, shared_connection
from chalicelib.persistence.records import DossierRecord, HistoryRecord, OutboxRecord

SHARDS = 4
# Statuses in which the agency holds the dossier and its clock runs: watched for overdue.
CLOCK_RUNNING = frozenset({Status.SUBMITTED, Status.ACCEPTED, Status.IN_PROGRESS})


def models() -> tuple[type[DossierRecord], type[HistoryRecord], type[OutboxRecord]]:
    table = get_settings().table_dossiers
    return bind(DossierRecord, table), bind(HistoryRecord, table), bind(OutboxRecord, table)


def pk(code: str) -> str:
    return f"DOSSIER#{code}"


def shard(value: str) -> int:
    return int(hashlib.sha1(value.encode()).hexdigest(), 16) % SHARDS  # noqa: S324 - not security


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def sort_key(dossier: Dossier) -> str:
    moment = dossier.due_at or dossier.acknowledge_by
    return f"{moment.isoformat()}#{dossier.code}"


def to_record(dossier: Dossier) -> DossierRecord:
    model, _, _ = models()
    open_ = dossier.status.is_open
    key = sort_key(dossier)
    return model(
        pk(dossier.code),
        "META",
        code=dossier.code,
        status=dossier.status.value,
        version=dossier.version,
        agency_id=dossier.agency_id,
        procedure=dossier.procedure,
        applicant=dossier.applicant,
        owner=dossier.owner,
        form=dossier.form,
        attachments=dossier.attachments,
        result_delivery=dossier.result_delivery,
        notify=dossier.notify,
        channel=dossier.channel,
        submitted_at=_iso(dossier.submitted_at),
        acknowledge_by=_iso(dossier.acknowledge_by),
        accepted_at=_iso(dossier.accepted_at),
        due_at=_iso(dossier.due_at),
        finished_at=_iso(dossier.finished_at),
        outcome=dossier.outcome,
        requested=dossier.requested,
        fee_due=dossier.fee_due,
        fee_paid=dossier.fee_paid,
        extended=dossier.extended,
        assignee=dossier.assignee,
        history_len=dossier.history_len,
        extra=dossier.extra or None,
        owner_pk=f"OWNER#{dossier.owner}" if dossier.owner else None,
        owner_sk=f"{_iso(dossier.submitted_at)}#{dossier.code}" if dossier.owner else None,
        inbox_pk=f"INBOX#{dossier.agency_id}" if open_ else None,
        inbox_sk=key if open_ else None,
        status_pk=f"AGENCY#{dossier.agency_id}#{dossier.status.value}",
        status_sk=key,
        due_pk=f"OPEN#{shard(dossier.code)}" if dossier.status in CLOCK_RUNNING else None,
        due_sk=key if dossier.status in CLOCK_RUNNING else None,
    )


def from_record(record: DossierRecord) -> Dossier:
    return Dossier(
        code=record.code,
        procedure=record.procedure,
        agency_id=record.agency_id,
        applicant=record.applicant,
        owner=record.owner,
        form=record.form,
        attachments=record.attachments,
        result_delivery=record.result_delivery,
        notify=record.notify,
        status=Status(record.status),
        submitted_at=_dt(record.submitted_at),
        acknowledge_by=_dt(record.acknowledge_by),
        channel=record.channel,
        version=int(record.version),
        accepted_at=_dt(record.accepted_at),
        due_at=_dt(record.due_at),
        finished_at=_dt(record.finished_at),
        outcome=record.outcome,
        requested=record.requested,
        fee_due=int(record.fee_due or 0),
        fee_paid=int(record.fee_paid or 0),
        extended=bool(record.extended),
        assignee=record.assignee,
        history_len=int(record.history_len or 0),
        extra=record.extra or {},
    )


def history_record(code: str, entry: HistoryEntry, version: int | None = None) -> HistoryRecord:
    """One history entry; `version` is the dossier version that the entry's change produced."""
    _, model, _ = models()
    data = {k: v for k, v in vars(entry).items() if v not in (None, {}, [])}
    data["at"] = entry.at.isoformat()
    if version is not None:
        data["version"] = version
    if entry.step_due_at:
        data["step_due_at"] = entry.step_due_at.isoformat()
    return model(pk(code), f"EVENT#{entry.seq:04d}", entry=data)


def outbox_record(event: Event) -> OutboxRecord:
    _, _, model = models()
    return model(
        pk(event.dossier_code),
        f"OUTBOX#{event.id}",
        event=event.to_dict(),
        outbox_pk=f"PENDING#{shard(event.id)}",
        outbox_sk=f"{event.at.isoformat()}#{event.id}",
    )


def transaction() -> TransactWrite:
    return TransactWrite(connection=shared_connection(region()))


def stage_changes(tx: TransactWrite, dossier: Dossier, expected_version: int | None) -> Dossier:
    """Add the dossier (version-guarded), its new history and events to `tx`; a status change
    also marks the dossier for the national portal (persistence/national_sync_store.py)."""
    model, _, _ = models()
    dossier.version = (expected_version or 0) + 1
    condition = (
        model.PK.does_not_exist() if expected_version is None else model.version == expected_version
    )
    tx.save(to_record(dossier), condition=condition)
    for entry in dossier.pending_history:
        tx.save(history_record(dossier.code, entry, dossier.version))
    for event in dossier.pending_events:
        tx.save(outbox_record(event))
    changes = [e for e in dossier.pending_history if e.status_from != e.status_to]
    if changes:
        national_sync_store.mark(tx, dossier, changes[-1].seq, changes[-1].at)
    return dossier


def save(
    dossier: Dossier,
    expected_version: int | None,
    also: Callable[[TransactWrite], None] | None = None,
) -> list[Event]:
    """Commit one change (and whatever `also` adds to the same transaction); a concurrent
    change of the same dossier gives 409 CONFLICT."""
    events = list(dossier.pending_events)
    try:
        with transaction() as tx:
            stage_changes(tx, dossier, expected_version)
            if also:
                also(tx)
    except TransactWriteError as exc:
        if "ConditionalCheckFailed" in reasons(exc):
            raise Conflict(
                "Hồ sơ vừa được người khác cập nhật. Vui lòng tải lại và thử lại."
            ) from exc
        raise
    dossier.pending_history.clear()
    dossier.pending_events.clear()
    return events


def reasons(exc: TransactWriteError) -> list[str]:
    return [r.code for r in exc.cancellation_reasons if r is not None]


def get(code: str) -> Dossier | None:
    model, _, _ = models()
    try:
        return from_record(model.get(pk(code), "META", consistent_read=True))
    except model.DoesNotExist:
        return None


def get_many(codes: list[str]) -> dict[str, Dossier]:
    """Dossiers by code in one BatchGet (at most 100 codes)."""
    model, _, _ = models()
    keys = [(pk(code), "META") for code in dict.fromkeys(codes)]
    return {r.code: from_record(r) for r in model.batch_get(keys)} if keys else {}


def history(code: str) -> list[dict]:
    _, model, _ = models()
    return [r.entry for r in model.query(pk(code), model.SK.startswith("EVENT#"))]


def page(
    index, hash_key: str, limit: int, start: dict | None, range_condition=None, forward: bool = True
) -> tuple[list[Dossier], dict | None]:
    """One page of an index Query: (dossiers, last evaluated key or None)."""
    result = index.query(
        hash_key, range_condition, limit=limit, last_evaluated_key=start, scan_index_forward=forward
    )
    items = [from_record(r) for r in _take(result, limit)]
    return items, result.last_evaluated_key


def _take(result, limit: int) -> Iterator[DossierRecord]:
    for n, record in enumerate(result):
        yield record
        if n + 1 >= limit:
            return
