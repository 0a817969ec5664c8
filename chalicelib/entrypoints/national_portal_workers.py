"""Workers of the national portal connection: the status sync queue and its daily
reconciliation."""

from __future__ import annotations

import logging

from chalice import Blueprint

from chalicelib.integrations.queues import QueueNames
from chalicelib.services.shared.clock import now

bp = Blueprint(__name__)
log = logging.getLogger(__name__)


@bp.on_sqs_message(queue=QueueNames.NATIONAL_SYNC, batch_size=10)
def on_national_sync(event):
    """Send each dossier's pending status changes to the national portal, in order."""
    from chalicelib.services.national_portal import sync as national_sync
    from chalicelib.services.shared import batches

    return national_sync.handle_batch(list(event), now(), time_left_ms=batches.time_left(event))


@bp.schedule("rate(1 day)")
def reconcile_national_sync(event):
    """Queue again every dossier whose changes the national portal has not all accepted."""
    from chalicelib.services.national_portal import sync as national_sync

    counts = national_sync.reconcile(now())
    log.info("national sync reconciled", extra=counts)
    return counts
