"""`make bench`: every benchmark, as markdown on stdout (progress on stderr): first each target
next to its measured figure, then the detailed table.

    python -m bench.run [--runs 7] [--scale 1000,100000] [--seed-seconds 240] [--requests 500]

Figures come from this machine and the emulated AWS (moto): compare ratios and counts, not
absolute times, with Lambda. Nothing here is asserted; the tests never read these figures."""

from __future__ import annotations

import argparse
import sys
import time

SCALE_STEPS = ("lookup", "inbox page", "officer view", "stats")


def progress(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


class Targets:
    """(target, measured, met) rows, in the order of the issue that set them."""

    def __init__(self):
        self.rows: list[tuple[str, str, str]] = []

    def add(self, target: str, measured: str, met: bool | None) -> None:
        self.rows.append((target, measured, "—" if met is None else ("yes" if met else "**no**")))


TARGETS = Targets()


def calls_of(usage, per: int = 1) -> dict[str, float]:
    found: dict[str, float] = {}
    for (service, operation), n in usage.calls.items():
        if service == "dynamodb":
            found[operation] = found.get(operation, 0) + n / per
    return found


def aws_targets(result: dict, totals: dict, money: dict) -> None:
    from bench import cost

    steps, counts = result["steps"], result["counts"]
    submit = steps["submit"]
    calls = calls_of(submit, counts["submit"])
    reads = sum(n for op, n in calls.items() if op in ("GetItem", "Query", "BatchGetItem"))
    writes = {op: n for op, n in calls.items() if op not in ("GetItem", "Query", "BatchGetItem")}
    first = steps.get("submit (first of its procedure version)")
    also = f" ({first.wru:.0f} for the first of a procedure version)" if first else ""
    TARGETS.add("submit ≤ 12 WRU (no files)", f"{submit.wru / counts['submit']:.0f} WRU{also}",
                submit.wru / counts["submit"] <= 12)  # fmt: skip
    TARGETS.add(
        "submit = 1 TransactWriteItems + ≤ 2 reads",
        ", ".join(f"{op} {n:g}" for op, n in sorted(calls.items())),
        writes == {"TransactWriteItems": 1} and reads <= 2,
    )
    TARGETS.add("a dossier's modelled life ≤ 120 WRU", f"{totals['wru']:.0f} WRU",
                totals["wru"] <= 120)  # fmt: skip
    anonymous = sum(calls_of(steps["lookup"], counts["lookup"]).values())
    signed = sum(calls_of(steps["lookup (signed in)"], counts["lookup (signed in)"]).values())
    TARGETS.add("lookup ≤ 2 DynamoDB calls anonymous (throttle read incl.), 1 signed in",
                f"{anonymous:g} / {signed:g}", anonymous <= 2 and signed <= 1)  # fmt: skip
    total = sum(money.values())
    without = sum(cost.per_thousand(totals, cdn=False).values())
    TARGETS.add(
        f"≤ ${cost.TARGET_PER_THOUSAND} per 1,000 dossiers, request-driven (REST API behind "
        f"CloudFront, ap-southeast-1; {cost.CATALOG_REQUESTS_PER_DOSSIER} catalog and static "
        f"requests a dossier, {cost.CDN_HIT_RATIO:.0%} served from CloudFront's cache)",
        f"${total:.3f} (${without:.3f} if each reached the app)",
        total <= cost.TARGET_PER_THOUSAND,
    )
    bill = cost.storage_per_year(result["stored_kb"])
    TARGETS.add(
        f"storage bill, a year of {cost.DOSSIERS_PER_YEAR / 1e6:.0f} M dossiers",
        f"${sum(bill.values()):,.0f} ({result['stored_kb']:.1f} KB in DynamoDB and "
        f"{cost.FILES_MB_PER_DOSSIER:g} MB of files per dossier)",
        None,
    )


def key_rows() -> list[tuple[str, str, str]]:
    from bench import keys

    found = keys.measure()
    rows = []
    for family, count, rate in found["rows"]:
        rows.append(("Hottest key at 1,000 submissions/s", family, f"{rate:.0f} WCU/s"
                     f" ({count:,} keys)"))  # fmt: skip
    hottest = max(found["rows"], key=lambda row: row[2])
    TARGETS.add(f"≤ {keys.LIMIT} WCU/s per partition key at 1,000 submissions/s (30 M a year)",
                f"{hottest[2]:.0f} WCU/s ({hottest[0]})", hottest[2] <= keys.LIMIT)  # fmt: skip
    return rows


def numbering_rows() -> list[tuple[str, str, str]]:
    from bench import numbering

    found = numbering.measure()
    TARGETS.add(
        "dossier numbers per agency: measured and documented; the day's last number is a "
        "planned answer",
        f"{found['modelled']:.0f}/s modelled on DynamoDB ({found['per_second']:.0f}/s locally, "
        f"{found['workers']} submitters); 503 DAILY_LIMIT_REACHED after 9,999",
        None,
    )
    return [("Dossier numbering, one agency", f"{found['workers']} concurrent submitters",
             f"{found['per_second']:.0f} numbers/s locally, {found['retries_per_number']:.1f} "
             "retries per number")]  # fmt: skip


def cold_rows(runs: int) -> list[tuple[str, str, str]]:
    from bench import cold_start

    rows = []
    for variant, figures in cold_start.measure(runs).items():
        app, bare = figures["app"] * 1000, figures["bare"] * 1000
        rows.append(("Cold import", f"API handler, {variant}", f"{app:.0f} ms"))
        rows.append(("Cold import", f"bare Chalice + boto3, {variant}", f"{bare:.0f} ms"))
        rows.append(("Cold import", f"ratio API / bare, {variant}", f"{app / bare:.2f}×"))
        if variant == "checked-hash .pyc":
            TARGETS.add("API handler cold import ≤ 1.5× the bare app (checked-hash .pyc)",
                        f"{app / bare:.2f}×", app / bare <= 1.5)  # fmt: skip
    return rows


def describe(usage, per: int = 1) -> str:
    by_service: dict[str, int] = {}
    for (service, _), n in usage.calls.items():
        by_service[service] = by_service.get(service, 0) + n
    calls = ", ".join(f"{s} {n / per:.3g}" for s, n in sorted(by_service.items()))
    units = f"RRU {usage.rru / per:.1f}, WRU {usage.wru / per:.1f}"
    return f"{sum(by_service.values()) / per:.3g} ({calls}); {units}"


def aws_rows(scales: list[int], seed_seconds: float) -> list[tuple[str, str, str]]:
    from bench import aws_calls, cost

    result = aws_calls.measure(scales, seed_seconds)
    rows = []
    for step, usage in result["steps"].items():
        if step.startswith("scale "):
            continue
        per = max(1, result["counts"].get(step, 1))
        rows.append(("AWS calls per operation", step, describe(usage, per)))
    for reached, (found, seconds) in result["scale"].items():
        for step in SCALE_STEPS:
            usage = found[step]
            rows.append((
                f"Items examined, {reached:,} dossiers",
                step,
                f"{usage.examined} items, {sum(usage.calls.values())} calls, RRU {usage.rru:.1f}",
            ))  # fmt: skip
        rows.append((f"Items examined, {reached:,} dossiers", "seeding took", f"{seconds:.0f} s"))
    totals = cost.per_dossier(result["steps"], result["counts"], aws_calls.LIFECYCLE)
    money = cost.per_thousand(totals)
    aws_targets(result, totals, money)
    rows.append((
        "Cost per 1,000 dossiers",
        "per dossier (modelled life)",
        f"{totals['api']:g} API calls, {totals['workers']:g} worker runs, "
        f"{totals['wru']:.0f} WRU, {totals['rru']:.0f} RRU, {totals['sqs']:.0f} SQS requests",
    ))  # fmt: skip
    for (table, kind), units in life_writers(result, aws_calls.LIFECYCLE)[:12]:
        rows.append(("WRU of a dossier's life, biggest writers", f"{table} {kind}", f"{units:.0f}"))
    for name, dollars in money.items():
        rows.append(("Cost per 1,000 dossiers", name, f"${dollars:.4f}"))
    rows.append(("Cost per 1,000 dossiers", "total", f"${sum(money.values()):.4f}"))
    for name, dollars in cost.storage_per_year(result["stored_kb"]).items():
        rows.append(("Storage, a year of 30 M dossiers", name, f"${dollars:,.0f}"))
    for failure in result["failures"]:
        rows.append(("AWS calls per operation", "step failed", failure[:120]))
    return rows


def life_writers(result: dict, lifecycle: dict) -> list[tuple[tuple[str, str], float]]:
    """WRU of one dossier's modelled life by (table, item kind), biggest first."""
    found: dict[tuple[str, str], float] = {}
    for step, usage in result["steps"].items():
        measured = result["counts"].get(step, 0)
        if not measured or step not in lifecycle:
            continue
        share = (lifecycle[step] if lifecycle[step] is not None else measured) / measured
        for (table, kind), units in usage.writers.items():
            key = (table.rsplit("-", 1)[-1], kind)
            found[key] = found.get(key, 0.0) + units * share
    return sorted(found.items(), key=lambda item: -item[1])


def throughput_rows(requests: int) -> list[tuple[str, str, str]]:
    from bench import throughput

    found = throughput.measure(requests)
    rows = [
        ("Lookup throughput", name, f"{rate:.0f} req/s, p50 {p50:.1f} ms, {errors} errors")
        for name, (rate, p50, errors) in found.items()
    ]
    bare = found[throughput.BARE][0]
    anonymous = found[throughput.ANONYMOUS][0] / bare
    signed_in = found[throughput.SIGNED_IN][0] / bare
    rows.append(("Lookup throughput", "anonymous / bare", f"{anonymous:.2f}×"))
    rows.append(("Lookup throughput", "signed in / bare", f"{signed_in:.2f}×"))
    TARGETS.add("local lookup throughput ≥ 0.8× the bare GetItem route",
                f"{anonymous:.2f}× anonymous ({signed_in:.2f}× signed in)",
                anonymous >= 0.8)  # fmt: skip
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--scale", default="1000,100000")
    parser.add_argument("--seed-seconds", type=float, default=240)
    parser.add_argument("--requests", type=int, default=500)
    args = parser.parse_args(argv)
    started = time.monotonic()
    progress("cold import (fresh processes)…")
    rows = cold_rows(args.runs)
    progress("AWS calls, capacity and items examined (in-process, moto)…")
    rows += aws_rows([int(n) for n in args.scale.split(",")], args.seed_seconds)
    progress("lookup throughput (local stack vs a bare route)…")
    rows += throughput_rows(args.requests)
    progress("key distribution at a national peak, dossier numbering…")
    rows += key_rows()
    rows += numbering_rows()
    print("| Target | Measured | Met |\n|---|---|---|")
    for target, measured, met in TARGETS.rows:
        print(f"| {target} | {measured} | {met} |")
    print()
    print("| Benchmark | Measure | Figure |\n|---|---|---|")
    for area, measure, figure in rows:
        print(f"| {area} | {measure} | {figure} |")
    progress(f"done in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
