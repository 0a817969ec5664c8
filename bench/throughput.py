"""Lookup throughput through the local stack (the whole portal: middleware, validation,
throttling check, GetItem, history Query) against a bare Chalice route doing one GetItem,
both served the same way against the same emulated AWS, by one sequential client that sends
to each in turn.

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


def timed(urls: dict[str, str], n: int) -> dict[str, tuple[float, float, int]]:
    """(requests per second, p50 ms, errors) of `n` sequential GETs of each URL. The URLs take
    turns in rounds, so a change in a shared machine's load falls on all of them alike."""
    latencies = {name: [] for name in urls}
    errors = dict.fromkeys(urls, 0)
    for round_ in range(ROUNDS):
        for name, url in urls.items():
            for _ in range(n // ROUNDS + (round_ < n % ROUNDS)):
                t = time.perf_counter()
                status, _ = request("GET", url)
                latencies[name].append((time.perf_counter() - t) * 1000)
                errors[name] += status != 200
    return {
        name: (len(times) / (sum(times) / 1000), percentile(times, 50), errors[name])
        for name, times in latencies.items()
    }


def measure(n: int = 500) -> dict[str, tuple[float, float, int]]:
    from bench.load import Phase, submit_one
    from infra.local.stack import stage_environment

    aws_port = free_port()
    with local_stack(aws_port=aws_port) as base:
        _, procedure = request("GET", f"{base}/v1/procedures/{PROCEDURE}")
        _, form = request("GET", f"{base}/v1/procedures/{PROCEDURE}/form")
        code, phone = submit_one(base, procedure, form, Phase("seed"))
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
            portal = f"{base}/v1/dossiers/{code}?phone={phone}"
            urls = {"portal lookup": portal, "bare GetItem route": bare_url}
            timed(urls, 20)  # warm both
            return timed(urls, n)
        finally:
            bare.terminate()
            bare.wait(timeout=10)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500)
    args = parser.parse_args(argv)
    for name, (rate, p50, errors) in measure(args.requests).items():
        print(f"{name:<20} {rate:7.1f} req/s  p50 {p50:6.1f} ms  errors {errors}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
