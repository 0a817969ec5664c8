"""Feedback persistence: every change is one TransactWrite of the feedback item (guarded by its
version), its new history entries and its outbox events. The events are kept in the dossiers
table's outbox (keyed by the feedback id in `dossier_code`), so the table's stream carries them
to the one relay in services/shared/outbox.py too. See feedback_records.py for the key layout."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from chalicelib.config import get_settings
from chalicelib.domain.dossier import HistoryEntry
from chalicelib.domain.errors import Conflict
from chalicelib.domain.events import Event
from chalicelib.domain.feedback import Category, Feedback, Status
from chalicelib.persistence import dossier_store, store
from chalicelib.persistence.base import bind
from chalicelib.persistence.feedback_records import FeedbackHistoryRecord, FeedbackRecord

TIMES = (
    "received_at", "agency_received_at", "forward_by", "due_at", "published_at", "closed_at",
    "updated_at",
)  # fmt: skip


class DuplicateId(Exception):
    """A new feedback's id was already taken (the service draws another)."""


def models() -> tuple[type[FeedbackRecord], type[FeedbackHistoryRecord]]:
    table = get_settings().table_feedback
    return bind(FeedbackRecord, table), bind(FeedbackHistoryRecord, table)


def pk(feedback_id: str) -> str:
    return f"FEEDBACK#{feedback_id}"


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
        phone_digest=store.phone_digest(f.sender.get("phone")),
        public=f.public,
        channel=f.channel,
        status=f.status.value,
        open311_status="open" if f.is_open else "closed",
        version=f.version,
        **store.isos(f, *TIMES),
        owner=f.owner,
        procedure_code=f.procedure_code,
        dossier_code=f.dossier_code,
        attachments=f.attachments or None,
        location=f.location or None,
        classification=f.classification,
        assignee=f.assignee,
        forwarded_to=f.forwarded_to,
        answer=f.answer,
        rating=f.rating,
        history_len=f.history_len,
        agency_pk=agency_key(f.agency_id, bucket),
        agency_sk=f"{f.overdue_at.isoformat()}#{f.id}",
        owner_pk=f"OWNER#{f.owner}" if f.owner else None,
        owner_sk=f"{store.iso(f.received_at)}#{f.id}" if f.owner else None,
        pub_pk="PUBLISHED" if f.is_public else None,
        pub_sk=f"{store.iso(f.published_at)}#{f.id}" if f.is_public else None,
        service_pk=f"SERVICE#{f.category.value}",
        service_sk=f"{store.iso(f.received_at)}#{f.id}",
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
        **store.times(r, *TIMES),
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
        rating=r.rating,
        history_len=int(r.history_len or 0),
    )


def history_record(feedback_id: str, entry: HistoryEntry) -> FeedbackHistoryRecord:
    _, model = models()
    return model(pk(feedback_id), f"EVENT#{entry.seq:04d}", entry=store.entry_data(entry))


def save(
    feedback: Feedback,
    expected_version: int | None,
    also: Sequence[store.Staged] = (),
) -> list[Event]:
    """Commit one change (plus whatever `also` adds); a concurrent change gives 409 CONFLICT,
    a new feedback whose id is taken raises DuplicateId."""
    model, _ = models()
    events = list(feedback.pending_events)
    feedback.version = (expected_version or 0) + 1
    condition = (
        model.PK.does_not_exist() if expected_version is None else model.version == expected_version
    )

    def stage(tx: store.Transaction) -> None:
        tx.save(to_record(feedback), condition=condition, label="feedback")
        for entry in feedback.pending_history:
            tx.save(history_record(feedback.id, entry), label="history")
        dossier_store.stage_events(events)(tx)

    try:
        store.commit(stage, also)
    except store.Cancelled as exc:
        feedback.version = expected_version or 0
        if "feedback" in exc.failed:
            if expected_version is None:
                raise DuplicateId(feedback.id) from exc
            raise Conflict("Phản ánh vừa được người khác cập nhật. Vui lòng tải lại.") from exc
        raise Conflict(
            "Yêu cầu này đã được xử lý, hoặc tệp đính kèm vừa được dùng cho yêu cầu khác."
        ) from exc
    feedback.pending_history.clear()
    feedback.pending_events.clear()
    return events


def stage_wrong_phone(feedback_id: str, phone: str) -> store.Staged:
    """A check that `phone` is surely not the sender's (store.stage_wrong_phone)."""
    model, _ = models()
    return store.stage_wrong_phone(model, pk(feedback_id), "META", phone)


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


def _page(index, hash_key, limit, start, **query) -> tuple[list[Feedback], dict | None]:
    return store.page(index, hash_key, limit, start, from_record, **query)


def published_page(category: str | None, limit: int, start: dict | None):
    """Published answers, newest first (a category filters the page)."""
    model, _ = models()
    condition = (model.category == category) if category else None
    return _page(
        model.published, "PUBLISHED", limit, start,
        filter_condition=condition, scan_index_forward=False,
    )  # fmt: skip


def owner_page(subject: str, limit: int, start: dict | None):
    model, _ = models()
    return _page(model.by_owner, f"OWNER#{subject}", limit, start, scan_index_forward=False)


def agency_page(agency_id: str, bucket: str, status: str | None, limit: int, start: dict | None):
    """The agency's feedback in `bucket` ("open" or a closed status), soonest due first; an
    open status filters the open list."""
    model, _ = models()
    condition = (model.status == status) if status else None
    return _page(
        model.by_agency, agency_key(agency_id, bucket), limit, start, filter_condition=condition
    )


def service_window(
    category: str, start: str, end: str, open311_statuses: list[str], limit: int
) -> list[Feedback]:
    """One category's feedback received between `start` and `end` (ISO), newest first."""
    model, _ = models()
    condition = model.open311_status.is_in(*open311_statuses) if open311_statuses else None
    items, _ = _page(
        model.by_service, f"SERVICE#{category}", limit, None,
        range_key_condition=model.service_sk.between(start, f"{end}#~"),
        filter_condition=condition, scan_index_forward=False,
    )  # fmt: skip
    return items
