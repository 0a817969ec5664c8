"""Drive the app's queue and schedule handlers locally, the way Lambda would.

`chalice local` serves HTTP routes only; here every queue the app subscribes to
(`app.event_sources`) is long-polled and its handler called with a Lambda-shaped SQS event.
Only the records that succeeded are deleted: a handler that raises fails the whole batch, one
that answers `batchItemFailures` fails just those, and failed records come back after their
visibility timeout until the queue's redrive policy moves them to the dead-letter queue.
`@app.schedule` handlers fire on their rate. Each table stream that infra/base.json maps to a
function is polled and its handler called with a Lambda-shaped DynamoDB stream event
(infra/local/streams.py)."""

from __future__ import annotations

import logging
import re
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

from chalice.app import Rate, ScheduledEventConfig, SQSEventConfig

log = logging.getLogger("dvc.local.dispatcher")
_RATE = re.compile(r"rate\((\d+) (minute|minutes|hour|hours|day|days)\)")
_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}
STREAM_POLL_SECONDS = 0.25  # an idle stream: Lambda polls each shard about 4 times a second


class Context:
    def __init__(self, name: str):
        self.function_name = name
        self.aws_request_id = uuid.uuid4().hex
        self.memory_limit_in_mb = 1024

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


def sqs_event(messages: list[dict], queue_arn: str) -> dict:
    return {
        "Records": [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": m.get("Attributes", {}),
                "messageAttributes": {},
                "md5OfBody": m.get("MD5OfBody", ""),
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": queue_arn.split(":")[3],
            }
            for m in messages
        ]
    }


def failed_ids(result: Any) -> set[str]:
    if isinstance(result, dict) and "batchItemFailures" in result:
        return {f["itemIdentifier"] for f in result["batchItemFailures"]}
    return set()


def deliver(
    sqs,
    handler: Callable,
    name: str,
    queue_url: str,
    queue_arn: str,
    batch_size: int,
    wait_seconds: int = 1,
) -> int:
    """Receive one batch, run the handler, delete what succeeded; returns messages handled."""
    received = sqs.receive_message(
        QueueUrl=queue_url,
        MaxNumberOfMessages=min(batch_size, 10),
        WaitTimeSeconds=wait_seconds,
        AttributeNames=["All"],
    )
    messages = received.get("Messages", [])
    if not messages:
        return 0
    try:
        failed = failed_ids(handler(sqs_event(messages, queue_arn), Context(name)))
    except Exception:
        log.exception("queue handler failed; the batch will be retried", extra={"handler": name})
        return len(messages)
    done = [m for m in messages if m["MessageId"] not in failed]
    for start in range(0, len(done), 10):
        sqs.delete_message_batch(
            QueueUrl=queue_url,
            Entries=[
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                for i, m in enumerate(done[start : start + 10])
            ],
        )
    return len(messages)


def schedule_seconds(expression: Any) -> int | None:
    if isinstance(expression, Rate):
        expression = expression.to_string()
    match = _RATE.fullmatch(str(expression))
    if not match:
        return None
    return int(match.group(1)) * _SECONDS[match.group(2).rstrip("s")]


class Dispatcher:
    def __init__(self, app, sqs, schedule_speedup: float = 1.0, streams: list | None = None):
        """`streams`: (handler name, infra.local.streams.StreamReader) to poll."""
        self.app = app
        self.sqs = sqs
        self.streams = streams or []
        self.speedup = schedule_speedup
        self.stopping = threading.Event()
        self.threads: list[threading.Thread] = []

    def describe(self) -> list[str]:
        lines = []
        for source in self.app.event_sources:
            if isinstance(source, SQSEventConfig):
                lines.append(f"queue {source.queue} -> {source.name}")
            elif isinstance(source, ScheduledEventConfig):
                lines.append(f"{source.schedule_expression} -> {source.name}")
        for name, reader in self.streams:
            lines.append(f"stream {reader.arn.split('/')[1]} -> {name}")
        return lines

    def start(self) -> None:
        for source in self.app.event_sources:
            if isinstance(source, SQSEventConfig):
                self._spawn(self._poll, source)
            elif isinstance(source, ScheduledEventConfig):
                self._spawn(self._tick, source)
        for name, reader in self.streams:
            self._spawn(self._follow, (name, reader), name)

    def _spawn(self, target, source, name: str = "") -> None:
        thread = threading.Thread(
            target=target, args=(source,), name=name or source.name, daemon=True
        )
        thread.start()
        self.threads.append(thread)

    def _poll(self, source: SQSEventConfig) -> None:
        url = self.sqs.get_queue_url(QueueName=source.queue)["QueueUrl"]
        arn = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]
        handler = self.app.handler_map[source.name]
        while not self.stopping.is_set():
            try:
                deliver(self.sqs, handler, source.name, url, arn, source.batch_size)
            except Exception:
                log.exception("polling failed", extra={"queue": source.queue})
                self.stopping.wait(1)

    def _follow(self, stream: tuple) -> None:
        """Poll a table's stream a few times a second, as Lambda does (a failed batch is
        retried at the next poll)."""
        name, reader = stream
        handler = self.app.handler_map[name]
        while not self.stopping.wait(STREAM_POLL_SECONDS):
            try:
                reader.deliver(lambda event: handler(event, Context(name)))
            except Exception:
                log.exception("stream polling failed", extra={"handler": name})

    def _tick(self, source: ScheduledEventConfig) -> None:
        seconds = schedule_seconds(source.schedule_expression) or 60
        handler = self.app.handler_map[source.name]
        while not self.stopping.wait(seconds / self.speedup):
            event = {
                "version": "0",
                "id": uuid.uuid4().hex,
                "detail-type": "Scheduled Event",
                "source": "aws.events",
                "account": "123456789012",  # chalice's CloudWatchEvent requires both
                "region": "ap-southeast-1",
                "time": time.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "resources": [],
                "detail": {},
            }
            try:
                handler(event, Context(source.name))
            except Exception:
                log.exception("scheduled handler failed", extra={"handler": source.name})

    def stop(self, seconds: float = 5) -> None:
        """Let handlers finish their batch for a few seconds in all; daemon threads die after."""
        self.stopping.set()
        deadline = time.monotonic() + seconds
        for thread in self.threads:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))
