"""Read a DynamoDB table's stream the way a Lambda event source mapping does, for the local
worker (infra/local/dispatcher.py) and the in-process tests.

Each shard is read on from where the last batch ended (its next iterator is kept between polls,
so nothing is handed over twice while batches succeed). A batch the handler failed is read again
from the first record it failed: all of it when the handler raised, else from the lowest
sequence number of its partial batch response (`batchItemFailures`), as Lambda retries a stream
batch. The mappings come from infra/base.json (`AWS::Lambda::EventSourceMapping` on a table's
`StreamArn`); their filters are not applied here, so a handler must ignore what it does not want
(the outbox relay does)."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from infra.provision import load_template

log = logging.getLogger("dvc.local.streams")


def stream_mappings(template: dict | None = None) -> list[tuple[str, str, int]]:
    """(table's environment variable, handler name, batch size) of each stream mapping."""
    resources = (template or load_template())["Resources"]
    found = []
    for mapping in resources.values():
        props = mapping.get("Properties", {})
        source = props.get("EventSourceArn", {}).get("Fn::GetAtt", [])
        if mapping.get("Type") != "AWS::Lambda::EventSourceMapping" or source[1:] != ["StreamArn"]:
            continue
        table_env = resources[source[0]]["Metadata"]["dvc:env"]
        function = resources[props["FunctionName"]["Ref"]]["Properties"]["FunctionName"]
        handler = function["Fn::Sub"].rsplit("-", 1)[1]  # ${AppName}-${Stage}-<handler>
        found.append((table_env, handler, props.get("BatchSize", 100)))
    return found


def lambda_record(record: dict, stream_arn: str, region: str) -> dict:
    """A GetRecords record as Lambda hands it to the function (times as epoch seconds)."""
    change = dict(record["dynamodb"])
    when = change.get("ApproximateCreationDateTime")
    if isinstance(when, datetime):
        change["ApproximateCreationDateTime"] = when.timestamp()
    return {
        "eventID": record.get("eventID"),
        "eventName": record["eventName"],
        "eventVersion": record.get("eventVersion", "1.1"),
        "eventSource": "aws:dynamodb",
        "awsRegion": region,
        "dynamodb": change,
        "eventSourceARN": stream_arn,
    }


def streams_client():
    """A DynamoDB Streams client that calls the regional endpoint: botocore would send calls
    naming a stream ARN to an account-based endpoint (<account>.streams-ddb...), which moto does
    not serve."""
    import boto3
    from botocore.config import Config

    return boto3.client("dynamodbstreams", config=Config(account_id_endpoint_mode="disabled"))


class StreamReader:
    def __init__(self, dynamodb: Any, streams: Any, table: str, batch_size: int = 100):
        self.streams = streams
        self.arn = dynamodb.describe_table(TableName=table)["Table"]["LatestStreamArn"]
        self.region = self.arn.split(":")[3]
        self.batch_size = batch_size
        self.iterators: dict[str, str] = {}
        self.closed: set[str] = set()  # shards read to their end

    def _shards(self) -> list[str]:
        described = self.streams.describe_stream(StreamArn=self.arn)["StreamDescription"]
        return [shard["ShardId"] for shard in described["Shards"]]

    def _iterator(self, shard: str, kind: str = "TRIM_HORIZON", sequence: str = "") -> str:
        extra = {"SequenceNumber": sequence} if sequence else {}
        return self.streams.get_shard_iterator(
            StreamArn=self.arn, ShardId=shard, ShardIteratorType=kind, **extra
        )["ShardIterator"]

    def deliver(self, handler) -> int:
        """Hand each shard's next batch to `handler(event)`; returns how many records."""
        handled = 0
        for shard in [s for s in self._shards() if s not in self.closed]:
            iterator = self.iterators.get(shard) or self._iterator(shard)
            got = self.streams.get_records(ShardIterator=iterator, Limit=self.batch_size)
            records = got["Records"]
            if got.get("NextShardIterator"):
                self.iterators[shard] = got["NextShardIterator"]
            else:
                self.closed.add(shard)
            if not records:
                continue
            handled += len(records)
            event = {"Records": [lambda_record(r, self.arn, self.region) for r in records]}
            try:
                result = handler(event)
            except Exception:
                log.exception("stream handler failed; the batch will be retried")
                retry = records[0]["dynamodb"]["SequenceNumber"]
            else:
                failed = [f["itemIdentifier"] for f in (result or {}).get("batchItemFailures", [])]
                retry = min(failed, key=int) if failed else ""
            if retry:
                self.closed.discard(shard)
                self.iterators[shard] = self._iterator(shard, "AT_SEQUENCE_NUMBER", retry)
        return handled
