"""`make load`: a bounded load against the local stack (loopback only; standard library only).

By default 1,000 submissions (each with its uploads, posted to the emulated S3 as a browser
does) and then 5,000 status lookups, from 16 concurrent clients; it stops by itself when done or
when the time limit passes. It prints throughput, p50/p95/p99 and errors per phase, then checks
that every dossier exists exactly once with a unique code (each code is looked up again).

    python -m bench.load [--url http://127.0.0.1:8000] [--submissions N] [--lookups N]
                         [--concurrency N] [--max-seconds S]

Without --url it starts `make run`'s stack itself on free ports and stops it afterwards.
Exit status 1 when any request failed or the check did not hold. The local server runs one
request at a time (as one Lambda container does), so the figures measure the code, not AWS.
"""

from __future__ import annotations

import argparse
import random
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from bench.common import (
    AGENCY,
    PROCEDURE,
    UploadRefused,
    local_stack,
    request,
    summary,
    upload_attachments,
)


class Phase:
    """Latencies and errors of one phase, collected from many threads."""

    def __init__(self, name: str):
        self.name, self.latencies, self.errors, self.lock = name, [], [], threading.Lock()
        self.started = self.finished = 0.0

    def record(self, started: float, ok: bool, detail: str = "") -> None:
        elapsed = (time.perf_counter() - started) * 1000
        with self.lock:
            if ok:
                self.latencies.append(elapsed)
            elif len(self.errors) < 1000:
                self.errors.append(detail)

    def line(self) -> str:
        return summary(self.name, self.latencies, len(self.errors), self.finished - self.started)


def run(phase: Phase, jobs, concurrency: int, deadline: float) -> list:
    """Run `jobs` (callables) on `concurrency` threads; jobs not started by `deadline` are
    skipped and counted as errors."""
    results = []

    def guarded(job):
        if time.monotonic() > deadline:
            phase.errors.append("skipped: time limit reached")
            return None
        return job()

    phase.started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        results = list(pool.map(guarded, jobs))
    phase.finished = time.perf_counter()
    return results


def submit_one(base: str, procedure: dict, form: dict, phase: Phase, headers=None):
    """(code, phone) of one new dossier with its files, anonymous or as `headers` sign in."""
    phone = "09" + "".join(random.choices("0123456789", k=8))  # noqa: S311 - test data
    try:
        attachments = upload_attachments(base, procedure, b"%PDF-1.4 load", headers)
    except UploadRefused as refused:
        phase.errors.append(f"upload {refused.args[0]}")
        return None
    body = {
        "procedure_code": PROCEDURE,
        "agency": AGENCY,
        "applicant": {"full_name": "Nguyễn Văn Tải", "id_number": "001099012345", "phone": phone},
        "form": form["examples"][0],
        "attachments": attachments,
        "result_delivery": procedure["delivery_options"][0],
        "notify": ["sms"],
    }
    started = time.perf_counter()
    status, created = request("POST", f"{base}/v1/dossiers", body, headers)
    phase.record(started, status == 201, f"submit {status}")
    return (created["code"], phone) if status == 201 else None


def look_up(base: str, code: str, phone: str, phase: Phase):
    started = time.perf_counter()
    status, found = request("GET", f"{base}/v1/dossiers/{code}?phone={phone}")
    ok = status == 200 and found.get("code") == code
    phase.record(started, ok, f"lookup {status}")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running stack (loopback only); default: start one")
    parser.add_argument("--submissions", type=int, default=1000)
    parser.add_argument("--lookups", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--max-seconds", type=float, default=900, help="stop starting new work")
    args = parser.parse_args(argv)

    with local_stack(args.url) as base:
        deadline = time.monotonic() + args.max_seconds
        _, procedure = request("GET", f"{base}/v1/procedures/{PROCEDURE}")
        _, form = request("GET", f"{base}/v1/procedures/{PROCEDURE}/form")
        print(f"load: {base}, {args.concurrency} clients", flush=True)

        submitting = Phase("submit")
        jobs = [lambda: submit_one(base, procedure, form, submitting)] * args.submissions
        created = [c for c in run(submitting, jobs, args.concurrency, deadline) if c]
        print(submitting.line(), flush=True)

        looking = Phase("lookup")
        picks = [created[i % len(created)] for i in range(args.lookups)] if created else []
        jobs = [lambda c=c: look_up(base, c[0], c[1], looking) for c in picks]
        run(looking, jobs, args.concurrency, deadline)
        print(looking.line(), flush=True)

        checking = Phase("check")
        jobs = [lambda c=c: look_up(base, c[0], c[1], checking) for c in created]
        found = run(checking, jobs, args.concurrency, deadline + 300)
        codes = [c[0] for c in created]
        unique = len(set(codes)) == len(codes)
        print(
            f"check: {len(created)} dossiers created of {args.submissions}, codes unique: "
            f"{unique}, each found once by its code: {all(found) and len(found) == len(created)}"
        )
    errors = submitting.errors + looking.errors + checking.errors
    for detail in sorted(set(errors))[:10]:
        print(f"  error: {detail} ×{errors.count(detail)}")
    healthy = not errors and unique and len(created) == args.submissions and all(found)
    print("load: OK" if healthy else "load: FAILED")
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main())
