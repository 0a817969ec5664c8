"""Key-distribution simulation: the write rate of the hottest partition key of every sharded (or
naturally hot) key family at a national peak, with the portal's own key functions.

Model (assumptions, change them here): 30 M dossiers a year over 10,000 agencies and 2,000
procedures, Zipf-distributed (agencies s = 0.8: the busiest takes ~3.7 % of all dossiers, about
3,000 a day; procedures s = 1: the busiest takes ~12 %). At the peak 1,000 submissions/s arrive
together with 1,000 officer actions/s on open dossiers and 300 payments/s; each writes what the
portal writes (see `one_second`); index entries count against their index's partition key like
items against the table's. A second of peak is drawn SECONDS times; the figure is the hottest
key's mean WCU/s over them.

    python -m bench.keys [--seconds 20]
"""

from __future__ import annotations

import argparse
import random
import uuid
from collections import Counter
from datetime import datetime, timedelta

from chalicelib.domain.calendar import VN_TZ

LIMIT = 300  # WCU/s per partition key we allow ourselves (DynamoDB's partition limit: 1,000)
AGENCIES, PROCEDURES = 10_000, 2_000
SUBMISSIONS, ACTIONS, PAYMENTS = 1_000, 1_000, 300  # per second at the peak
DOSSIERS_PER_YEAR = 30_000_000


def zipf_weights(n: int, s: float) -> list[float]:
    return [1 / (rank**s) for rank in range(1, n + 1)]


class Simulation:
    def __init__(self, seed: int = 18):
        self.random = random.Random(seed)
        self.agencies = [f"000.00.{i // 100:02d}.H{i % 100:02d}" for i in range(AGENCIES)]
        self.procedures = [f"1.{i:06d}" for i in range(PROCEDURES)]
        self.agency_weights = zipf_weights(AGENCIES, 0.8)
        self.procedure_weights = zipf_weights(PROCEDURES, 1.0)
        self.numbers: Counter = Counter()
        self.writes: dict[str, Counter] = {}

    def add(self, family: str, key: str, units: int) -> None:
        self.writes.setdefault(family, Counter())[key] += units

    def one_second(self, day: datetime) -> None:
        from chalicelib.domain.stats import dossier_scopes
        from chalicelib.persistence import dossier_store, payment_store, stats_store, store

        agencies = self.random.choices(self.agencies, self.agency_weights, k=SUBMISSIONS + ACTIONS)
        procedures = self.random.choices(
            self.procedures, self.procedure_weights, k=SUBMISSIONS + ACTIONS
        )
        for n, (agency, procedure) in enumerate(zip(agencies, procedures, strict=True)):
            submitting = n < SUBMISSIONS
            self.numbers[agency] += submitting
            code = f"{agency}-{day:%y%m%d}-{self.random.randrange(1, 10_000):04d}"
            # open_due entry: put on submission, key change (delete + put) on an action
            self.add("open_due OPEN#<shard>", f"OPEN#{store.shard(code, dossier_store.DUE_SHARDS)}",
                     1 if submitting else 2)  # fmt: skip
            self.add("inbox INBOX#<agency>", f"INBOX#{agency}", 1 if submitting else 2)
            if submitting:
                self.add("dossier numbers SEQ#<agency>#<day>", f"SEQ#{agency}", 2)
            # the event's statistics: a day and a total item per scope, in a transaction
            subject_shard = stats_store.shard_of(f"DOSSIER#{code}")
            for scope in dossier_scopes(agency, procedure):
                family = f"stats {scope.split('#')[0]}#<id>"
                self.add(family, stats_store.partition(scope, subject_shard), 2 * 2)
        for _ in range(PAYMENTS):
            ref = uuid.UUID(int=self.random.getrandbits(128)).hex
            shard = store.shard(ref, payment_store.PENDING_SHARDS)
            self.add("pending_payments PENDING#<shard>", f"PENDING#{shard}", 2)

    def run(self, seconds: int) -> list[tuple[str, int, float]]:
        day = datetime(2026, 12, 2, tzinfo=VN_TZ)
        for n in range(seconds):
            self.one_second(day + timedelta(seconds=n))
        rows = []
        for family, per_key in sorted(self.writes.items()):
            key, units = per_key.most_common(1)[0]
            rows.append((family, len(per_key), units / seconds))
        return rows

    def busiest_agency_per_day(self) -> float:
        """The busiest agency's share of a day's dossiers at 30 M a year (its numbering need)."""
        share = max(self.agency_weights) / sum(self.agency_weights)
        return share * DOSSIERS_PER_YEAR / 365


def measure(seconds: int = 20) -> dict:
    simulation = Simulation()
    rows = simulation.run(seconds)
    return {"rows": rows, "busiest_agency_per_day": simulation.busiest_agency_per_day()}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=20)
    args = parser.parse_args(argv)
    result = measure(args.seconds)
    for family, keys, rate in result["rows"]:
        verdict = "ok" if rate <= LIMIT else "OVER"
        print(f"{family:<40} {keys:6d} keys  hottest {rate:7.1f} WCU/s  (≤ {LIMIT}) {verdict}")
    print(f"busiest agency: {result['busiest_agency_per_day']:.0f} dossiers a day (≤ 9,999)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
