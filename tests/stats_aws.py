"""Helpers for the statistics tests that run on the emulated AWS: empty copies of the tables, a
stored random workload and its outbox events, delivery to the consumer, and a call counter."""

from __future__ import annotations

import contextlib
import random
import uuid
from datetime import datetime, timedelta
from unittest import mock

import botocore.client

from chalicelib.domain import dossier as dossier_domain
from chalicelib.domain.calendar import VN_TZ
from chalicelib.persistence import dossier_store, rating_store, stats_store
from chalicelib.services.catalog import reads as catalog_service
from chalicelib.services.dossiers import deadlines, overdue
from chalicelib.services.dossiers.submission import snapshot
from chalicelib.services.stats import counters as stats
from tests.stats_workload import START, Workload

NOW = datetime(2025, 4, 1, 9, 0, tzinfo=VN_TZ)


def empty_copies(aws, monkeypatch, envs) -> None:
    """Point each table variable at an empty copy of its table (same keys and indexes)."""
    import boto3

    from chalicelib.config import get_settings, reset_settings

    ddb = boto3.client("dynamodb")
    suffix = uuid.uuid4().hex[:6]
    for env in envs:
        table = ddb.describe_table(TableName=aws[env])["Table"]
        spec = {
            "TableName": f"{table['TableName']}-{suffix}",
            "KeySchema": table["KeySchema"],
            "AttributeDefinitions": table["AttributeDefinitions"],
            "BillingMode": "PAY_PER_REQUEST",
        }
        if table.get("GlobalSecondaryIndexes"):
            spec["GlobalSecondaryIndexes"] = [
                {k: g[k] for k in ("IndexName", "KeySchema", "Projection")}
                for g in table["GlobalSecondaryIndexes"]
            ]
        ddb.create_table(**spec)
        monkeypatch.setenv(env, spec["TableName"])
    reset_settings()
    get_settings()


# Not the counters table: dossier numbers must stay unique in the process, since other tables
# (notifications) are shared and keyed by dossier code.
TABLES = ("TABLE_DOSSIERS", "TABLE_STATS")


@contextlib.contextmanager
def aws_calls():
    """(operation, table) of every AWS call made meanwhile, from any thread."""
    calls = []
    real = botocore.client.BaseClient._make_api_call

    def counting(self, operation, params):
        calls.append((operation, params.get("TableName")))
        return real(self, operation, params)

    with mock.patch.object(botocore.client.BaseClient, "_make_api_call", counting):
        yield calls


def procedures() -> list[dict]:
    catalog = catalog_service.get_catalog()
    return [
        snapshot(catalog.offerings(p.code)[0])
        for p in sorted(catalog.procedures.values(), key=lambda p: p.code)
        if p.level >= 3
    ]


def outbox_events(codes) -> list[dict]:
    _, _, model = dossier_store.models()
    return [
        r.event
        for code in codes
        for r in model.query(dossier_store.pk(code), model.SK.startswith("OUTBOX#"))
    ]


def run_workload(seed: int, ticks: int) -> Workload:
    catalog = catalog_service.get_catalog()
    workload = Workload(
        seed,
        procedures(),
        sorted(catalog.agencies),
        deadlines.calendar(),
        save=dossier_store.save,
        rate=lambda d, event: rating_store.save(d.code, scores(event), "citizen-1", event),
        load=dossier_store.get,
    )
    workload.run(ticks, on_tick=overdue.flag)
    for code in workload.dossiers:
        workload.dossiers[code] = dossier_store.get(code)
    return workload


def scores(event) -> dict:
    return {k: event.data[k] for k in ("overall", "convenience", "timeliness", "attitude")}


def deliver(events: list[dict], seed: int) -> None:
    """Out of order, a fifth of them twice. (One at a time: moto's transactions copy whole
    tables and break under concurrent reads; races are covered by the unit tests.)"""
    rng = random.Random(seed)
    batch = events + rng.sample(events, len(events) // 5)
    rng.shuffle(batch)
    for event in batch:
        stats.count(event, NOW)


def stored_rows(scopes) -> dict[str, list]:
    return {s: stats_store.read(s, START.date().isoformat()) for s in scopes}


def lose_an_event(workload) -> dict:
    """A dossier submitted whose event never reaches the consumer."""
    catalog = catalog_service.get_catalog()
    procedure = catalog.procedure(procedures()[0]["code"])
    at = START + timedelta(days=10, hours=2)

    dossier = dossier_domain.submit(
        f"LOST-{uuid.uuid4().hex[:6]}-250313-0001", snapshot(catalog.offerings(procedure.code)[0]),
        {"full_name": "Trần Thị Bình", "phone": "0987654321"}, None, {}, [], "online", ["sms"],
        at, deadlines.calendar().acknowledge_by(at), 0,
    )  # fmt: skip
    (event,) = dossier_store.save(dossier, None)
    return event.to_dict()
