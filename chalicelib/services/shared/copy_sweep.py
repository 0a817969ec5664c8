"""The sweep of file copies that no record ever committed (domain/file_copies.py).

An attempt copies its files before its transaction, which also writes the attempt's mark
(uploads.Attempt). When the function dies between the copies and the commit, or the commit's
answer is lost and it did not go through, the copies stay and no dossier, feedback or wallet
refers to them. The sweep lists the copies of each day once that day is more than a day old,
one page of keys at a time, asks which of their attempts have a mark (one BatchGetItem per 100
attempts) and deletes the copies of those without one (one DeleteObjects per page).

It keeps its place (a day and the last key looked at) after each page, so a run stops before
its time or page budget is spent and the next goes on from there; doing a page twice deletes
nothing more. A day older than the horizon is never looked at: if the sweep was stopped for
that long, its orphans stay (a warning says how many days were passed over)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from chalicelib.config import get_settings
from chalicelib.domain import file_copies
from chalicelib.domain.file_copies import Cursor
from chalicelib.integrations import storage
from chalicelib.persistence import copy_store

log = logging.getLogger(__name__)
PAGE = 1000  # keys per ListObjectsV2 (its most) and per DeleteObjects (its most)
MAX_PAGES = 200  # per run
RESERVE_MS = 5000  # left for the page under way when a run stops


def sweep(
    now: datetime,
    time_left_ms: Callable[[], float] | None = None,
    max_pages: int = MAX_PAGES,
    page_size: int = PAGE,
) -> dict:
    """Delete the uncommitted copies of the sweepable days, from where the last run stopped,
    within `max_pages` pages and the time left; the counts."""
    bucket = get_settings().bucket_uploads
    saved = copy_store.cursor()
    at = file_copies.resume(saved, now)
    if saved is not None and saved.day < at.day:
        passed = (at.day - saved.day).days
        log.warning("days of file copies past the horizon were not swept", extra={"days": passed})
    _, last = file_copies.sweepable_days(now)
    counts = {"pages": 0, "listed": 0, "deleted": 0}
    while at.day <= last and counts["pages"] < max_pages:
        if time_left_ms is not None and time_left_ms() < RESERVE_MS:
            break
        objects, more = storage.listing(bucket, file_copies.day_prefix(at.day), at.after, page_size)
        attempts = {file_copies.attempt_of(o.key) for o in objects} - {None}
        doomed = file_copies.orphans(objects, copy_store.committed(attempts), now)
        storage.delete_many(bucket, doomed)
        next_day = Cursor(at.day + timedelta(days=1))
        at = Cursor(at.day, objects[-1].key) if more and objects else next_day
        copy_store.save_cursor(at)
        counts["pages"] += 1
        counts["listed"] += len(objects)
        counts["deleted"] += len(doomed)
    return counts
