"""Relay of the transactional outbox to the events queue.

Events are written in the same DynamoDB transaction as the change that caused them. Right after
the commit the request publishes them and writes nothing more: an event stays pending (in the
sparse `outbox_pending` index) until the events worker has handled it and takes it off
(`delivered`). The scheduled sweep publishes again whatever is still pending `SWEEP_GRACE` after
it was written (SQS was unavailable, or the event is still queued behind a backlog) and takes it
off itself, so nothing is lost. Delivery is at least once: consumers deduplicate on the event
id."""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta

from chalicelib.domain.events import Event
from chalicelib.integrations import queues
from chalicelib.persistence import outbox_store
from chalicelib.services.shared import clock

log = logging.getLogger(__name__)
SWEEP_GRACE = timedelta(seconds=30)
KEEP_SENT_SECONDS = 7 * 24 * 3600


def publish(events: list[Event] | list[dict]) -> int:
    """Send events right after their commit; returns how many went out. Never raises on SQS
    errors. The events stay pending until the worker has handled them (`delivered`)."""
    return len(_send(events))


def delivered(event: dict) -> None:
    """The events worker handled `event`: take it off the pending events."""
    outbox_store.mark_sent(event, int(time.time()) + KEEP_SENT_SECONDS, clock.now())


def sweep(now: datetime, batch: int = 100) -> int:
    """Publish every event still pending since before `now - grace` and take it off the pending
    events; returns how many."""
    sent = _send(outbox_store.pending_events(now - SWEEP_GRACE, batch))
    for body in sent:
        delivered(body)
    return len(sent)


def _send(events: list[Event] | list[dict]) -> list[dict]:
    """The bodies of `events` that SQS accepted (none when it failed)."""
    bodies = {e["id"]: e for e in (ev.to_dict() if isinstance(ev, Event) else ev for ev in events)}
    if not bodies:
        return []
    try:
        failed = queues.send_batch(queues.QueueNames.EVENTS, bodies)
    except Exception:
        log.warning(
            "outbox relay failed; the sweep will retry",
            exc_info=True,
            extra={"events": len(bodies)},
        )
        return []
    return [body for event_id, body in bodies.items() if event_id not in failed]
