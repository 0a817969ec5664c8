"""Dossier persistence: every change of a dossier is one TransactWrite of the dossier item
(guarded by its version), its new history entries and its outbox events — so the audit trail
and the events can never disagree with the state. See dossier_records.py for the key layout.

Items are lean: the procedure a dossier was submitted under (name, time limit, fees,
components) is stored once per procedure version (snapshot_store.py) and the dossier keeps a
reference; this module puts the snapshot back when it loads a dossier. The table's stream
carries each new outbox item to the relay (outbox_store.py, services/shared/outbox.py)."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from chalicelib.config import get_settings
from chalicelib.domain import consult, national_sync
from chalicelib.domain.dossier import (
    MAX_DAILY_NUMBER,
    Dossier,
    DossierSummary,
    HistoryEntry,
    Status,
    dossier_code,
)
from chalicelib.domain.errors import Conflict
from chalicelib.domain.events import Event
from chalicelib.persistence import counter_store, national_sync_store, store
from chalicelib.persistence.base import bind
from chalicelib.persistence.dossier_records import (
    DossierRecord,
    HistoryRecord,
    OutboxRecord,
)
from chalicelib.persistence.snapshot_store import (
    AGENCY_FIELDS,
    procedure_ref,
    remember,
    snapshot,
    stage_snapshot,
)

# Sized in bench/keys.py: at 1,000 submissions/s no shard key takes more than 300 WCU/s.
DUE_SHARDS = 32
OUTBOX_KEEP_SECONDS = 7 * 24 * 3600  # an outbox item, after its stream record is relayed
DUE_PAGE = 500  # index entries per Query page of the deadline watch
# Statuses in which the agency holds the dossier and its clock runs: watched for deadlines.
CLOCK_RUNNING = frozenset({Status.SUBMITTED, Status.ACCEPTED, Status.IN_PROGRESS})
META = "META"
TIMES = ("submitted_at", "acknowledge_by", "accepted_at", "due_at", "finished_at")
# What the dossier item keeps packed in its `details` attribute (dossier_records.py): no index
# projects it and no condition or filter reads it. Empty and zero values are left out.
DETAILS = (
    "agency",
    "applicant",
    "form",
    "attachments",
    "result_delivery",
    "notify",
    "channel",
    "outcome",
    "fee_due",
    "fee_paid",
    "extended",
    "history_len",
    "extra",
)
CONSULTED = "SHARED#"  # + agency: the dossier as an agency whose opinion it waits on lists it


def models() -> tuple[type[DossierRecord], type[HistoryRecord], type[OutboxRecord]]:
    table = get_settings().table_dossiers
    return bind(DossierRecord, table), bind(HistoryRecord, table), bind(OutboxRecord, table)


def pk(code: str) -> str:
    return f"DOSSIER#{code}"


# --- records ------------------------------------------------------------------------------


def _sort_key(moment: datetime, code: str) -> str:
    return f"{moment.isoformat()}#{code}"


def closed_bucket(agency_id: str, status: Status, month: str) -> str:
    return f"AGENCY#{agency_id}#{status.value}#{month}"


def to_record(dossier: Dossier, ref: str) -> DossierRecord:
    model, _, _ = models()
    open_ = dossier.status.is_open
    due = dossier.due_at or dossier.acknowledge_by
    key = _sort_key(due, dossier.code)
    closed = dossier.finished_at or dossier.submitted_at
    running = dossier.status in CLOCK_RUNNING
    return model(
        pk(dossier.code),
        META,
        code=dossier.code,
        status=dossier.status.value,
        version=dossier.version,
        agency_id=dossier.agency_id,
        procedure_ref=ref,
        applicant_name=dossier.applicant.get("full_name"),
        phone_digest=store.phone_digest(dossier.applicant.get("phone")),
        owner=dossier.owner,
        details=_details(dossier),
        **store.isos(dossier, *TIMES),
        requested=dossier.requested,
        assignee=dossier.assignee,
        deadline_flag=dossier.deadline_flag,
        owner_pk=f"OWNER#{dossier.owner}" if dossier.owner else None,
        owner_sk=_sort_key(dossier.submitted_at, dossier.code) if dossier.owner else None,
        inbox_pk=f"INBOX#{dossier.agency_id}" if open_ else None,
        inbox_sk=key if open_ else None,
        status_pk=None
        if open_
        else closed_bucket(dossier.agency_id, dossier.status, f"{closed:%Y-%m}"),
        status_sk=None if open_ else _sort_key(closed, dossier.code),
        due_pk=f"OPEN#{store.shard(dossier.code, DUE_SHARDS)}" if running else None,
        due_sk=key if running else None,
    )


def _details(dossier: Dossier) -> dict:
    """The dossier's `details` attribute (DETAILS)."""
    found = {
        "agency": {k: dossier.procedure[k] for k in AGENCY_FIELDS if dossier.procedure.get(k)},
        **{name: getattr(dossier, name) for name in DETAILS if name != "agency"},
    }
    return {name: value for name, value in found.items() if value not in (None, {}, [], 0)}


def _stored_details(record: DossierRecord) -> dict:
    """`details`, or for an item written before it existed, its separate attributes."""
    if record.details is not None:
        return record.details
    found = {name: getattr(record, name) for name in DETAILS}
    return {name: value for name, value in found.items() if value is not None}


def _procedure(record: DossierRecord, agency: dict) -> dict:
    return {**snapshot(record.procedure_ref), "agency_id": record.agency_id, **agency}


def from_record(record: DossierRecord) -> Dossier:
    details = _stored_details(record)
    return Dossier(
        code=record.code,
        procedure=_procedure(record, details.get("agency") or {}),
        agency_id=record.agency_id,
        applicant=details.get("applicant") or {},
        owner=record.owner,
        form=details.get("form") or {},
        attachments=details.get("attachments") or [],
        result_delivery=details["result_delivery"],
        notify=details.get("notify") or [],
        status=Status(record.status),
        **store.times(record, *TIMES),
        channel=details["channel"],
        version=int(record.version),
        outcome=details.get("outcome"),
        requested=record.requested,
        fee_due=int(details.get("fee_due") or 0),
        fee_paid=int(details.get("fee_paid") or 0),
        extended=bool(details.get("extended")),
        assignee=record.assignee,
        history_len=int(details.get("history_len") or 0),
        deadline_flag=record.deadline_flag,
        extra=details.get("extra") or {},
    )


def summary_from_record(record: DossierRecord) -> DossierSummary:
    """What an index entry (INCLUDE projection) holds: enough for a list row."""
    procedure = snapshot(record.procedure_ref)
    return DossierSummary(
        code=record.code,
        status=Status(record.status),
        version=int(record.version),
        agency_id=record.agency_id,
        procedure_code=procedure["code"],
        procedure_name=procedure["name"],
        applicant_name=record.applicant_name or "",
        submitted_at=store.parse_time(record.submitted_at),
        acknowledge_by=store.parse_time(record.acknowledge_by),
        due_at=store.parse_time(record.due_at),
        assignee=record.assignee,
        requested=record.requested,
    )


def history_record(code: str, entry: HistoryEntry, version: int | None = None) -> HistoryRecord:
    """One history entry; `version` is the dossier version that the entry's change produced."""
    _, model, _ = models()
    data = store.entry_data(entry)
    if version is not None:
        data["version"] = version
    return model(pk(code), f"EVENT#{entry.seq:04d}", entry=data)


def outbox_record(event: Event) -> OutboxRecord:
    """The event as an outbox item: its insert reaches the relay through the table's stream;
    kept a week for tracing, then TTL deletes it (a deletion the relay ignores)."""
    _, _, model = models()
    return model(
        pk(event.dossier_code),
        f"OUTBOX#{event.id}",
        event=event.to_dict(),
        ttl=int(time.time()) + OUTBOX_KEEP_SECONDS,
    )


def stage_events(events: Sequence[Event]) -> store.Staged:
    """Stage events into another store's transaction (feedback, payments, ratings)."""

    def staged(tx: store.Transaction) -> None:
        for event in events:
            tx.save(outbox_record(event), label="outbox")

    return staged


# --- writes -------------------------------------------------------------------------------


def stage_changes(tx: store.Transaction, dossier: Dossier, expected_version: int | None) -> None:
    """Add the dossier (version-guarded), its new history and events to `tx`; a status change
    also marks the dossier for the national portal (persistence/national_sync_store.py)."""
    model, _, _ = models()
    if expected_version is None:
        ref = stage_snapshot(tx, dossier.procedure)
    else:
        ref = procedure_ref(dossier.procedure)
    dossier.version = (expected_version or 0) + 1
    condition = (
        model.PK.does_not_exist() if expected_version is None else model.version == expected_version
    )
    tx.save(to_record(dossier, ref), condition=condition, label="dossier")
    for entry in dossier.pending_history:
        tx.save(history_record(dossier.code, entry, dossier.version), label="history")
    stage_events(dossier.pending_events)(tx)
    _stage_consulted(tx, dossier, ref)
    changes = [e for e in dossier.pending_history if national_sync.is_sync_point(vars(e))]
    if changes:
        national_sync_store.mark(tx, dossier, changes[-1].seq, changes[-1].at)


def _stage_consulted(tx: store.Transaction, dossier: Dossier, ref: str) -> None:
    """Keep one item per agency whose opinion the dossier waits on (domain/consult.py): in that
    agency's inbox (its summary, the consult's due time first) and in the consult deadline
    watch; an answered request's item goes. An update, not a put: the reminder flag the watch
    set on the item stays."""
    consults = dossier.extra.get("consults") or []
    if not consults:
        return
    model, _, _ = models()
    waiting = {c["agency_id"]: c for c in consult.open_consults(dossier)}
    for agency in sorted({c["agency_id"] for c in consults}):
        item = model(pk(dossier.code), f"{CONSULTED}{agency}")
        request = waiting.get(agency)
        if request is None:
            tx.delete(item, label="consulted")
            continue
        key = f"{request['due_at']}#{dossier.code}"
        values = [
            model.code.set(dossier.code),
            model.status.set(dossier.status.value),
            model.version.set(dossier.version),
            model.agency_id.set(dossier.agency_id),
            model.procedure_ref.set(ref),
            model.applicant_name.set(dossier.applicant.get("full_name")),
            model.submitted_at.set(store.iso(dossier.submitted_at)),
            model.acknowledge_by.set(store.iso(dossier.acknowledge_by)),
            model.due_at.set(request["due_at"]),
            model.requested.set(
                {
                    "type": "consult",
                    "from_agency": dossier.agency_id,
                    "question": request["question"],
                    "requested_at": request["requested_at"],
                    "due_at": request["due_at"],
                }
            ),
            model.inbox_pk.set(f"INBOX#{agency}"),
            model.inbox_sk.set(key),
            model.due_pk.set(f"{CONSULTED}{store.shard(dossier.code, DUE_SHARDS)}"),
            model.due_sk.set(f"{key}#{agency}"),
        ]
        tx.update(item, values, label="consulted")


def _committed(dossier: Dossier) -> list[Event]:
    events = list(dossier.pending_events)
    dossier.pending_history.clear()
    dossier.pending_events.clear()
    remember(dossier.procedure)
    return events


def save(
    dossier: Dossier, expected_version: int | None, also: Sequence[store.Staged] = ()
) -> list[Event]:
    """Commit one change (and whatever `also` stages in the same transaction); a concurrent
    change of the same dossier gives 409 CONFLICT (another failed condition of `also` raises
    store.Cancelled for the caller to explain). Returns the events to relay."""
    try:
        store.commit(lambda tx: stage_changes(tx, dossier, expected_version), also)
    except store.Cancelled as exc:
        dossier.version = expected_version or 0
        if "dossier" in exc.failed:
            raise Conflict(
                "Hồ sơ vừa được người khác cập nhật. Vui lòng tải lại và thử lại."
            ) from exc
        raise
    return _committed(dossier)


def flag_deadline(dossier: Dossier, marker: str, events: Sequence[Event]) -> bool:
    """Raise the deadline watch's flag on the dossier, with its events, in one transaction.

    The flag is the system's note, not a change an officer made: it is written only while the
    dossier is still at the version the watch read, and it does not advance that version, so an
    officer who opened the dossier before the watch ran still acts on it without a 409. False
    when the dossier changed meanwhile (the next run looks again)."""
    model, _, _ = models()
    raised = _raise_flag(
        model(pk(dossier.code), META), marker, model.version == dossier.version, events, "dossier"
    )
    if raised:
        dossier.deadline_flag = marker
    return raised


def _then(first: store.Staged, dossier: Dossier) -> store.Staged:
    def stage(tx: store.Transaction) -> None:
        first(tx)
        stage_changes(tx, dossier, None)

    return stage


def create(dossier: Dossier, first: store.Staged, also: Sequence[store.Staged] = ()) -> list[Event]:
    """Create `dossier` in one transaction with what `first` stages (the day's number) and
    `also` (uploads used, the idempotency answer); raises store.Cancelled when a condition
    failed ("counter", "dossier" or "snapshot" mean another submission won a race: retry)."""
    try:
        store.commit(_then(first, dossier), also, retry_conflicts=True)
    except store.Cancelled:
        dossier.version = 0
        raise
    return _committed(dossier)


def stage_wrong_phone(code: str, phone: str) -> store.Staged:
    """A check that `phone` is surely not the applicant's (store.stage_wrong_phone)."""
    model, _, _ = models()
    return store.stage_wrong_phone(model, pk(code), META, phone)


# --- reads --------------------------------------------------------------------------------


def get(code: str) -> Dossier | None:
    model, _, _ = models()
    try:
        return from_record(model.get(pk(code), META, consistent_read=True))
    except model.DoesNotExist:
        return None


def get_many(codes: list[str]) -> dict[str, Dossier]:
    """Dossiers by code in one BatchGet (at most 100 codes)."""
    model, _, _ = models()
    keys = [(pk(code), META) for code in dict.fromkeys(codes)]
    return {r.code: from_record(r) for r in model.batch_get(keys)} if keys else {}


REGISTER_BATCH = 100  # BatchGetItem's most keys per call


def received_on(agency_code: str, day: datetime, limit: int) -> list[Dossier]:
    """The dossiers the agency numbered on `day`, in number order (at most `limit`). The day's
    counter says how many numbers were given; BatchGets of those codes skip a number whose
    dossier is not there (archived or never written), so one gap does not end the book."""
    last = min(counter_store.last_number(agency_code, day), MAX_DAILY_NUMBER)
    found: list[Dossier] = []
    for first in range(1, last + 1, REGISTER_BATCH):
        numbers = range(first, min(first + REGISTER_BATCH - 1, last) + 1)
        codes = [dossier_code(agency_code, day, n) for n in numbers]
        batch = get_many(codes)
        found.extend(batch[code] for code in codes if code in batch)
        if len(found) >= limit:
            break
    return found[:limit]


def view(code: str) -> tuple[Dossier | None, list[dict]]:
    """The dossier and its history in one Query (history entries sort before META)."""
    model, history_model, _ = models()
    raw = model._get_connection().query(
        pk(code), range_key_condition=model.SK <= META, consistent_read=True
    )
    dossier, history = None, []
    for item in raw.get("Items", []):
        if item["SK"]["S"] == META:
            dossier = from_record(model.from_raw_data(item))
        else:
            history.append(history_model.from_raw_data(item).entry)
    return dossier, history


def history(code: str) -> list[dict]:
    _, model, _ = models()
    return [r.entry for r in model.query(pk(code), model.SK.startswith("EVENT#"))]


def _page(index, hash_key, limit, start, **query) -> tuple[list[DossierSummary], dict | None]:
    return store.page(index, hash_key, limit, start, summary_from_record, **query)


def open_page(
    agency_id: str,
    limit: int,
    start: dict | None,
    status: Status | None = None,
    due_before: datetime | None = None,
    due_from: datetime | None = None,
) -> tuple[list[DossierSummary], dict | None]:
    """A page of the agency's open dossiers, soonest due first (optionally one status: then a
    page may hold fewer than `limit` rows, its token still leads on)."""
    model, _, _ = models()
    condition = None
    if due_before is not None:
        condition = model.inbox_sk < due_before.isoformat()
    elif due_from is not None:
        condition = model.inbox_sk >= due_from.isoformat()
    return _page(
        model.inbox,
        f"INBOX#{agency_id}",
        limit,
        start,
        range_key_condition=condition,
        filter_condition=(model.status == status.value) if status else None,
    )


def closed_page(
    agency_id: str, status: Status, month: str, limit: int, start: dict | None
) -> tuple[list[DossierSummary], dict | None]:
    """A page of the agency's dossiers closed with `status` in `month` (yyyy-mm), latest first."""
    model, _, _ = models()
    return _page(
        model.by_status,
        closed_bucket(agency_id, status, month),
        limit,
        start,
        scan_index_forward=False,
    )


def owner_page(
    subject: str, limit: int, start: dict | None
) -> tuple[list[DossierSummary], dict | None]:
    model, _, _ = models()
    return _page(model.by_owner, f"OWNER#{subject}", limit, start, scan_index_forward=False)


@dataclass(frozen=True)
class Watched:
    """An entry of the deadline watch: which dossier, when it is due, how it is flagged."""

    code: str
    due: datetime
    flag: str | None


def due_until(horizon: datetime) -> Iterator[Watched]:
    """Every dossier whose clock runs and which is due by `horizon`, page after page over every
    shard (the projection carries the flag, so flagged ones cost only their index entry)."""
    model, _, _ = models()
    for shard in range(DUE_SHARDS):
        for record in store.every(
            model.open_due,
            f"OPEN#{shard}",
            range_key_condition=model.due_sk <= horizon.isoformat(),
            page_size=DUE_PAGE,
        ):
            yield Watched(
                record.due_sk.rsplit("#", 1)[1],
                datetime.fromisoformat(record.due_sk.rsplit("#", 1)[0]),
                record.deadline_flag,
            )


@dataclass(frozen=True)
class WatchedConsult:
    """A consult request waiting for an answer, as the consult deadline watch sees it."""

    code: str
    agency_id: str
    due: datetime
    flag: str | None


def consults_due_until(horizon: datetime) -> Iterator[WatchedConsult]:
    """Every open consult request due by `horizon` (the same sparse index as the dossiers'
    deadline watch, under its own partitions)."""
    model, _, _ = models()
    for shard in range(DUE_SHARDS):
        for record in store.every(
            model.open_due,
            f"{CONSULTED}{shard}",
            range_key_condition=model.due_sk <= horizon.isoformat(),
            page_size=DUE_PAGE,
        ):
            due, code, agency = record.due_sk.rsplit("#", 2)
            yield WatchedConsult(code, agency, datetime.fromisoformat(due), record.deadline_flag)


def flag_consult(watched: WatchedConsult, marker: str, events: Sequence[Event]) -> bool:
    """Raise the consult watch's flag on the request's item, with its events, in one
    transaction; the dossier item is not touched, so its version does not move. False when the
    request was answered or changed meanwhile."""
    model, _, _ = models()
    item = model(pk(watched.code), f"{CONSULTED}{watched.agency_id}")
    condition = model.due_at == watched.due.isoformat()
    return _raise_flag(item, marker, condition, events, "consulted")


def _raise_flag(item, marker: str, condition, events: Sequence[Event], label: str) -> bool:
    """Set a watch's `deadline_flag` on `item` while `condition` holds, with its events, in one
    transaction; False when the condition failed (the item changed meanwhile)."""

    def stage(tx: store.Transaction) -> None:
        tx.update(item, [type(item).deadline_flag.set(marker)], condition=condition, label=label)
        stage_events(events)(tx)

    try:
        store.commit(stage)
    except store.Cancelled as exc:
        if label in exc.failed:
            return False
        raise
    return True


def every_dossier() -> Iterator[Dossier]:
    """Every dossier (an offline repair job's Scan of the dossier items; never on a request)."""
    model, _, _ = models()
    for record in model.scan(model.SK == META, page_size=200):
        if record.PK.startswith("DOSSIER#"):
            yield from_record(record)
