"""The statistics table (key layout in stats_records.py): counters kept by the events consumer,
read by /v1/stats.

One event = one GetItem of its subject's projection + one TransactWriteItems: the projection
(guarded by its version) and an ADD per counter item touched, so counters and the record of
what they contain can never disagree. A scope's range is one Query per partition
(`SK >= DAY#<first day>` returns the days from then on and, sorting after them, the TOTAL
items). Items are written with the low-level client (sets and ADD expressions), so there are
no record classes.

The projection is rewritten, inside a transaction (billed twice per KB), by every event of its
subject and grows with each: it is stored as one zlib-compressed JSON attribute (`body`, a
few hundred bytes where its plain JSON took several KB)."""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass, field

from boto3.dynamodb.types import TypeDeserializer
from botocore.exceptions import ClientError

from chalicelib.config import get_settings
from chalicelib.persistence.base import region, shared_connection
from chalicelib.persistence.stats_records import (  # noqa: F401 - callers use these names
    PROJECTION,
    SHARDS,
    TOTAL,
    item_key,
    partition,
    partitions,
    shard_of,
)

_DESERIALIZE = TypeDeserializer()


@dataclass
class Projection:
    facts: list[dict] = field(default_factory=list)
    applied: dict[str, int] = field(default_factory=dict)
    members: set[str] = field(default_factory=set)
    version: int = 0


def _client():
    return shared_connection(region()).client


def _table() -> str:
    return get_settings().table_stats


def load(subject: str) -> Projection:
    found = (
        _client()
        .get_item(
            TableName=_table(),
            Key={"PK": {"S": subject}, "SK": {"S": PROJECTION}},
            ConsistentRead=True,
        )
        .get("Item")
    )
    if not found:
        return Projection()
    if "body" in found:
        body = json.loads(zlib.decompress(found["body"]["B"]))
    else:  # written before the projection was compressed
        body = {k: json.loads(found[k]["S"]) for k in ("facts", "applied", "members")}
    return Projection(
        facts=body["facts"],
        applied=body["applied"],
        members=set(body["members"]),
        version=int(found["version"]["N"]),
    )


def _body(projection: Projection) -> bytes:
    plain = {
        "facts": projection.facts,
        "applied": projection.applied,
        "members": sorted(projection.members),
    }
    text = json.dumps(plain, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    return zlib.compress(text.encode(), 9)


def _update(
    scope: str, bucket: str, shard: int, numbers: dict[str, int], sets: dict[str, set[str]]
) -> dict:
    names, values, parts = {}, {}, []
    for i, (name, n) in enumerate(sorted(numbers.items())):
        names[f"#n{i}"], values[f":n{i}"] = name, {"N": str(n)}
        parts.append(f"#n{i} :n{i}")
    for i, (name, members) in enumerate(sorted(sets.items())):
        names[f"#s{i}"], values[f":s{i}"] = name, {"SS": sorted(members)}
        parts.append(f"#s{i} :s{i}")
    return {
        "TableName": _table(),
        "Key": item_key(scope, bucket, shard),
        "UpdateExpression": "ADD " + ", ".join(parts),
        "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": values,
    }


def commit(
    subject: str,
    new: Projection,
    expected_version: int,
    increments: dict[tuple[str, str], dict[str, int]],
    additions: dict[tuple[str, str], dict[str, set[str]]],
    at: str,
) -> bool:
    """Write the projection and its counter changes at once; False when another consumer
    changed the subject meanwhile (or the items were busy): read again and retry."""
    shard = shard_of(subject)
    projection = {
        "Put": {
            "TableName": _table(),
            "Item": {
                "PK": {"S": subject},
                "SK": {"S": PROJECTION},
                "body": {"B": _body(new)},
                "version": {"N": str(expected_version + 1)},
                "updated_at": {"S": at},
            },
            **(
                {"ConditionExpression": "attribute_not_exists(PK)"}
                if expected_version == 0
                else {
                    "ConditionExpression": "version = :v",
                    "ExpressionAttributeValues": {":v": {"N": str(expected_version)}},
                }
            ),
        }
    }
    keys = set(increments) | set(additions)
    updates = [
        {"Update": _update(s, b, shard, increments.get((s, b), {}), additions.get((s, b), {}))}
        for s, b in sorted(keys)
    ]
    if len(updates) > 99:
        raise ValueError(f"{subject}: {len(updates)} counter items in one change")
    try:
        _client().transact_write_items(TransactItems=[projection, *updates])
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "TransactionCanceledException":
            raise
        codes = {r.get("Code") for r in exc.response.get("CancellationReasons", [])}
        if codes & {"ConditionalCheckFailed", "TransactionConflict"}:
            return False
        raise
    return True


def add(scope: str, bucket: str, shard: int, numbers: dict[str, int]) -> None:
    """Correct one counter item (used by the recompute command to repair drift)."""
    if numbers:
        _client().update_item(**_update(scope, bucket, shard, numbers, {}))


def read(scope: str, first_day: str) -> list[tuple[str, dict]]:
    """(bucket, attributes) of every day item from `first_day` on and of the TOTAL items."""
    rows: list[tuple[str, dict]] = []
    for pk in partitions(scope):
        rows += _read(pk, first_day)
    return rows


def _read(pk: str, first_day: str) -> list[tuple[str, dict]]:
    rows: list[tuple[str, dict]] = []
    request = {
        "TableName": _table(),
        "KeyConditionExpression": "PK = :pk AND SK >= :sk",
        "ExpressionAttributeValues": {":pk": {"S": pk}, ":sk": {"S": f"DAY#{first_day}"}},
    }
    while True:
        page = _client().query(**request)
        for item in page.get("Items", []):
            kind, _, rest = item["SK"]["S"].partition("#")
            bucket = TOTAL if kind == "TOTAL" else rest.rsplit("#", 1)[0]
            attrs = {
                k: _plain(_DESERIALIZE.deserialize(v))
                for k, v in item.items()
                if k not in ("PK", "SK")
            }
            rows.append((bucket, attrs))
        if "LastEvaluatedKey" not in page:
            return rows
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _plain(value):
    if isinstance(value, set):
        return set(value)
    return int(value)
