"""Consumers of domain events from the events queue. Each subscriber is idempotent, because
SQS delivers at least once and the outbox relay may send an event twice."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime

from chalicelib.services.dossiers import closing, workflow
from chalicelib.services.national_portal import sync as national_sync
from chalicelib.services.notifications import dispatch as notifications
from chalicelib.services.shared import batches
from chalicelib.services.stats import counters as stats

log = logging.getLogger(__name__)


def _payment_confirmed(event: dict, now: datetime) -> None:
    """A gateway confirmed a payment: the dossier leaves `awaiting_payment` exactly once (or,
    paid ahead or to release its result, records the payment where it stands)."""
    data = event["data"]
    params = {
        "amount": int(data["amount"]),
        "channel": "online",
        "provider": data.get("provider"),
        "payment_id": data["payment_id"],
    }
    if not workflow.apply_system(event["dossier_code"], "confirm_payment", params, now):
        workflow.apply_system(event["dossier_code"], "record_payment", params, now)


SUBSCRIBERS: dict[str, list[Callable[[dict, datetime], None]]] = {
    "payment.confirmed": [_payment_confirmed],
}
for _type in notifications.plan.SUBSCRIBED_TYPES:  # citizens and officers are told
    SUBSCRIBERS.setdefault(_type, []).append(notifications.on_event)
for _type in national_sync.TRIGGERS:  # the national portal hears of every status change
    SUBSCRIBERS.setdefault(_type, []).append(national_sync.on_event)
    SUBSCRIBERS[_type].append(closing.on_event)  # a closed dossier's files: cheaper storage
for _type in stats.EVENT_TYPES:  # the statistics counters (services/stats/counters.py)
    SUBSCRIBERS.setdefault(_type, []).append(stats.count)


def handle(body: str, now: datetime) -> None:
    """Run the event's subscribers (a failure makes SQS deliver the event again)."""
    event = json.loads(body)
    for subscriber in SUBSCRIBERS.get(event.get("type", ""), []):
        subscriber(event, now)


RESERVE_MS = 5_000  # the slowest event: a few DynamoDB round trips and SQS sends, with retries


def handle_batch(records, now: datetime, time_left_ms=None) -> dict:
    """Process each record; report only the failed (or, near the timeout, the not yet started)
    ones so SQS redelivers just those."""
    return batches.run(records, lambda r: handle(r.body, now), time_left_ms, RESERVE_MS)
