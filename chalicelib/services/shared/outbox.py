"""Relay of the transactional outbox to the events queue.

Events are written in the same DynamoDB transaction as the change that caused them. Right after
the commit the request publishes them; if SQS is unavailable they stay pending and the scheduled
sweep publishes them later (found through the sparse `outbox_pending` index, never a scan).
Delivery is at least once: consumers deduplicate on the event id."""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta

from chalicelib.domain.events import Event
from chalicelib.integrations import queues
from chalicelib.persistence import dossier_store
from chalicelib.services.shared import clock

log = logging.getLogger(__name__)
SWEEP_GRACE = timedelta(seconds=30)
KEEP_SENT_SECONDS = 7 * 24 * 3600


def publish(events: list[Event] | list[dict]) -> int:
    """Send events and mark them sent; returns how many went out. Never raises on SQS errors."""
    bodies = {e["id"]: e for e in (ev.to_dict() if isinstance(ev, Event) else ev for ev in events)}
    if not bodies:
        return 0
    try:
        failed = queues.send_batch(queues.QueueNames.EVENTS, bodies)
    except Exception:
        log.warning(
            "outbox relay failed; the sweep will retry",
            exc_info=True,
            extra={"events": len(bodies)},
        )
        return 0
    sent = [body for event_id, body in bodies.items() if event_id not in failed]
    for body in sent:
        _mark_sent(body)
    return len(sent)


def _mark_sent(body: dict) -> None:
    dossier_store.mark_sent(body, int(time.time()) + KEEP_SENT_SECONDS, clock.now())


def sweep(now: datetime, batch: int = 100) -> int:
    """Publish every event still pending since before `now - grace`; returns how many."""
    return publish(dossier_store.pending_events(now - SWEEP_GRACE, batch))
