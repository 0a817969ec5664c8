"""Relay of the transactional outbox to the events queue.

Events are written in the same DynamoDB transaction as the change that caused them, as outbox
items of the dossiers table; the request writes and sends nothing more. The table's stream
carries each inserted outbox item to this relay (the `relay_outbox` function), which sends its
event to the events queue. A record SQS did not take is reported as a batch item failure: the
stream hands it (and the records after it) over again, so nothing is lost. Delivery is at least
once (a retried batch sends some events again): consumers deduplicate on the event id."""

from __future__ import annotations

import logging

from chalicelib.integrations import queues
from chalicelib.persistence import outbox_store

log = logging.getLogger(__name__)


def relay(records: list[dict]) -> dict:
    """Send the events of the stream records that inserted outbox items; answer the partial
    batch response naming the records whose event SQS did not take."""
    bodies: dict[str, dict] = {}
    sequence: dict[str, str] = {}
    for record in records:
        event = outbox_store.event_of(record)
        if event is not None:
            bodies[event["id"]] = event
            sequence.setdefault(event["id"], record["dynamodb"]["SequenceNumber"])
    failed = _send(bodies)
    if failed:
        log.warning(
            "outbox relay: SQS did not take some events; the stream retries them",
            extra={"events": len(failed), "batch": len(bodies)},
        )
    return {
        "batchItemFailures": [{"itemIdentifier": s} for i, s in sequence.items() if i in failed]
    }


def _send(bodies: dict[str, dict]) -> set[str]:
    """The ids of `bodies` that SQS did not take (all of them when the call failed)."""
    if not bodies:
        return set()
    try:
        return queues.send_batch(queues.QueueNames.EVENTS, bodies)
    except Exception:
        log.warning("outbox relay failed", exc_info=True, extra={"events": len(bodies)})
        return set(bodies)
