"""Notifications, first half: from a domain event (or an officer-notification request, or a Zalo
chat) to notification records and jobs on the notifications queue.

Persist first, then deliver (docs/architecture.md, queues): each notification is stored with
a deterministic id before its job (`{"notification_id"}`, an id only) is queued, so a redelivered
event finds its notifications and only re-queues those still `created`. When the queue refuses
a job the subscriber raises and the event comes back later. notification_delivery.py sends.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from chalicelib.config import get_settings
from chalicelib.domain import notifications as plan
from chalicelib.domain.dossier import Dossier
from chalicelib.domain.notification_templates import render
from chalicelib.domain.paths import feedback_page, lookup_page, officer_dossier_page
from chalicelib.integrations import queues
from chalicelib.persistence import dossier_store
from chalicelib.persistence import notification_store as store

log = logging.getLogger(__name__)
# events whose reason is only in the history entry's public note
_NOTE_ACTIONS = {"dossier.refused": "refuse"}


class NotQueued(RuntimeError):
    """Some jobs were not accepted by SQS: the caller must be retried."""


def on_event(event: dict, now: datetime) -> None:
    """Subscriber of the events queue (services/shared/events.py) for every subscribed type."""
    kind = event.get("type", "")
    if kind in plan.FEEDBACK_TEMPLATES:
        _on_feedback(event, now)
        return
    dossier = dossier_store.get(event["dossier_code"])
    if dossier is None:
        log.warning("event for an unknown dossier ignored", extra={"type": kind})
        return
    audience = plan.Audience(
        notify=tuple(dossier.notify or ()),
        phone=dossier.applicant.get("phone") or "",
        email=dossier.applicant.get("email") or "",
        agency_id=dossier.agency_id,
        assignee=dossier.assignee,
    )
    planned = plan.plan(kind, event.get("data") or {}, audience)
    if planned:
        values = dossier_values(dossier, event)
        notify(event["id"], kind, planned, values, f"DOSSIER#{dossier.code}", dossier.code, now)


def _on_feedback(event: dict, now: datetime) -> None:
    from chalicelib.persistence import feedback_store

    feedback = feedback_store.get(event["dossier_code"])  # feedback events carry the feedback id
    if feedback is None:
        return
    planned = plan.plan_feedback(event["type"], feedback.sender)
    base = get_settings().public_base_url
    values = {
        "code": feedback.id,
        "name": "",  # a sender's name is typed, never verified: greet them neutrally
        "url": f"{base}{feedback_page(feedback.id)}",
        "status_label": feedback.status.label,
    }
    notify(event["id"], event["type"], planned, values, f"FEEDBACK#{feedback.id}", None, now)


def notify(
    source: str,
    kind: str,
    planned: Iterable[plan.Planned],
    values: dict[str, Any],
    citizen_subject: str,
    dossier_code: str | None,
    now: datetime,
) -> list[store.Notification]:
    """Store one notification per planned (recipient, channel) unless it exists, then queue
    the jobs of those not sent yet. Safe to repeat with the same `source`."""
    records = []
    for item in planned:
        message = render(item.template, values)
        notification_id = plan.notification_id(source, item.recipient, item.channel)
        record, created = store.create(
            {
                "id": notification_id,
                "source": source,
                "kind": kind,
                "template": item.template,
                "recipient": item.recipient,
                "dossier_code": dossier_code,
                "planned_channel": item.channel,
                "channel": item.channel,
                "addresses": dict(item.addresses),
                "covered": list(item.covered),
                "message": message.to_dict(),
                "subject_pk": plan.subject_key(item.recipient, citizen_subject),
            },
            now,
        )
        if created:
            log.info(
                "notification planned",
                extra={
                    "notification": notification_id,
                    "template": item.template,
                    "channel": item.channel,
                    "dossier_code": dossier_code,
                },
            )
        records.append(record)
    enqueue(records)
    return records


def enqueue(records: Iterable[store.Notification]) -> int:
    """Queue a job for every notification still `created`; raises NotQueued if SQS refused any.
    A job queued twice is harmless: only one delivery can move it out of `created`."""
    jobs = {r.id: {"notification_id": r.id} for r in records if r.state == store.CREATED}
    if not jobs:
        return 0
    refused = queues.send_batch(queues.QueueNames.NOTIFICATIONS, jobs)
    if refused:
        raise NotQueued(f"{len(refused)} of {len(jobs)} notification jobs not queued")
    return len(jobs)


def dossier_values(dossier: Dossier, event: dict) -> dict[str, Any]:
    """What the templates say about a dossier at the time of an event."""
    data = event.get("data") or {}
    base = get_settings().public_base_url
    requested = dossier.requested or {}
    reason = data.get("reason")
    if not reason and event["type"] in _NOTE_ACTIONS:
        reason = _public_note(dossier.code, _NOTE_ACTIONS[event["type"]], event.get("at"))
    return {
        "code": dossier.code,
        "procedure": dossier.procedure.get("name", ""),
        "name": dossier.verified_name,
        "url": f"{base}{lookup_page(dossier.code)}",
        "officer_url": f"{base}{officer_dossier_page(dossier.code)}",
        "ack_by": dossier.acknowledge_by.isoformat(),
        "due": data.get("due_at") or (dossier.due_at.isoformat() if dossier.due_at else None),
        "new_due": data.get("new_due_at"),
        "amount": data.get("amount"),
        "reason": reason,
        "items": data.get("items") or [],
        "note": requested.get("note") if requested.get("type") == "supplement" else None,
        "delivery": dossier.result_delivery,
        "early": data.get("timeliness") == "early",
        "status_label": dossier.status.label,
    }


def _public_note(code: str, action: str, at: str | None) -> str | None:
    for entry in reversed(dossier_store.history(code)):
        if entry.get("action") == action and (at is None or entry.get("at") == at):
            return entry.get("public_note")
    return None


def record_receipt(notification_id: str, status: str, at: str, now: datetime) -> bool:
    """A provider's delivery receipt (ZNS user_received_message, eSMS callback)."""
    found = store.record_receipt(notification_id, {"status": status, "at": at}, now)
    log.info(
        "delivery receipt",
        extra={"notification": notification_id, "receipt": status, "known": found},
    )
    return found
