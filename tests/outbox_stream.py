"""Relay the dossiers table's stream in-process: what the event source mapping does in the cloud
and the local worker does locally (infra/local/streams.py), so a test can see committed events
reach the events queue (`queued_events`). Each table's stream is read on from where the last
call left it, from its beginning the first time: use it with the `fresh_tables` fixture."""

from __future__ import annotations

import json

import boto3

from chalicelib.config import get_settings
from chalicelib.integrations.queues import QueueNames
from infra.local.streams import StreamReader, streams_client

_READERS: dict[str, StreamReader] = {}


def reader() -> StreamReader:
    table = get_settings().table_dossiers
    if table not in _READERS:
        _READERS[table] = StreamReader(boto3.client("dynamodb"), streams_client(), table)
    return _READERS[table]


def relay_stream(client) -> list[dict]:
    """Hand the new stream records to `relay_outbox` until none is left or a batch failed;
    the relay's answers (partial batch responses)."""
    answers: list[dict] = []

    def invoke(event: dict) -> dict:
        answers.append(client.lambda_.invoke("relay_outbox", event).payload)
        return answers[-1]

    while reader().deliver(invoke) and not answers[-1]["batchItemFailures"]:
        pass
    return answers


def queued_events() -> list[dict]:
    """Take every message off the events queue: their bodies, in the order received."""
    sqs = boto3.client("sqs")
    url = sqs.get_queue_url(QueueName=QueueNames.EVENTS)["QueueUrl"]
    bodies = []
    while got := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages"):
        bodies += [json.loads(m["Body"]) for m in got]
        sqs.delete_message_batch(
            QueueUrl=url,
            Entries=[
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(got)
            ],
        )
    return bodies
