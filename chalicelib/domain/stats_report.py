"""From counter items to the figures of the statistics report (Circular 01/2018/TT-VPCP art. 11,
Decision 766/QĐ-TTg; docs/rules.md).

Input rows are (bucket, attributes) as the statistics table holds them: one row per day and
shard (bucket `yyyy-mm-dd`) and the gauges' running sums (bucket TOTAL). Flows are summed over
the days of the range; a gauge's value at the end of day X is TOTAL minus its daily deltas
after X (see domain/stats.py), so the rows must cover every day from the range's first day on.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from chalicelib.domain.stats import (
    CHANNELS,
    GAUGES,
    RATING_CRITERIA,
    RATING_LEVELS,
    SETS,
    TIMELINESS,
    TOTAL,
)

Row = tuple[str, dict]


@dataclass
class Totals:
    """Flows over a range, set unions over it, and the gauges at its start and end."""

    counts: Counter = field(default_factory=Counter)
    members: dict[str, set[str]] = field(default_factory=lambda: {s: set() for s in SETS})
    at_end: Counter = field(default_factory=Counter)
    at_start: Counter = field(default_factory=Counter)

    def __add__(self, other: Totals) -> Totals:
        return Totals(
            self.counts + other.counts,
            {s: self.members[s] | other.members[s] for s in SETS},
            _plus(self.at_end, other.at_end),
            _plus(self.at_start, other.at_start),
        )


def _plus(a: Counter, b: Counter) -> Counter:
    out = Counter(a)
    out.update(b)  # keeps zero and negative values, unlike Counter.__add__
    return out


def totals(rows: Iterable[Row], start: date, end: date) -> Totals:
    first, last = start.isoformat(), end.isoformat()
    result = Totals()
    after_end: Counter = Counter()
    from_start: Counter = Counter()
    running: Counter = Counter()
    for bucket, attrs in rows:
        if bucket == TOTAL:
            running.update({g: int(attrs.get(g, 0)) for g in GAUGES})
            continue
        deltas = {g: int(attrs.get(f"d_{g}", 0)) for g in GAUGES}
        if bucket >= first:
            from_start.update(deltas)
        if bucket > last:
            after_end.update(deltas)
        if first <= bucket <= last:
            for name, value in attrs.items():
                if name in SETS:
                    result.members[name] |= set(value)
                elif not name.startswith("d_") and name not in GAUGES:
                    result.counts[name] += int(value)
    for g in GAUGES:
        result.at_end[g] = running[g] - after_end[g]
        result.at_start[g] = running[g] - from_start[g]
    return result


def weeks(rows: Iterable[Row], start: date, end: date) -> list[dict]:
    """Received and resolved per week (Monday to Sunday, clipped to the range)."""
    per_week: dict[date, Counter] = {}
    monday = start - timedelta(days=start.weekday())
    while monday <= end:
        per_week[monday] = Counter()
        monday += timedelta(days=7)
    first, last = start.isoformat(), end.isoformat()
    for bucket, attrs in rows:
        if bucket != TOTAL and first <= bucket <= last:
            d = date.fromisoformat(bucket)
            per_week[d - timedelta(days=d.weekday())].update(
                {k: int(v) for k, v in attrs.items() if k not in SETS}
            )
    out = []
    for monday, c in per_week.items():
        resolved = sum(c[f"resolved_{t}"] for t in TIMELINESS)
        out.append(
            {
                "week": f"{monday.isocalendar().year}-W{monday.isocalendar().week:02d}",
                "from": max(monday, start).isoformat(),
                "to": min(monday + timedelta(days=6), end).isoformat(),
                "received": sum(c[f"received_{ch}"] for ch in CHANNELS),
                "resolved": resolved,
                "resolved_on_time": c["resolved_early"] + c["resolved_on_time"],
                "on_time_rate": ratio(c["resolved_early"] + c["resolved_on_time"], resolved),
            }
        )
    return out


def ratio(part: int, whole: int) -> float | None:
    """part ÷ whole rounded to 4 places; None when there is nothing to divide."""
    return round(part / whole, 4) if whole > 0 else None


def figures(t: Totals) -> dict:
    c = t.counts
    received = {ch: c[f"received_{ch}"] for ch in CHANNELS}
    resolved = {tl: c[f"resolved_{tl}"] for tl in TIMELINESS}
    past = max(t.at_end["past_deadline"], 0)
    in_progress = max(t.at_end["in_progress"], 0)
    ratings = {
        criterion: {level: c[f"rated_{criterion}_{level}"] for level in RATING_LEVELS}
        for criterion in RATING_CRITERIA
    }
    rated = sum(ratings["overall"].values())
    answered = c["fb_answered"]
    return {
        "received": {"total": sum(received.values()), **received},
        "resolved": {"total": sum(resolved.values()), **resolved, "refused": c["refused"]},
        "in_progress": {
            "total": in_progress,
            "within_deadline": max(in_progress - past, 0),
            "past_deadline": past,
            "carried_over": max(t.at_start["in_progress"], 0),
        },
        "intake": {
            name: c[name]
            for name in (
                "accepted",
                "rejected",
                "supplement_requested",
                "withdrawn",
                "stopped",
                "returned",
            )
        },
        "payments": {"with_fee": c["with_fee"], "paid_online": c["paid_online"]},
        "e_results": c["e_results"],
        "national_sync": {
            "sent": c["sync_sent"],
            "on_time": c["sync_on_time"],
            "failed": c["sync_failed"],
        },
        "digitised_at_receipt": c["digitised"],
        "reused": c["reused"],
        "feedback": {
            "received": c["fb_received"],
            "not_accepted": c["fb_not_accepted"],
            "forwarded": c["fb_forwarded"],
            "answered": answered,
            "answered_on_time": c["fb_answered_on_time"],
            "due": c["fb_due"],
            "due_answered_on_time": c["fb_due_answered_on_time"],
            "answered_late": c["fb_answered_late"],
            "satisfied": c["fb_satisfied"],
            "dissatisfied": c["fb_dissatisfied"],
            "unsatisfactory": c["fb_unsatisfactory"],
        },
        "ratings": {"total": rated, **ratings},
    }


def rates(f: dict) -> dict:
    """The report's ratios (on time, online, paid online, …), each None when its denominator is
    zero."""
    resolved, fb, overall = f["resolved"], f["feedback"], f["ratings"]["overall"]
    return {
        "on_time": ratio(resolved["early"] + resolved["on_time"], resolved["total"]),
        "overdue": ratio(resolved["late"], resolved["total"]),
        "online_submission": ratio(f["received"]["online"], f["received"]["total"]),
        "online_payment": ratio(f["payments"]["paid_online"], f["payments"]["with_fee"]),
        "e_result": ratio(f["e_results"], resolved["total"]),
        "reuse": ratio(f["reused"], f["received"]["total"]),
        "feedback_on_time": ratio(fb["answered_on_time"], fb["answered"]),
        "feedback_satisfaction": ratio(fb["answered"] - fb["unsatisfactory"], fb["answered"]),
        "satisfaction": ratio(overall["rat_hai_long"] + overall["hai_long"], f["ratings"]["total"]),
    }


def services(procedures: Iterable) -> dict:
    """Procedures offered, by level (2, 3, 4) and online mode, from the catalog."""
    by_level: Counter = Counter({"2": 0, "3": 0, "4": 0})
    by_mode: Counter = Counter({"toan_trinh": 0, "mot_phan": 0, "none": 0})
    total = 0
    for p in procedures:
        total += 1
        by_level[str(p.level)] += 1
        by_mode[p.online_mode or "none"] += 1
    return {
        "total": total,
        "online": by_level["3"] + by_level["4"],
        "by_level": dict(by_level),
        "by_online_mode": dict(by_mode),
    }
