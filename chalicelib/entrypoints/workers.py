"""Handlers that no HTTP request calls: the outbox relay, scheduled jobs and queue consumers."""

from __future__ import annotations

import logging

from chalice import Blueprint

from chalicelib.integrations.queues import QueueNames
from chalicelib.services.shared.clock import now

bp = Blueprint(__name__)
log = logging.getLogger(__name__)


@bp.lambda_function(name="relay_outbox")
def relay_outbox(event, context):
    """The dossiers table's stream (new outbox items; infra/base.json's RelayOutboxStream
    mapping, the local worker's stream poller): their events to the events queue, answering a
    partial batch response."""
    from chalicelib.services.shared import outbox

    return outbox.relay(event.get("Records", []))


@bp.schedule("rate(15 minutes)")
def flag_deadlines(event):
    """Emit due-soon and overdue events of dossiers and of consult requests to other agencies
    (found through an index, never a scan)."""
    from chalicelib.services.dossiers import consults, overdue

    moment = now()
    counts = {**overdue.flag(moment), **consults.remind(moment)}
    log.info("deadlines flagged", extra=counts)
    return counts


@bp.schedule("rate(5 minutes)")
def reconcile_payments(event):
    """Settle payments still pending past their expiry by asking the gateway (lost IPNs)."""
    from chalicelib.services.payments import fees as payments

    counts = payments.reconcile(now())
    log.info("payments reconciled", extra=counts)
    return counts


@bp.on_sqs_message(queue=QueueNames.EVENTS, batch_size=10)
def on_event(event):
    """Domain events: asynchronous workflow updates (e.g. a confirmed payment)."""
    from chalicelib.services.shared import batches, events

    return events.handle_batch(list(event), now(), batches.time_left(event))
