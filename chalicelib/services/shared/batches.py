"""Queue batches that stop before their function's timeout.

A consumer takes its records one by one; when the time left would no longer cover the slowest
record it may meet (`reserve_ms`: a provider call at its HTTP timeout, say; never more than a
third of the time the invocation had), it stops and reports the records it has not started as
failures, so that SQS redelivers just those instead
of the whole batch timing out and coming back (each time counting towards the dead-letter
queue).

This is the one partial-batch loop of every queue consumer (events, notifications, Zalo inbound,
national sync). Powertools' `BatchProcessor` does the same, but importing it costs about 150 ms
of cold start (measured with `python -X importtime`, aws-lambda-powertools 3.37) against a few
for this module."""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Callable, Sequence

from chalicelib.integrations import queues
from chalicelib.integrations.aws import client

log = logging.getLogger(__name__)
BACKOFF_FIRST_SECONDS, BACKOFF_MAX_SECONDS = 30, 900


class Failed(Exception):
    """A record that failed for a reason its handler already logged: redeliver it quietly."""


class Retry(Exception):
    """Leave the job on the queue: it comes back after its backoff (see `retrying`)."""


def run(
    records: Sequence,
    handle_one: Callable,
    time_left_ms: Callable[[], float] | None,
    reserve_ms: float,
) -> dict:
    """Handle each record; the partial batch response of what must come back."""
    failures: list[dict] = []
    if time_left_ms is not None:
        reserve_ms = min(reserve_ms, time_left_ms() / 3)
    for index, record in enumerate(records):
        if time_left_ms is not None and time_left_ms() < reserve_ms:
            rest = [r.to_dict()["messageId"] for r in records[index:]]
            log.warning("batch stopped before the timeout", extra={"returned": len(rest)})
            failures += [{"itemIdentifier": message_id} for message_id in rest]
            break
        message_id = record.to_dict()["messageId"]
        try:
            handle_one(record)
        except Failed:
            failures.append({"itemIdentifier": message_id})
        except Exception:
            log.exception("queue record failed", extra={"message_id": message_id})
            failures.append({"itemIdentifier": message_id})
    return {"batchItemFailures": failures}


def retrying(queue: str, job: str, work: Callable[[dict], object]) -> Callable:
    """A record handler that runs `work` on the record's JSON body; a `Retry` leaves the record
    on `queue` and makes it visible again after an exponential backoff (30 s doubling up to
    15 min, best effort), `job` naming it in the log."""

    def handle_one(record) -> None:
        raw = record.to_dict()
        try:
            work(json.loads(raw["body"]))
        except Retry as exc:
            receives = int((raw.get("attributes") or {}).get("ApproximateReceiveCount", "1"))
            log.info(f"{job} will be retried", extra={"reason": str(exc), "receives": receives})
            delay = min(BACKOFF_FIRST_SECONDS * 2 ** max(receives - 1, 0), BACKOFF_MAX_SECONDS)
            with contextlib.suppress(Exception):
                client("sqs").change_message_visibility(
                    QueueUrl=queues.url(queue),
                    ReceiptHandle=raw["receiptHandle"],
                    VisibilityTimeout=delay,
                )
            raise Failed from exc

    return handle_one


def time_left(event) -> Callable[[], float] | None:
    """The Lambda context's clock of a Chalice SQS event (None when there is no context)."""
    context = getattr(event, "context", None)
    return getattr(context, "get_remaining_time_in_millis", None)
