"""Lookup throughput through the local stack against a bare Chalice route doing one GetItem,
all served the same way against the same emulated AWS, by one sequential client that sends to
each in turn. Two lookups of the same dossier are measured: the anonymous one (code and phone:
the guess transaction of docs/security.md, then one Query) and its signed-in owner's (the Query
alone), each with the whole portal around it (middleware, validation, the status view).

    python -m bench.throughput [--requests 500]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

from bench.common import (
    PROCEDURE,
    ROOT,
    free_port,
    local_stack,
    percentile,
    request,
)

ROUNDS = 10
BARE = "bare GetItem route"
ANONYMOUS = "anonymous lookup"
SIGNED_IN = "signed-in lookup"
CITIZEN = "bench-citizen"  # the subject of the local token the signed-in lookups carry


def timed(targets: dict[str, tuple[str, dict]], n: int) -> dict[str, tuple[float, float, int]]:
    """(requests per second, p50 ms, errors) of `n` sequential GETs of each (URL, headers).
    The targets take turns in rounds, so a change in a shared machine's load falls on all of
    them alike."""
    latencies = {name: [] for name in targets}
    errors = dict.fromkeys(targets, 0)
    for round_ in range(ROUNDS):
        for name, (url, headers) in targets.items():
            for _ in range(n // ROUNDS + (round_ < n % ROUNDS)):
                t = time.perf_counter()
                status, _ = request("GET", url, headers=headers)
                latencies[name].append((time.perf_counter() - t) * 1000)
                errors[name] += status != 200
    return {
        name: (len(times) / (sum(times) / 1000), percentile(times, 50), errors[name])
        for name, times in latencies.items()
    }


def seed(base: str) -> tuple[str, str, dict]:
    """A dossier submitted by a signed-in citizen: (its code, its phone, the citizen's
    Authorization header)."""
    from bench.load import Phase, submit_one

    status, issued = request("POST", f"{base}/dev/token", {"role": "citizen", "subject": CITIZEN})
    if status != 201:
        raise SystemExit(f"no local token: {status} {issued}")
    auth = {"Authorization": f"Bearer {issued['access_token']}"}
    _, procedure = request("GET", f"{base}/v1/procedures/{PROCEDURE}")
    _, form = request("GET", f"{base}/v1/procedures/{PROCEDURE}/form")
    submitted = submit_one(base, procedure, form, Phase("seed"), headers=auth)
    if submitted is None:
        raise SystemExit("the bench's dossier was not submitted")
    code, phone = submitted
    return code, phone, auth


def measure(n: int = 500) -> dict[str, tuple[float, float, int]]:
    from infra.local.stack import stage_environment

    aws_port = free_port()
    with local_stack(aws_port=aws_port) as base:
        code, phone, auth = seed(base)
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(
            AWS_ENDPOINT_URL=f"http://127.0.0.1:{aws_port}",
            AWS_ACCESS_KEY_ID="local",
            AWS_SECRET_ACCESS_KEY="local",  # noqa: S105 - the emulator's dummy key
            AWS_DEFAULT_REGION="ap-southeast-1",
        )
        table = stage_environment("local")["TABLE_DOSSIERS"]
        bare = subprocess.Popen(
            [sys.executable, "-m", "bench.bare_app", "--port", str(port), "--table", table],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            bare_url = f"http://127.0.0.1:{port}/d/{code}"
            for _ in range(100):
                try:
                    if request("GET", bare_url, timeout=2)[0] == 200:
                        break
                except OSError:
                    time.sleep(0.2)
            targets = {
                BARE: (bare_url, {}),
                ANONYMOUS: (f"{base}/v1/dossiers/{code}?phone={phone}", {}),
                SIGNED_IN: (f"{base}/v1/dossiers/{code}", auth),
            }
            timed(targets, 30)  # warm all
            return timed(targets, n)
        finally:
            bare.terminate()
            bare.wait(timeout=10)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500)
    args = parser.parse_args(argv)
    found = measure(args.requests)
    for name, (rate, p50, errors) in found.items():
        ratio = rate / found[BARE][0]
        print(f"{name:<20} {rate:7.1f} req/s  p50 {p50:6.1f} ms  {ratio:4.2f}× bare  "
              f"errors {errors}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
