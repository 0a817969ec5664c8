"""The province's Zalo Official Account: the webhook edge and the chat it answers.

The webhook answers fast (Zalo retries anything but a quick 200, docs/integrations.md §1.3): it
checks the signature over the raw body and the timestamp, keeps the event once per `msg_id`
(or, for events without one, name + user + timestamp) and queues its key on `dvc-zalo-inbound`.
The queue's consumer does the work; every reply goes out through the notifications pipeline
(OA message by user id) with an id derived from the event, so a redelivery replies once.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict
from datetime import datetime

from chalicelib.config import get_settings
from chalicelib.domain import notifications as plan
from chalicelib.domain import zalo_chat as chat
from chalicelib.domain.dossier import normalize_phone
from chalicelib.domain.errors import (
    Forbidden,
    NotFound,
    RateLimited,
    ServiceUnavailable,
    Unauthenticated,
)
from chalicelib.domain.notification_templates import mask, vn_date
from chalicelib.domain.paths import lookup_page
from chalicelib.integrations import notify_config, queues
from chalicelib.integrations.zalo import parse_event, verify_webhook_signature
from chalicelib.persistence import notification_store as store
from chalicelib.services.dossiers import citizen as dossiers
from chalicelib.services.dossiers import receipts
from chalicelib.services.feedback import intake as feedback
from chalicelib.services.notifications import dispatch as notifications
from chalicelib.services.shared import batches, idempotency

log = logging.getLogger(__name__)
BAD_SIGNATURE = "Chữ ký X-ZEvent-Signature không hợp lệ."


def accept(raw: bytes, signature: str | None, now: datetime) -> str:
    """Verify, deduplicate and queue one webhook delivery: "queued" or "duplicate"."""
    if not signature:
        raise Unauthenticated("Thiếu chữ ký X-ZEvent-Signature.")
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        body = None
    if not isinstance(body, dict):
        raise Forbidden(BAD_SIGNATURE)
    try:
        app = notify_config.zalo_app()
    except LookupError as exc:
        log.error("zalo webhook: app not configured")
        raise ServiceUnavailable() from exc
    timestamp = str(body.get("timestamp", ""))
    if not verify_webhook_signature(raw, signature, app.app_id, app.oa_secret, timestamp):
        log.warning("zalo webhook refused: bad signature")
        raise Forbidden(BAD_SIGNATURE)
    if not _fresh(timestamp, now):
        log.warning("zalo webhook refused: stale timestamp (replay?)")
        raise Forbidden("Sự kiện đã quá cũ hoặc bị gửi lại (timestamp).")
    event = parse_event(body)
    key = event.dedupe_key
    if not store.remember_event(key, asdict(event), now):
        return "duplicate"
    try:
        refused = queues.send_batch(queues.QueueNames.ZALO_INBOUND, {key: {"event_key": key}})
    except Exception:
        refused = {key}
        log.warning("zalo event not queued", exc_info=True)
    if refused:
        store.forget_event(key)  # Zalo retries a non-200 answer: keep nothing half done
        raise ServiceUnavailable()
    log.info("zalo event queued", extra={"event_name": event.event_name})
    return "queued"


def _fresh(timestamp: str, now: datetime) -> bool:
    if not timestamp.isdigit():
        return False
    age = abs(now.timestamp() * 1000 - int(timestamp)) / 1000
    return age <= notify_config.webhook_max_age_seconds()


RESERVE_MS = 12_000  # a reply through the OA API at its HTTP timeout


def handle_batch(records, now: datetime, time_left_ms=None) -> dict:
    def one(record) -> None:
        handle(json.loads(record.to_dict()["body"])["event_key"], now)

    return batches.run(records, one, time_left_ms, RESERVE_MS)


def handle(key: str, now: datetime) -> None:
    record = store.get_event(key)
    if record is None or record.state == "done":
        return
    event = record.event
    handler = _HANDLERS.get(event.get("event_name", ""))
    if handler:
        handler(event, key, now)
    store.event_done(record)


def _follow(event: dict, key: str, now: datetime) -> None:
    store.save_user(event["user_id"], now, following=True)
    reply(event["user_id"], chat.WELCOME, key, now)


def _unfollow(event: dict, key: str, now: datetime) -> None:
    """No more OA messages, and the shared phone is forgotten (the consent ends)."""
    store.save_user(event["user_id"], now, following=False, phone=None, consented_at=None)


def _submit_info(event: dict, key: str, now: datetime) -> None:
    phone = normalize_phone(event.get("phone") or "")
    if len(phone) != 10:
        reply(event["user_id"], chat.HELP_TEXT, key, now)
        return
    store.save_user(
        event["user_id"], now, following=True, phone=phone, consented_at=now.isoformat()
    )
    reply(event["user_id"], chat.PHONE_SAVED.format(masked=mask(phone)), key, now)


def _text(event: dict, key: str, now: datetime) -> None:
    command = chat.parse(event.get("text") or "")
    user_id = event["user_id"]
    if command.kind == chat.LOOKUP:
        answer = _lookup(command, user_id)
    elif command.kind == chat.FEEDBACK:
        answer = _feedback(command, user_id, key, now)
    else:
        answer = chat.HELP_TEXT
    reply(user_id, answer, key, now)


def _receipt(event: dict, key: str, now: datetime) -> None:
    """ZNS delivery receipt: the tracking id is the notification's id."""
    if event.get("tracking_id"):
        notifications.record_receipt(
            event["tracking_id"], "delivered", event.get("delivery_time", ""), now
        )


def _lookup(command: chat.ChatCommand, user_id: str) -> str:
    """Status of a dossier for whoever proves the applicant's phone (sent now, or shared
    with the OA before), as the web lookup checks it (the chat user counts as the client):
    wrong guesses count towards the same limits."""
    if not command.code:
        return chat.ASK_CODE
    phone = command.phone
    if not phone:
        user = store.get_user(user_id)
        phone = (user.phone if user else "") or ""
    if not phone:
        return chat.ASK_PHONE.format(code=command.code)
    try:
        dossier = dossiers.authorized(command.code, None, phone, f"zalo:{user_id}")
    except RateLimited:
        return chat.RATE_LIMITED
    except NotFound:
        return chat.NOT_FOUND.format(code=command.code)
    view = receipts.status_view(dossier, [])
    url = f"{get_settings().public_base_url}{lookup_page(dossier.code)}"
    due = vn_date(dossier.due_at) if dossier.status.is_open else ""
    return chat.status_reply(view, url, due)


def _feedback(command: chat.ChatCommand, user_id: str, key: str, now: datetime) -> str:
    """Feedback (PAKN) through the feedback service, once per chat message."""
    if not command.text.strip():
        return chat.ASK_FEEDBACK
    user = store.get_user(user_id)
    body = {
        "content": command.text,
        "category": "khac",  # the service centre classifies it
        "public": False,
        "sender": {"zalo_user_id": user_id, "phone": user.phone if user else None},
    }
    claim = idempotency.claim("zalo-feedback", user_id, key, body)
    if claim is not None and claim.replay is not None:
        created = claim.replay
    else:
        try:
            created = feedback.submit(body, None, now, channel="zalo", claim=claim)
        except Exception:
            idempotency.release(claim)
            raise
    return chat.FEEDBACK_RECEIVED.format(reference=created["id"])


def reply(user_id: str, text: str, key: str, now: datetime) -> None:
    """An OA message to the user, through the notifications pipeline (one per event)."""
    planned = [plan.Planned(f"zalo:{user_id}", plan.ZALO_OA, "zalo_reply", {plan.ZALO_OA: user_id})]
    notifications.notify(f"zalo:{key}", "zalo.reply", planned, {"text": text}, "", None, now)


_HANDLERS = {
    "follow": _follow,
    "unfollow": _unfollow,
    "user_submit_info": _submit_info,
    "user_send_text": _text,
    "user_received_message": _receipt,
}
