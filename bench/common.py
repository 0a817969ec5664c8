"""Shared by the load and benchmark scripts: start `make run`'s stack on free loopback ports,
speak JSON over HTTP with the standard library, and summarise latencies."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
PROCEDURE = "1.001193"
AGENCY = "ubnd-phuong-kinh-bac"  # birth registration is performed by every commune: name one


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def require_loopback(url: str) -> str:
    host = urlparse(url).hostname
    if host not in LOOPBACK:
        raise SystemExit(f"refusing to load {host}: these scripts only target loopback")
    return url.rstrip("/")


def request(method: str, url: str, body=None, headers=None, timeout: float = 30):
    """(status, parsed JSON or None); never raises for an HTTP error status."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(
        url,
        data=data,
        method=method,
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(req, timeout=timeout) as answer:  # noqa: S310 - loopback only
            raw = answer.read()
            return answer.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as error:
        raw = error.read()
        try:
            return error.code, json.loads(raw) if raw else None
        except ValueError:
            return error.code, None


def multipart(fields: dict, filename: str, content: bytes, content_type: str):
    """A presigned S3 POST's form (its `fields`, then the file) and the Content-Type to send."""
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def post_file(
    fields: dict, url: str, content: bytes, content_type: str, filename: str = "f.pdf"
) -> int:
    """What a browser does with a presigned S3 POST."""
    body, form_type = multipart(fields, filename, content, content_type)
    req = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": form_type})
    with urllib.request.urlopen(req, timeout=30) as answer:  # noqa: S310 - loopback only
        return answer.status


class UploadRefused(Exception):
    """The API did not hand out an upload: (status, body)."""


def upload_attachments(base: str, procedure: dict, content: bytes, headers=None) -> list[dict]:
    """A dossier's `attachments`: a small PDF uploaded, as a browser would, for each required
    component of `procedure` not filled in online."""
    attachments = []
    for component in procedure["components"]:
        if not component["required"] or component.get("filled_online"):
            continue
        spec = {
            "procedure_code": procedure["code"],
            "component_code": component["code"],
            "filename": "tep.pdf",
            "content_type": "application/pdf",
            "size_bytes": len(content),
        }
        status, upload = request("POST", f"{base}/v1/uploads", spec, headers)
        if status != 201:
            raise UploadRefused(status, upload)
        post_file(upload["fields"], upload["url"], content, "application/pdf", "tep.pdf")
        attachments.append({"component_code": component["code"], "upload_id": upload["upload_id"]})
    return attachments


@contextmanager
def local_stack(url: str | None = None, quiet: bool = True, aws_port: int | None = None):
    """Yield the base URL of a running stack: `url` if given, else a new one on free ports
    (the emulated AWS on `aws_port` when given)."""
    if url:
        yield require_loopback(url)
        return
    port, aws_port = free_port(), aws_port or free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    # A load test submits everything from 127.0.0.1: one address, many applicants.
    env.setdefault("SUBMISSIONS_PER_IP", "1000000")
    env.setdefault("UPLOADS_PER_IP", "1000000")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "infra.local.stack",
            "--port",
            str(port),
            "--aws-port",
            str(aws_port),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL if quiet else None,
        stderr=subprocess.DEVNULL if quiet else None,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if request("GET", f"{base}/health", timeout=2)[0] == 200:
                    break
            except OSError:
                time.sleep(0.3)
        else:
            raise SystemExit("the local stack did not start within 120 s")
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def summary(name: str, latencies_ms: list[float], errors: int, seconds: float) -> str:
    done = len(latencies_ms)
    rate = done / seconds if seconds else float("nan")
    return (
        f"{name:<12} {done:>6} ok {errors:>5} errors  {rate:8.1f}/s  "
        f"p50 {percentile(latencies_ms, 50):7.1f} ms  p95 {percentile(latencies_ms, 95):7.1f} ms  "
        f"p99 {percentile(latencies_ms, 99):7.1f} ms"
    )
