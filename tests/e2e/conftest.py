"""Fixtures of the browser tests: the local stack (`make run`'s, on free ports) and Debian's
Chromium, each started once per test process."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.e2e.browser import ARTIFACTS, AXE, CHROMIUM, CHROMIUM_ARGS, ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthy(base: str) -> bool:
    with urllib.request.urlopen(f"{base}/health", timeout=5) as answer:  # noqa: S310 - loopback
        return answer.status == 200


@contextmanager
def running_stack(log_name: str, *options: str):
    """`make run`'s stack on free ports with `options` (infra/local/stack.py), answering at the
    base address it yields. Its output goes to a file (kept as an artifact): a pipe nobody
    reads fills up after a few hundred log lines and then blocks the server."""
    port, aws_port, idp_port = free_port(), free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    # Every end-to-end test (the fuzzer included) calls from 127.0.0.1: one address, many users,
    # a few phones and one email reused.
    for limit in (
        "LOOKUP_FAILURES_PER_IP",
        "SUBMISSIONS_PER_IP",
        "SUBMISSIONS_PER_PHONE",
        "SUBMISSIONS_PER_CITIZEN",
        "UPLOADS_PER_IP",
        "MESSAGES_PER_RECIPIENT",
    ):
        env[limit] = "100000"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log = (ARTIFACTS / log_name).open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "infra.local.stack", "--port", str(port)]
        + ["--aws-port", str(aws_port), "--idp-port", str(idp_port), *options],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 300  # seconds: on 2 busy cores, next to the other worker's tests
    while time.time() < deadline and process.poll() is None:
        try:
            if healthy(base):
                break
        except OSError:
            time.sleep(0.3)
    else:
        process.kill()
        log.close()
        pytest.fail("the local stack did not start:\n" + Path(log.name).read_text())
    try:
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(scope="session")
def portal():
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    with running_stack(f"stack-{worker}.log", "--schedule-speedup", "30") as base:
        yield base


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed and could not be (run `make browsers`)")
    if not AXE.exists():
        pytest.skip("axe-core is not installed (run `make browsers`: npm ci in tests/e2e)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()
