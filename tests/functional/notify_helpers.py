"""Helpers for the notification tests: a scripted channel, replay a dossier's outbox events
through `on_event`, drain the notifications and Zalo queues through their handlers (as the local
dispatcher does), sign Zalo webhooks, and read notifications back."""

from __future__ import annotations

import hashlib
import json
import time
import uuid

import boto3

from chalicelib.integrations import notify_channels
from chalicelib.integrations.queues import QueueNames
from infra.local.stack import stage_environment
from tests.factories import call

LOCAL = stage_environment("local")
APP_ID, OA_SECRET = LOCAL["ZALO_APP_ID"], LOCAL["ZALO_OA_SECRET"]


class Recording(notify_channels.Channel):
    """A channel that records what it sends, or fails as told."""

    def __init__(self, name, error=None):
        self.name, self.error, self.sent = name, error, []

    def _send(self, job):
        if self.error is not None:
            raise self.error
        self.sent.append(job)
        return f"rec-{len(self.sent)}"


def sqs_event(bodies: list, receive_count: int = 1) -> dict:
    """A Lambda SQS event with distinct message ids (chalice's generator repeats one id)."""
    return {
        "Records": [
            {
                "messageId": uuid.uuid4().hex,
                "receiptHandle": uuid.uuid4().hex,
                "body": body if isinstance(body, str) else json.dumps(body),
                "attributes": {"ApproximateReceiveCount": str(receive_count)},
                "messageAttributes": {},
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:ap-southeast-1:123456789012:test",
                "awsRegion": "ap-southeast-1",
            }
            for body in bodies
        ]
    }


def outbox_events(code: str, types: tuple[str, ...] = ()) -> list[dict]:
    """The events a dossier committed (its outbox items), oldest first."""
    from chalicelib.persistence import dossier_store

    _, _, model = dossier_store.models()
    events = [r.event for r in model.query(dossier_store.pk(code), model.SK.startswith("OUTBOX#"))]
    events.sort(key=lambda e: e["at"])
    return [e for e in events if not types or e["type"] in types]


def run_events(client, events: list[dict]) -> dict:
    return client.lambda_.invoke("on_event", sqs_event(events)).payload


def drain(client, queue: str = QueueNames.NOTIFICATIONS, handler: str = "on_notification") -> int:
    """Receive every visible message and run the handler on it; delete what succeeded."""
    sqs = boto3.client("sqs")
    url = sqs.get_queue_url(QueueName=queue)["QueueUrl"]
    handled = 0
    while True:
        got = sqs.receive_message(
            QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"], WaitTimeSeconds=0
        ).get("Messages", [])
        if not got:
            return handled
        event = sqs_event([m["Body"] for m in got])
        for record, message in zip(event["Records"], got, strict=True):
            record["messageId"], record["receiptHandle"] = (
                message["MessageId"],
                message["ReceiptHandle"],
            )
        failed = {
            f["itemIdentifier"]
            for f in client.lambda_.invoke(handler, event).payload["batchItemFailures"]
        }
        done = [m for m in got if m["MessageId"] not in failed]
        for m in done:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
        handled += len(got)


def drain_zalo(client) -> int:
    return drain(client, QueueNames.ZALO_INBOUND, "on_zalo_inbound")


def notifications_of(subject: str) -> list:
    """Notifications of a dossier code, or of a subject key such as "ZALO#<user>"."""
    from chalicelib.persistence import notification_store

    key = subject if "#" in subject else f"DOSSIER#{subject}"
    return notification_store.of_subject(key)


def dev_messages(client, page_size: int = 100) -> list[dict]:
    status, data = call(client, "GET", f"/dev/messages?page_size={page_size}")
    assert status == 200, data
    return data["items"]


def signature(raw: bytes, timestamp: str, app_id: str = APP_ID, secret: str = OA_SECRET) -> str:
    digest = hashlib.sha256(app_id.encode() + raw + (timestamp + secret).encode()).hexdigest()
    return f"mac={digest}"


def zalo_body(event_name: str = "user_send_text", user: str = "", **fields) -> dict:
    user = user or str(2468458835291979 + int(uuid.uuid4().int % 10**6))
    body = {
        "app_id": APP_ID,
        "event_name": event_name,
        "timestamp": str(int(time.time() * 1000)),
        "user_id_by_app": "552177279717587730",
    }
    if event_name in ("follow", "unfollow"):
        body |= {"oa_id": "388613280878808645", "follower": {"id": user}}
    else:
        body |= {"sender": {"id": user}, "recipient": {"id": "388613280878808645"}}
    return body | fields


def text_body(text: str, user: str = "") -> dict:
    return zalo_body(user=user, message={"text": text, "msg_id": uuid.uuid4().hex})


def post_webhook(client, body: dict | bytes, sign: bool | str = True) -> tuple[int, dict]:
    raw = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
    headers = {"Content-Type": "application/json"}
    if sign is True:
        headers["X-ZEvent-Signature"] = signature(raw, str(json.loads(raw)["timestamp"]))
    elif sign:
        headers["X-ZEvent-Signature"] = sign
    response = client.http.post("/webhooks/zalo", body=raw, headers=headers)
    return response.status_code, json.loads(response.body) if response.body else None
