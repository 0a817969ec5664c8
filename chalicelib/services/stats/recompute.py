"""Recompute the statistics counters from the dossiers and report (or repair) drift: the way to
check the counters and put them right after an incident (a lost or dead-lettered event, a bug).

Offline only (operator CLI `stats-recompute`), never on a request path: it reads every dossier
of every agency through the `by_status` index (one Query per agency and status) and each
dossier's history, rebuilds its facts (domain/stats_history.py) and what they contribute, and
compares that with the stored counters for each day of the range and the gauges' running sums
(TOTAL). A dossier keeps only its latest deadline flag; earlier ones are taken from its
projection (they come from `dossier.overdue` events only), and so are the national portal's
sync outcomes (`dossier.national_synced`, `dossier.national_sync_failed`). Feedback counters
(fb_*) are not recomputed: they come from the feedback events only.

Repair, for each dossier, merges the rebuilt facts into its projection and writes the
difference exactly as the consumer would (so an event redelivered later is not counted
twice), then corrects whatever drift remains in the counter items themselves. Run it when the
events queue is quiet; comparing while events are in flight reports them as drift.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime

from chalicelib.config import get_settings
from chalicelib.domain import stats, stats_projection
from chalicelib.domain.dossier import Dossier
from chalicelib.domain.stats_history import facts as history_facts
from chalicelib.persistence import dossier_store, rating_store, stats_store
from chalicelib.services.catalog import reads as catalog_service

Key = tuple[str, str, str]
# Facts no dossier history holds: deadline flags and the national portal's sync outcomes.
EVENT_ONLY_FACTS = frozenset({"overdue", "national_synced", "national_sync_failed"})


@dataclass(frozen=True)
class Drift:
    scope: str
    bucket: str
    name: str
    stored: int
    expected: int

    def __str__(self) -> str:
        return (
            f"{self.scope} {self.bucket} {self.name}: stored {self.stored}, "
            f"expected {self.expected} ({self.expected - self.stored:+d})"
        )


def dossiers() -> Iterator[Dossier]:
    """Every dossier, once (an offline repair: it reads the whole dossiers table)."""
    return dossier_store.every_dossier()


def _facts(dossier: Dossier) -> list[dict]:
    """The dossier's own record of its steps, plus the deadline flags its projection absorbed:
    a dossier keeps only its latest flag, so an earlier overdue spell (ended by a new due date)
    is known from the `dossier.overdue` events alone."""
    projection = stats_store.load(f"DOSSIER#{dossier.code}")
    flags = [f for f in projection.facts if f["t"] in EVENT_ONLY_FACTS]
    history = dossier_store.history(dossier.code)
    return history_facts(dossier, history, rating_store.get(dossier.code)) + flags


def expected_counts(progress: Callable[[str], None] = lambda m: None) -> Counter:
    expected: Counter = Counter()
    n = 0
    for dossier in dossiers():
        counts, _ = stats_projection.contributions(
            f"DOSSIER#{dossier.code}", _facts(dossier), get_settings().online_payment_channels
        )
        expected.update(counts)
        n += 1
    progress(f"{n} hồ sơ đã đọc")
    return expected


def stored_counts(scopes: set[str], start: date) -> Counter:
    stored: Counter = Counter()
    for scope in sorted(scopes):
        for bucket, attrs in stats_store.read(scope, start.isoformat()):
            for name, value in attrs.items():
                if isinstance(value, int):
                    stored[(scope, bucket, name)] += value
    return stored


def _compared(key: Key, start: date, end: date) -> bool:
    _, bucket, name = key
    if name.startswith("fb_"):
        return False
    return bucket == stats.TOTAL or start.isoformat() <= bucket <= end.isoformat()


def drift(start: date, end: date, progress: Callable[[str], None] = lambda m: None) -> list[Drift]:
    expected = expected_counts(progress)
    catalog = catalog_service.get_catalog()
    scopes = {f"AGENCY#{a}" for a in catalog.agencies} | {f"PROC#{p}" for p in catalog.procedures}
    scopes |= {scope for scope, _, _ in expected}
    stored = stored_counts(scopes, start)
    keys = {k for k in set(expected) | set(stored) if _compared(k, start, end)}
    return [
        Drift(*key, stored[key], expected[key])
        for key in sorted(keys)
        if stored[key] != expected[key]
    ]


def reproject(dossier: Dossier, now: datetime) -> bool:
    """Merge the dossier's rebuilt facts into its projection; True when something changed."""
    subject = f"DOSSIER#{dossier.code}"
    rebuilt = _facts(dossier)
    for _ in range(5):
        current = stats_store.load(subject)
        known = {(f["t"], f["at"]) for f in current.facts}
        merged = [*current.facts, *(f for f in rebuilt if (f["t"], f["at"]) not in known)]
        counts, members = stats_projection.contributions(
            subject, merged, get_settings().online_payment_channels
        )
        applied = {stats.encode(k): n for k, n in counts.items() if n}
        added = {stats.encode(m) for m in members} - current.members
        if applied == current.applied and not added and current.version:
            return False
        increments, additions = stats.diff(current.applied, current.members, counts, members)
        new = stats_store.Projection(merged, applied, current.members | added)
        if stats_store.commit(
            subject, new, current.version, increments, additions, now.isoformat()
        ):
            return True
    raise RuntimeError(f"{subject} stayed busy; run the repair again")


def repair(start: date, end: date, now: datetime, progress=print) -> int:
    """Re-project every dossier, then correct the counter items still off; returns how many
    counter values were corrected."""
    changed = sum(1 for dossier in dossiers() if reproject(dossier, now))
    progress(f"{changed} hồ sơ được cập nhật lại phép chiếu thống kê")
    corrections = drift(start, end)
    for d in corrections:
        stats_store.add(d.scope, d.bucket, 0, {d.name: d.expected - d.stored})
    return len(corrections)
