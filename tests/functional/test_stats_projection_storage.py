"""The statistics projection is stored compressed (issue 18: it is rewritten in a transaction by
every event of its subject), and projections written before that still load."""

from __future__ import annotations

import json
import uuid

import boto3

from chalicelib.config import get_settings
from chalicelib.persistence import stats_store
from chalicelib.persistence.stats_store import PROJECTION, Projection


def raw(subject: str) -> dict:
    return boto3.client("dynamodb").get_item(
        TableName=get_settings().table_stats, Key={"PK": {"S": subject}, "SK": {"S": PROJECTION}}
    )["Item"]


def facts(n: int) -> list[dict]:
    return [
        {"id": uuid.uuid4().hex, "t": "national_synced", "agency_id": "ubnd-xa-hop-thinh",
         "procedure_code": "1.004873", "at": "2026-12-03T16:41:04+07:00", "on_time": True}
        for _ in range(n)
    ]  # fmt: skip


def test_a_projection_is_written_compressed_and_read_back(aws):
    subject = f"DOSSIER#T-{uuid.uuid4().hex[:8]}"
    new = Projection(
        facts=facts(10),
        applied={f"AGENCY#ubnd-xa-hop-thinh|2026-12-03|sync_sent#{i}": 1 for i in range(20)},
        members={"PROC#1.004873|2026-12-03|procs_fee|1.004873"},
    )

    assert stats_store.commit(subject, new, 0, {}, {}, "2026-12-03T16:41:04+07:00")

    item = raw(subject)
    plain = len(json.dumps([new.facts, new.applied, sorted(new.members)]).encode())
    assert set(item) == {"PK", "SK", "body", "version", "updated_at"}
    assert len(item["body"]["B"]) < plain / 3
    loaded = stats_store.load(subject)
    assert (loaded.facts, loaded.applied, loaded.members) == (new.facts, new.applied, new.members)
    assert loaded.version == 1


def test_a_projection_written_as_plain_json_still_loads(aws):
    subject = f"DOSSIER#T-{uuid.uuid4().hex[:8]}"
    old = {"facts": facts(2), "applied": {"PROC#1.004873|2026-12-03|received_online": 1},
           "members": ["AGENCY#a|2026-12-03|procs_online|1.004873"]}  # fmt: skip
    boto3.client("dynamodb").put_item(
        TableName=get_settings().table_stats,
        Item={
            "PK": {"S": subject},
            "SK": {"S": PROJECTION},
            **{k: {"S": json.dumps(v)} for k, v in old.items()},
            "version": {"N": "3"},
        },
    )

    loaded = stats_store.load(subject)

    assert loaded.facts == old["facts"] and loaded.applied == old["applied"]
    assert loaded.members == set(old["members"]) and loaded.version == 3
