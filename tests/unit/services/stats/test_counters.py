"""The statistics projection: counters are a function of the set of a subject's events, so any
delivery order, with any redeliveries, gives the same counters, equal to what the dossiers say.

The consumer (services/stats/counters.py `count`) runs here against an in-memory stand-in for the
statistics table that behaves like its conditional transaction."""

import copy
import json
import random
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.domain import stats, stats_projection
from chalicelib.domain.calendar import VN_TZ
from chalicelib.domain.catalog import Agency, Catalog, Procedure
from chalicelib.persistence import stats_store
from chalicelib.services.catalog.calendar_source import load_calendar
from chalicelib.services.stats import counters as stats_service
from tests.stats_workload import START, Workload, days_between, flag_deadlines, observed, truth

ROOT = Path(__file__).resolve().parents[4]
CATALOG = json.loads((ROOT / "chalicelib/data/catalog/bac-ninh.json").read_text("utf-8"))
CALENDAR = load_calendar()
AT = datetime(2025, 3, 3, 9, 0, tzinfo=VN_TZ)


def snapshots() -> list[dict]:
    from chalicelib.services.dossiers.submission import snapshot

    agencies = [Agency.from_dict(a) for a in CATALOG["agencies"]]
    procedures = [Procedure.from_dict(p) for p in CATALOG["procedures"] if p["level"] >= 3]
    catalog = Catalog(agencies, procedures)
    return [snapshot(catalog.offerings(p.code)[0]) for p in procedures]


PROCEDURES = snapshots()
AGENCIES = [a["id"] for a in CATALOG["agencies"]]


def nonzero(counts: Counter) -> Counter:
    return Counter({k: v for k, v in counts.items() if v})


class MemoryStore:
    """The statistics table's two operations, with its version condition."""

    def __init__(self):
        self.projections: dict[str, stats_store.Projection] = {}
        self.items: dict[tuple[str, str, int], Counter] = {}
        self.sets: dict[tuple[str, str, int], dict[str, set]] = {}
        self.conflicts = 0

    def load(self, subject):
        return copy.deepcopy(self.projections.get(subject, stats_store.Projection()))

    def commit(self, subject, new, expected_version, increments, additions, at):
        if self.projections.get(subject, stats_store.Projection()).version != expected_version:
            self.conflicts += 1
            return False
        shard = stats_store.shard_of(subject)
        for (scope, bucket), numbers in increments.items():
            self.items.setdefault((scope, bucket, shard), Counter()).update(numbers)
        for (scope, bucket), sets in additions.items():
            for name, members in sets.items():
                self.sets.setdefault((scope, bucket, shard), {}).setdefault(name, set()).update(
                    members
                )
        new.version = expected_version + 1
        self.projections[subject] = copy.deepcopy(new)
        return True

    def rows(self) -> dict[str, list]:
        out: dict[str, list] = {}
        for (scope, bucket, _), numbers in self.items.items():
            out.setdefault(scope, []).append((bucket, dict(numbers)))
        return out

    def counts(self) -> Counter:
        total = Counter()
        for (scope, bucket, _), numbers in self.items.items():
            total.update({(scope, bucket, k): v for k, v in numbers.items()})
        return nonzero(total)


@pytest.fixture
def store(monkeypatch):
    memory = MemoryStore()
    monkeypatch.setattr(stats_store, "load", memory.load)
    monkeypatch.setattr(stats_store, "commit", memory.commit)
    return memory


def run_workload(seed: int, ticks: int = 60) -> Workload:
    workload = Workload(seed, PROCEDURES, AGENCIES, CALENDAR)
    workload.run(ticks, on_tick=lambda now: flag_deadlines(workload, now))
    return workload


def deliver(events: list[dict], rng: random.Random, store: MemoryStore) -> None:
    """Out of order, a fifth of them twice."""
    batch = events + rng.sample(events, len(events) // 5)
    rng.shuffle(batch)
    for event in batch:
        stats_service.count(event, AT)


def batch_counts(events: list[dict]) -> Counter:
    facts: dict[str, list[dict]] = {}
    for e in events:
        if stats.fact(e) is not None:  # e.g. dossier.assigned counts for nothing
            facts.setdefault(stats.subject_of(e), []).append(stats.fact(e))
    total = Counter()
    for subject, found in facts.items():
        total.update(stats_projection.contributions(subject, found)[0])
    return nonzero(total)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(0, 2**32), order=st.randoms(use_true_random=False))
def test_any_delivery_order_with_redeliveries_gives_the_counters_of_all_events_at_once(
    store, seed, order
):
    store.__init__()
    workload = run_workload(seed, ticks=40)

    deliver(workload.events, order, store)

    assert store.counts() == batch_counts(workload.events)


@pytest.mark.parametrize("seed", [1, 7, 42, 2025])
def test_counters_equal_what_the_dossiers_themselves_say(store, seed):
    workload = run_workload(seed, ticks=120)
    deliver(workload.events, random.Random(seed), store)
    days = days_between(START, workload.now)
    items = [
        (d, workload.history[code], workload.ratings.get(code))
        for code, d in workload.dossiers.items()
    ]

    expected = truth(items, days)
    found = observed(store.rows(), days)

    assert found[0] == +expected[0]
    assert found[1] == +expected[1]
    assert found[2] == +expected[2]
    assert sum(expected[0].values()) > 100  # the workload is not trivial


def event(kind, at, **data):
    data.setdefault("agency_id", "so-tu-phap")
    data.setdefault("procedure_code", "1.000001")
    return {
        "id": f"{kind}-{at.isoformat()}",
        "type": f"dossier.{kind}",
        "dossier_code": "X-250303-0001",
        "at": at.isoformat(),
        "data": data,
    }


def test_a_withdrawal_seen_before_the_acceptance_it_followed_nets_out(store):
    accepted = event("accepted", AT, due_at=(AT + timedelta(days=5)).isoformat())
    withdrawn = event("withdrawn", AT + timedelta(days=1))

    stats_service.count(withdrawn, AT)
    assert store.counts()[("AGENCY#so-tu-phap", stats.TOTAL, "in_progress")] == 0
    stats_service.count(accepted, AT)

    counts = store.counts()
    assert counts[("AGENCY#so-tu-phap", stats.TOTAL, "in_progress")] == 0
    assert counts[("AGENCY#so-tu-phap", "2025-03-03", "d_in_progress")] == 1
    assert counts[("AGENCY#so-tu-phap", "2025-03-04", "d_in_progress")] == -1


def test_a_late_submission_event_moves_the_dossier_to_the_agency_that_received_it(store):
    transferred_away = event("approved", AT + timedelta(days=3), timeliness="early")
    transferred_away["data"]["agency_id"] = "ubnd-xa-hop-thinh"

    stats_service.count(transferred_away, AT)
    assert store.counts()[("AGENCY#ubnd-xa-hop-thinh", "2025-03-06", "resolved_early")] == 1
    stats_service.count(event("submitted", AT, channel="online"), AT)

    counts = store.counts()
    assert ("AGENCY#ubnd-xa-hop-thinh", "2025-03-06", "resolved_early") not in counts
    assert counts[("AGENCY#so-tu-phap", "2025-03-06", "resolved_early")] == 1
    assert counts[("AGENCY#so-tu-phap", "2025-03-03", "received_online")] == 1


def test_a_consumer_that_loses_a_race_on_a_subject_reads_again_and_counts_once(store, monkeypatch):
    submitted, accepted = event("submitted", AT, channel="online"), event("accepted", AT)
    real_load, raced = store.load, []

    def load_while_another_consumer_commits(subject):
        found = real_load(subject)
        if not raced:
            raced.append(subject)
            stats_service.count(submitted, AT)
        return found

    monkeypatch.setattr(stats_store, "load", load_while_another_consumer_commits)

    assert stats_service.count(accepted, AT) is True
    assert store.conflicts == 1
    counts = store.counts()
    assert counts[("AGENCY#so-tu-phap", "2025-03-03", "received_online")] == 1
    assert counts[("AGENCY#so-tu-phap", "2025-03-03", "accepted")] == 1
    assert store.projections["DOSSIER#X-250303-0001"].version == 2


def test_a_redelivered_event_changes_nothing(store):
    submitted = event("submitted", AT, channel="post")

    assert stats_service.count(submitted, AT) is True
    assert stats_service.count(submitted, AT) is False

    assert store.counts()[("PROC#1.000001", "2025-03-03", "received_post")] == 1


def test_past_deadline_ends_when_a_resubmission_gives_a_new_due_date(store):
    due = AT + timedelta(days=2)
    for e in (
        event("accepted", AT, due_at=due.isoformat()),
        event("overdue", due + timedelta(minutes=10), due_at=due.isoformat(), status="in_progress"),
        event("resubmitted", due + timedelta(days=1), phase="appraisal"),
    ):
        stats_service.count(e, AT)

    counts = store.counts()
    assert counts[("AGENCY#so-tu-phap", stats.TOTAL, "past_deadline")] == 0
    assert counts[("AGENCY#so-tu-phap", "2025-03-05", "d_past_deadline")] == 1
    assert counts[("AGENCY#so-tu-phap", "2025-03-06", "d_past_deadline")] == -1
    assert counts[("AGENCY#so-tu-phap", stats.TOTAL, "in_progress")] == 1


def test_an_overdue_acknowledgement_is_not_a_dossier_in_progress_past_its_deadline(store):
    stats_service.count(event("overdue", AT, due_at=AT.isoformat(), status="submitted"), AT)

    assert store.counts() == Counter()


def test_a_result_downloaded_or_returned_online_is_one_e_result_however_often(store):
    for e in (
        event("returned", AT, via="counter", fee_collected=0),
        event("result_downloaded", AT + timedelta(hours=1), via="online"),
        event("result_downloaded", AT + timedelta(days=2), via="online"),
    ):
        stats_service.count(e, AT)

    counts = store.counts()
    assert counts[("AGENCY#so-tu-phap", "2025-03-03", "e_results")] == 1
    assert sum(n for k, n in counts.items() if k[2] == "e_results") == 3  # agency, procedure, both


def test_facts_keep_no_notes_or_reasons():
    found = stats.fact(event("stopped", AT, reason="Nguyễn Văn An, 0912345678"))

    assert "reason" not in found and "0912345678" not in json.dumps(found, ensure_ascii=False)


def feedback(kind, at, **data):
    data = {"feedback_id": "fb-1", "agency_id": "so-tu-phap", **data}
    return {"id": f"{kind}-{at}", "type": f"feedback.{kind}", "dossier_code": "fb-1",
            "at": at.isoformat(), "data": data}  # fmt: skip


def test_feedback_answered_late_or_rated_not_satisfied_is_unsatisfactory_once(store):
    for e in (
        feedback("received", AT),
        feedback("answered", AT + timedelta(days=20), timeliness="late"),
        feedback("rated", AT + timedelta(days=21), satisfied=False),
    ):
        stats_service.count(e, AT)

    counts = store.counts()
    day = "2025-03-23"
    assert counts[("AGENCY#so-tu-phap", "2025-03-03", "fb_received")] == 1
    assert counts[("AGENCY#so-tu-phap", day, "fb_answered")] == 1
    assert counts[("AGENCY#so-tu-phap", day, "fb_answered_late")] == 1
    assert counts[("AGENCY#so-tu-phap", day, "fb_unsatisfactory")] == 1
    assert counts[("AGENCY#so-tu-phap", "2025-03-24", "fb_dissatisfied")] == 1


def test_a_result_signed_at_the_decision_is_an_e_result_and_a_reuse_is_counted(store):
    for e in (
        event("submitted", AT, channel="online", reused=1),
        event("accepted", AT + timedelta(hours=1), due_at=(AT + timedelta(days=5)).isoformat()),
        event("approved", AT + timedelta(days=1), timeliness="early", e_result=True),
    ):
        stats_service.count(e, AT)

    counts = store.counts()
    assert counts[("AGENCY#so-tu-phap", "2025-03-04", "e_results")] == 1
    assert counts[("AGENCY#so-tu-phap", "2025-03-03", "reused")] == 1


def test_a_decision_without_a_signed_result_is_not_an_e_result(store):
    stats_service.count(event("submitted", AT, channel="online", reused=0), AT)
    stats_service.count(event("approved", AT + timedelta(days=1), timeliness="early"), AT)

    counts = store.counts()
    assert not [k for k in counts if k[2] in ("e_results", "reused")]


def test_a_hand_over_recorded_as_online_without_a_signed_result_is_not_an_e_result(store):
    """Decision 766's e-results come from the signed documents' records, not from a label."""
    for e in (
        event("approved", AT, timeliness="early"),
        event("returned", AT + timedelta(hours=1), via="online", fee_collected=0),
    ):
        stats_service.count(e, AT)

    assert not [k for k in store.counts() if k[2] == "e_results"]
