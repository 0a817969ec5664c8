"""Queue consumers of the notifications pipeline: sending jobs, and Zalo OA events."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.integrations.queues import QueueNames
from chalicelib.services.shared.clock import now

bp = Blueprint(__name__)


@bp.on_sqs_message(queue=QueueNames.NOTIFICATIONS, batch_size=10)
def on_notification(event):
    """Send each notification once (ZNS, SMS, email, OA message, officer inbox)."""
    from chalicelib.services.notifications import delivery as notification_delivery
    from chalicelib.services.shared import batches

    return notification_delivery.handle_batch(list(event), now(), batches.time_left(event))


@bp.on_sqs_message(queue=QueueNames.ZALO_INBOUND, batch_size=10)
def on_zalo_inbound(event):
    """Zalo OA events accepted by the webhook: chat commands, follows, receipts."""
    from chalicelib.services.notifications import zalo_inbound
    from chalicelib.services.shared import batches

    return zalo_inbound.handle_batch(list(event), now(), batches.time_left(event))
