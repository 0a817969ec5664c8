"""Scheduled jobs on the stored files."""

from __future__ import annotations

import logging

from chalice import Blueprint

from chalicelib.services.shared.clock import now

bp = Blueprint(__name__)
log = logging.getLogger(__name__)


@bp.schedule("rate(1 hour)")
def sweep_file_copies(event):
    """Delete the file copies of attempts that never committed, a day after they were made."""
    from chalicelib.services.shared import batches, copy_sweep

    counts = copy_sweep.sweep(now(), batches.time_left(event))
    log.info("file copies swept", extra=counts)
    return counts
