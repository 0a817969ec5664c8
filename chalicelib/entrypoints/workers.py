"""Handlers that no HTTP request calls: scheduled jobs and queue consumers."""

from __future__ import annotations

import logging

from chalice import Blueprint

from chalicelib.integrations.queues import QueueNames
from chalicelib.services.shared.clock import now

bp = Blueprint(__name__)
log = logging.getLogger(__name__)


@bp.schedule("rate(1 minute)")
def relay_outbox(event):
    """Publish events still pending 30 s after their commit: the relay right after it failed
    (SQS unavailable), or the events worker has not handled them yet."""
    from chalicelib.services.shared import outbox

    sent = outbox.sweep(now())
    if sent:
        log.info("outbox relayed", extra={"events": sent})
    return {"relayed": sent}


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
