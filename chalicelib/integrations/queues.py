"""SQS queues: their fixed names (shared with infra/base.json and the handler decorators) and
sending messages in batches."""

from __future__ import annotations

import json
import logging
from functools import cache

from chalicelib.integrations.aws import client

log = logging.getLogger(__name__)


class QueueNames:
    EVENTS = "dvc-events"
    NOTIFICATIONS = "dvc-notifications"
    ZALO_INBOUND = "dvc-zalo-inbound"
    NATIONAL_SYNC = "dvc-national-sync"

    @classmethod
    def all(cls) -> set[str]:
        return {cls.EVENTS, cls.NOTIFICATIONS, cls.ZALO_INBOUND, cls.NATIONAL_SYNC}


@cache
def url(name: str) -> str:
    return client("sqs").get_queue_url(QueueName=name)["QueueUrl"]


def send_batch(queue: str, messages: dict[str, dict]) -> set[str]:
    """Send {id: body}; returns the ids that were NOT accepted (the caller keeps them)."""
    failed: set[str] = set()
    items = list(messages.items())
    for start in range(0, len(items), 10):
        chunk = items[start : start + 10]
        answer = client("sqs").send_message_batch(
            QueueUrl=url(queue),
            Entries=[
                {"Id": str(i), "MessageBody": json.dumps(body, ensure_ascii=False)}
                for i, (_, body) in enumerate(chunk)
            ],
        )
        failed |= {chunk[int(f["Id"])][0] for f in answer.get("Failed", [])}
    return failed
