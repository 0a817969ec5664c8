"""Where an attempt's copies of files live in the uploads bucket, and which the sweep may delete.

A submission, a desk intake, an answer to a supplement request and a feedback (an *attempt*)
copy their files out of quarantine, and reused wallet documents, before the one transaction
that commits the record using them; that transaction also writes the attempt's mark
(persistence/copy_store.py). A copy whose attempt has no mark was never committed: the attempt
failed, or died between its copies and its commit, or lost its commit's answer when the commit
did not go through after all. The sweep deletes those, and only those:

    attachments/<yyyy-mm-dd>/<attempt>/<copy>/<name>   a copy made on that day (UTC) by <attempt>;
                                                       <copy>: the upload's id, or a new one for
                                                       a reused wallet document

Copies made before this layout (`attachments/<upload id>/<copy>/<name>`,
`attachments/reused-<copy>/<name>`) name no attempt and are never swept.

A day is swept once every copy of it is older than GRACE (far beyond any request's life, so no
attempt is still running) and while it is younger than HORIZON (within MARK_LIFETIME, so the mark
of a committed attempt is surely still there: its TTL starts at the commit, after the copies)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

PREFIX = "attachments/"
GRACE = timedelta(hours=24)
MARK_LIFETIME = timedelta(days=30)
HORIZON = MARK_LIFETIME - timedelta(days=2)
_NEW_KEY = re.compile(r"attachments/\d{4}-\d{2}-\d{2}/([0-9a-f]{32})/[0-9a-f]{32}/[^/]+")


def day_of(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


def key(day: date, attempt_id: str, copy_id: str, filename: str) -> str:
    return f"{day_prefix(day)}{attempt_id}/{copy_id}/{filename}"


def day_prefix(day: date) -> str:
    return f"{PREFIX}{day.isoformat()}/"


def attempt_of(copy_key: str) -> str | None:
    """The attempt that made the copy at `copy_key`; None for a key of another layout."""
    found = _NEW_KEY.fullmatch(copy_key)
    return found.group(1) if found else None


def sweepable_days(now: datetime) -> tuple[date, date]:
    """The first and the last day whose copies the sweep may look at `now` (whole days)."""
    first = day_of(now - HORIZON) + timedelta(days=1)
    last = day_of(now - GRACE) - timedelta(days=1)
    return first, last


@dataclass(frozen=True)
class Cursor:
    """Where the sweep goes on: the day, and the last key of it already looked at."""

    day: date
    after: str | None = None


def resume(saved: Cursor | None, now: datetime) -> Cursor:
    """Where a run starts: where the last one stopped, but never before the horizon."""
    first, _ = sweepable_days(now)
    return saved if saved is not None and saved.day >= first else Cursor(first)


def orphans(
    objects: Iterable[tuple[str, datetime]], committed: set[str], now: datetime
) -> list[str]:
    """The keys among `objects` (key, last modified) to delete: copies of an attempt not among
    the `committed` ones, made between HORIZON and GRACE ago."""
    return [
        copy_key
        for copy_key, modified in objects
        if (attempt := attempt_of(copy_key)) is not None
        and attempt not in committed
        and now - HORIZON <= modified <= now - GRACE
    ]
