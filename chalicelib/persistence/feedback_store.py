"""Feedback persistence: every change is one TransactWrite of the feedback item (guarded by its
version), its new history entries and its outbox events. The events are kept in the dossiers
table's outbox (keyed by the feedback id in `dossier_code`), so the one relay and sweep in
services/shared/outbox.py publish them too. See feedback_records.py for the key layout."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.config import get_settings
from chalicelib.domain.dossier import Event, HistoryEntry
from chalicelib.domain.errors import Conflict
from chalicelib.domain.feedback import Category, Feedback, Status
from chalicelib.persistence import dossier_store
from chalicelib.persistence.base import bind
from chalicelib.persistence.feedback_records import FeedbackHistoryRecord, FeedbackRecord


class DuplicateId(Exception):
    """A new feedback's id was already taken (the service draws another)."""


def models() -> tuple[type[FeedbackRecord], type[FeedbackHistoryRecord]]:
    table = get_settings().table_feedback
    return bind(FeedbackRecord, table), bind(FeedbackHistoryRecord, table)


def pk(feedback_id: str) -> str:
    return f"FEEDBACK#{feedback_id}"


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def agency_key(agency_id: str, bucket: str) -> str:
    """`bucket` is "open" for every open status, otherwise the (closed) status itself."""
    return f"AGENCY#{agency_id}#{bucket}"


def to_record(f: Feedback) -> FeedbackRecord:
    model, _ = models()
    bucket = "open" if f.is_open else f.status.value
    return model(
        pk(f.id),
        "META",
        id=f.id,
        title=f.title,
        content=f.content,
        category=f.category.value,
        agency_id=f.agency_id,
        sender=f.sender,
        public=f.public,
        channel=f.channel,
        status=f.status.value,
        open311_status="open" if f.is_open else "closed",
        version=f.version,
        received_at=_iso(f.received_at),
        agency_received_at=_iso(f.agency_received_at),
        forward_by=_iso(f.forward_by),
        due_at=_iso(f.due_at),
        owner=f.owner,
        procedure_code=f.procedure_code,
        dossier_code=f.dossier_code,
        attachments=f.attachments or None,
        location=f.location or None,
        classification=f.classification,
        assignee=f.assignee,
        forwarded_to=f.forwarded_to,
        answer=f.answer,
        published_at=_iso(f.published_at),
        closed_at=_iso(f.closed_at),
        updated_at=_iso(f.updated_at),
        rating=f.rating,
        history_len=f.history_len,
        agency_pk=agency_key(f.agency_id, bucket),
        agency_sk=f"{f.overdue_at.isoformat()}#{f.id}",
        owner_pk=f"OWNER#{f.owner}" if f.owner else None,
        owner_sk=f"{_iso(f.received_at)}#{f.id}" if f.owner else None,
        pub_pk="PUBLISHED" if f.is_public else None,
        pub_sk=f"{_iso(f.published_at)}#{f.id}" if f.is_public else None,
        service_pk=f"SERVICE#{f.category.value}",
        service_sk=f"{_iso(f.received_at)}#{f.id}",
    )


def from_record(r: FeedbackRecord) -> Feedback:
    return Feedback(
        id=r.id,
        title=r.title,
        content=r.content,
        category=Category(r.category),
        agency_id=r.agency_id,
        sender=r.sender or {},
        public=bool(r.public),
        channel=r.channel,
        received_at=_dt(r.received_at),
        agency_received_at=_dt(r.agency_received_at),
        forward_by=_dt(r.forward_by),
        due_at=_dt(r.due_at),
        status=Status(r.status),
        owner=r.owner,
        procedure_code=r.procedure_code,
        dossier_code=r.dossier_code,
        attachments=r.attachments or [],
        location=r.location or {},
        version=int(r.version),
        classification=r.classification,
        assignee=r.assignee,
        forwarded_to=r.forwarded_to,
        answer=r.answer,
        published_at=_dt(r.published_at),
        closed_at=_dt(r.closed_at),
        updated_at=_dt(r.updated_at),
        rating=r.rating,
        history_len=int(r.history_len or 0),
    )


def history_record(feedback_id: str, entry: HistoryEntry) -> FeedbackHistoryRecord:
    _, model = models()
    data = {k: v for k, v in vars(entry).items() if v not in (None, {}, [])}
    data["at"] = entry.at.isoformat()
    if entry.step_due_at:
        data["step_due_at"] = entry.step_due_at.isoformat()
    return model(pk(feedback_id), f"EVENT#{entry.seq:04d}", entry=data)


def save(
    feedback: Feedback,
    expected_version: int | None,
    also: Callable[[TransactWrite], None] | None = None,
) -> list[Event]:
    """Commit one change (plus whatever `also` adds); a concurrent change gives 409 CONFLICT,
    a new feedback whose id is taken raises DuplicateId."""
    model, _ = models()
    events = list(feedback.pending_events)
    feedback.version = (expected_version or 0) + 1
    condition = (
        model.PK.does_not_exist() if expected_version is None else model.version == expected_version
    )
    try:
        with dossier_store.transaction() as tx:
            tx.save(to_record(feedback), condition=condition)
            for entry in feedback.pending_history:
                tx.save(history_record(feedback.id, entry))
            for event in events:
                tx.save(dossier_store.outbox_record(event))
            if also:
                also(tx)
    except TransactWriteError as exc:
        feedback.version = expected_version or 0
        codes = [r.code if r else None for r in exc.cancellation_reasons]
        if codes and codes[0] == "ConditionalCheckFailed":
            if expected_version is None:
                raise DuplicateId(feedback.id) from exc
            raise Conflict("Phản ánh vừa được người khác cập nhật. Vui lòng tải lại.") from exc
        if "ConditionalCheckFailed" in codes:
            raise Conflict(
                "Yêu cầu này đã được xử lý, hoặc tệp đính kèm vừa được dùng cho yêu cầu khác."
            ) from exc
        raise
    feedback.pending_history.clear()
    feedback.pending_events.clear()
    return events


def get(feedback_id: str) -> Feedback | None:
    model, _ = models()
    try:
        return from_record(model.get(pk(feedback_id), "META", consistent_read=True))
    except model.DoesNotExist:
        return None


def get_many(ids: Iterable[str]) -> list[Feedback]:
    model, _ = models()
    keys = list(dict.fromkeys(ids))
    found = {r.id: from_record(r) for r in model.batch_get([(pk(i), "META") for i in keys])}
    return [found[i] for i in keys if i in found]


def history(feedback_id: str) -> list[dict]:
    _, model = models()
    return [r.entry for r in model.query(pk(feedback_id), model.SK.startswith("EVENT#"))]


def page(
    index,
    hash_key: str,
    limit: int,
    start: dict | None,
    range_condition=None,
    filter_condition=None,
    forward: bool = True,
) -> tuple[list[Feedback], dict | None]:
    """One page of an index Query: (feedback, last evaluated key or None). With a filter a
    page may hold fewer than `limit` items; the key still leads to the next one."""
    result = index.query(
        hash_key,
        range_condition,
        filter_condition,
        limit=limit,
        last_evaluated_key=start,
        scan_index_forward=forward,
        page_size=limit,
    )
    items = []
    for record in result:
        items.append(from_record(record))
        if len(items) >= limit:
            break
    return items, result.last_evaluated_key
