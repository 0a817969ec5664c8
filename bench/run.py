"""`make bench`: every benchmark, one markdown table on stdout (progress on stderr).

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


def cold_rows(runs: int) -> list[tuple[str, str, str]]:
    from bench import cold_start

    rows = []
    for variant, figures in cold_start.measure(runs).items():
        app, bare = figures["app"] * 1000, figures["bare"] * 1000
        rows.append(("Cold import", f"API handler, {variant}", f"{app:.0f} ms"))
        rows.append(("Cold import", f"bare Chalice + boto3, {variant}", f"{bare:.0f} ms"))
        rows.append(("Cold import", f"ratio API / bare, {variant}", f"{app / bare:.2f}×"))
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
    rows.append((
        "Cost per 1,000 dossiers",
        "per dossier (modelled life)",
        f"{totals['api']:g} API calls, {totals['workers']:g} worker runs, "
        f"{totals['wru']:.0f} WRU, {totals['rru']:.0f} RRU, {totals['sqs']:.0f} SQS requests",
    ))  # fmt: skip
    for name, dollars in money.items():
        rows.append(("Cost per 1,000 dossiers", name, f"${dollars:.4f}"))
    rows.append(("Cost per 1,000 dossiers", "total", f"${sum(money.values()):.4f}"))
    for failure in result["failures"]:
        rows.append(("AWS calls per operation", "step failed", failure[:120]))
    return rows


def throughput_rows(requests: int) -> list[tuple[str, str, str]]:
    from bench import throughput

    found = throughput.measure(requests)
    rows = [
        ("Lookup throughput", name, f"{rate:.0f} req/s, p50 {p50:.1f} ms, {errors} errors")
        for name, (rate, p50, errors) in found.items()
    ]
    ratio = found["bare GetItem route"][0] / found["portal lookup"][0]
    rows.append(("Lookup throughput", "bare / portal", f"{ratio:.1f}×"))
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
    print("| Benchmark | Measure | Figure |\n|---|---|---|")
    for area, measure, figure in rows:
        print(f"| {area} | {measure} | {figure} |")
    progress(f"done in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
