"""Recomputing the statistics reports drift: only what differs, within the range asked (and the
running totals), never the feedback counters that only events feed."""

from collections import Counter
from datetime import date
from types import SimpleNamespace

import pytest

from chalicelib.domain import stats
from chalicelib.services.stats import recompute

START, END = date(2026, 3, 1), date(2026, 3, 31)


@pytest.mark.parametrize(
    ("key", "compared"),
    [
        (("AGENCY#a", "2026-03-02", "received"), True),
        (("AGENCY#a", stats.TOTAL, "in_progress"), True),
        (("AGENCY#a", "2026-02-28", "received"), False),  # before the range
        (("AGENCY#a", "2026-03-02", "fb_received"), False),  # feedback: events only
    ],
)
def test_what_is_compared(key, compared):
    assert recompute._compared(key, START, END) is compared


def test_drift_lists_only_the_counters_that_differ(monkeypatch):
    expected = Counter({("AGENCY#a", "2026-03-02", "received"): 3,
                        ("AGENCY#a", stats.TOTAL, "in_progress"): 2})  # fmt: skip
    stored = {"AGENCY#a": [("2026-03-02", {"received": 2, "note": "x"}),
                           (stats.TOTAL, {"in_progress": 2})]}  # fmt: skip
    monkeypatch.setattr(recompute, "expected_counts", lambda progress: expected)
    monkeypatch.setattr(recompute.stats_store, "read", lambda scope, s: stored.get(scope, []))
    catalog = SimpleNamespace(agencies={"a": None}, procedures={})
    monkeypatch.setattr(recompute.catalog_service, "get_catalog", lambda: catalog)

    (found,) = recompute.drift(START, END)

    assert (found.scope, found.bucket, found.name) == ("AGENCY#a", "2026-03-02", "received")
    assert str(found) == "AGENCY#a 2026-03-02 received: stored 2, expected 3 (+1)"
