"""Notification persistence: creation once per id, the conditional state transitions that keep a
redelivered job from sending twice, the dev message log, and the Zalo OA's followers and events.
See notification_records.py for the key layout."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import Any

from pynamodb.exceptions import DeleteError, UpdateError

from chalicelib.config import get_settings
from chalicelib.persistence import store
from chalicelib.persistence.base import bind
from chalicelib.persistence.notification_records import (
    DevMessageRecord,
    DocumentRequestRecord,
    NotificationRecord,
    ZaloEventRecord,
    ZaloUserRecord,
)

KEEP_NOTIFICATIONS = timedelta(days=180)  # proof that the citizen was told (Decree 61 art. 17)
KEEP_EVENTS = timedelta(days=7)  # longer than Zalo's retries and the webhook's replay window
KEEP_DEV_MESSAGES = timedelta(days=7)
KEEP_REQUESTS = timedelta(days=30)
DEV_MESSAGES_PK = "DEVMESSAGE"

CREATED, SENDING, DELIVERED, FAILED = "created", "sending", "delivered", "failed"
FINAL = frozenset({DELIVERED, FAILED})


def _bound(model):
    return bind(model, get_settings().table_notifications)


def _expires(now: datetime, keep: timedelta) -> int:
    return int((now + keep).timestamp())


_put_new = store.put_if_absent
# What the services handle: a notification as stored (read-only outside this module).
Notification = NotificationRecord


# notifications -----------------------------------------------------------------------------


def create(fields: dict[str, Any], now: datetime) -> tuple[NotificationRecord, bool]:
    """Store a new notification unless one with its id exists: (record, created?)."""
    model = _bound(NotificationRecord)
    at = now.isoformat()
    record = model(
        f"NOTIF#{fields['id']}",
        "META",
        **fields,
        state=CREATED,
        created_at=at,
        updated_at=at,
        subject_sk=f"{at}#{fields['id']}",
        ttl=_expires(now, KEEP_NOTIFICATIONS),
    )
    if _put_new(record):
        return record, True
    return get(fields["id"]), False


def get(notification_id: str) -> NotificationRecord | None:
    model = _bound(NotificationRecord)
    try:
        return model.get(f"NOTIF#{notification_id}", "META", consistent_read=True)
    except model.DoesNotExist:
        return None


def claim(record: NotificationRecord, now: datetime, lock: timedelta) -> bool:
    """created -> sending (or take over a `sending` whose worker died): True if ours to send."""
    model = _bound(NotificationRecord)
    stamp = now.timestamp()
    condition = (model.state == CREATED) | ((model.state == SENDING) & (model.locked_until < stamp))
    try:
        record.update(
            actions=[
                model.state.set(SENDING),
                model.locked_until.set(int(stamp + lock.total_seconds())),
                model.updated_at.set(now.isoformat()),
            ],
            condition=condition,
        )
        return True
    except UpdateError as exc:
        if not store.condition_failed(exc):
            raise
        return False


def update(record: NotificationRecord, now: datetime, **changes: Any) -> None:
    """Change a notification this worker holds (state `sending`)."""
    model = _bound(NotificationRecord)
    actions = [model.updated_at.set(now.isoformat())]
    for name, value in changes.items():
        attribute = getattr(model, name)
        actions.append(attribute.remove() if value is None else attribute.set(value))
    record.update(actions=actions, condition=model.state == SENDING)


def record_receipt(notification_id: str, receipt: dict, now: datetime) -> bool:
    model = _bound(NotificationRecord)
    try:
        model(f"NOTIF#{notification_id}", "META").update(
            actions=[model.receipt.set(receipt), model.updated_at.set(now.isoformat())],
            condition=model.PK.exists(),
        )
        return True
    except UpdateError as exc:
        if not store.condition_failed(exc):
            raise
        return False


def of_subject(subject_pk: str, limit: int = 100) -> list[NotificationRecord]:
    """A subject's notifications, whole (the index holds only what a list shows), oldest first."""
    model = _bound(NotificationRecord)
    keys = [(r.PK, r.SK) for r in store.take(model.by_subject.query(subject_pk), limit)]
    found = list(model.batch_get(keys)) if keys else []
    return sorted(found, key=lambda r: r.subject_sk)


def subject_page(
    subject_pk: str, limit: int, start: dict | None
) -> tuple[list[NotificationRecord], dict | None]:
    """One page of a subject's notifications, newest first."""
    model = _bound(NotificationRecord)
    result = model.by_subject.query(
        subject_pk, limit=limit, last_evaluated_key=start, scan_index_forward=False
    )
    return store.first_page(result, limit)


# dev messages -------------------------------------------------------------------------------------


def add_dev_message(entry: dict[str, Any], now: datetime) -> None:
    model = _bound(DevMessageRecord)
    at = now.isoformat()
    order = f"{time.time_ns():020d}"  # a batch shares one `now`: keep the sending order
    model(
        DEV_MESSAGES_PK,
        f"{at}#{order}#{entry['notification_id']}",
        **entry,
        sent_at=at,
        ttl=_expires(now, KEEP_DEV_MESSAGES),
    ).save()


def dev_messages_page(limit: int, start: dict | None) -> tuple[list[DevMessageRecord], dict | None]:
    """Newest first, one Query page."""
    model = _bound(DevMessageRecord)
    result = model.query(
        DEV_MESSAGES_PK, limit=limit, last_evaluated_key=start, scan_index_forward=False
    )
    return store.first_page(result, limit)


# Zalo OA -------------------------------------------------------------------------------------


def remember_event(key: str, event: dict, now: datetime) -> bool:
    """Keep a webhook event once: False when this dedupe key was seen before."""
    model = _bound(ZaloEventRecord)
    record = model(
        f"ZALOEVENT#{key}",
        "META",
        event=event,
        state="received",
        received_at=now.isoformat(),
        ttl=_expires(now, KEEP_EVENTS),
    )
    return _put_new(record)


def forget_event(key: str) -> None:
    """Undo `remember_event` when the event could not be queued (Zalo will send it again)."""
    model = _bound(ZaloEventRecord)
    try:
        model(f"ZALOEVENT#{key}", "META").delete(condition=model.state == "received")
    except DeleteError:
        pass


def get_event(key: str) -> ZaloEventRecord | None:
    model = _bound(ZaloEventRecord)
    try:
        return model.get(f"ZALOEVENT#{key}", "META", consistent_read=True)
    except model.DoesNotExist:
        return None


def event_done(record: ZaloEventRecord) -> None:
    model = _bound(ZaloEventRecord)
    record.update(actions=[model.state.set("done")])


def get_user(user_id: str) -> ZaloUserRecord | None:
    model = _bound(ZaloUserRecord)
    try:
        return model.get(f"ZALOUSER#{user_id}", "META", consistent_read=True)
    except model.DoesNotExist:
        return None


def save_user(user_id: str, now: datetime, **changes: Any) -> None:
    """Create or change a follower; `phone=None` forgets the phone."""
    model = _bound(ZaloUserRecord)
    actions = [model.user_id.set(user_id), model.updated_at.set(now.isoformat())]
    for name, value in changes.items():
        attribute = getattr(model, name)
        actions.append(attribute.remove() if value is None else attribute.set(value))
    model(f"ZALOUSER#{user_id}", "META").update(actions=actions)


# officer-notification requests ---------------------------------------------------------------


def claim_document(
    caller: str, document_id: str, request_hash: str, notification_id: str, now: datetime
) -> tuple[DocumentRequestRecord, bool]:
    """(the request stored for this document, is it this one?): else the first one's."""
    model = _bound(DocumentRequestRecord)
    record = model(
        f"DOCUMENT#{caller}#{document_id}",
        "META",
        request_hash=request_hash,
        notification_id=notification_id,
        created_at=now.isoformat(),
        ttl=_expires(now, KEEP_REQUESTS),
    )
    if _put_new(record):
        return record, True
    return model.get(f"DOCUMENT#{caller}#{document_id}", "META", consistent_read=True), False
