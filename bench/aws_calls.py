"""AWS calls, capacity units (and the WRU of each kind of item written) and items examined per
operation, measured in-process against the emulated AWS (moto) through the whole app: a first
dossier of the procedure version (it also stores the procedure's snapshot), then one level-4
dossier's life (uploads, submission, lookups, inbox, officer actions, payment and its IPN, the
events and notification workers), then the read paths again with 1k and 100k dossiers in the
table.

    python -m bench.aws_calls [--scale 1000,100000] [--seed-seconds 240]
"""

from __future__ import annotations

import argparse
import json
import os
import time
from urllib.parse import urlencode

PROCEDURE = "1.004873"  # level 4, with a fee paid online
AGENCY = "ubnd-xa-hop-thinh"
LIFECYCLE = {  # how often each operation happens in one dossier's life (cost model)
    "upload": None,  # one per attached file (counted)
    "submit": 1,
    "lookup": 5,
    "lookup (signed in)": 0,  # measured for its call count only
    "inbox page": 2,
    "officer view": 10,
    "transition": 4,
    "payment create": 1,
    "payment IPN": 1,
    "outbox relay (stream)": None,  # one per event: its stream record to the events queue
    "event (worker)": None,  # one per event the dossier emits (counted)
    "notification (worker)": None,  # one per notification sent (counted)
    "national sync (worker)": None,  # one per sync job (a status change, counted)
}


def environment() -> None:
    for name in [n for n in os.environ if n.startswith("AWS_ENDPOINT_URL")]:
        del os.environ[name]
    os.environ.update(
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench",  # noqa: S105 - the emulator's dummy key
        AWS_DEFAULT_REGION="ap-southeast-1",
        AWS_REGION="ap-southeast-1",
    )


class Bench:
    def __init__(self, client, meter):
        self.client, self.meter, self.counts, self.failures = client, meter, {}, []

    def call(self, step, method, path, body=None, token=None):
        from tests.factories import call

        with self.meter.step(step):
            status, data = call(self.client, method, path, body, token=token)
        self.times(step)
        if status >= 400:
            self.failures.append(f"{step}: {status} {str(data)[:200]}")
        return status, data

    def times(self, step: str, n: int = 1) -> None:
        self.counts[step] = self.counts.get(step, 0) + n

    def lifecycle(self) -> str:
        from chalicelib.config import get_settings
        from chalicelib.integrations import vnpay
        from chalicelib.services.shared.clock import now
        from tests.factories import call, procedure
        from tests.factories import token as issue

        proc = procedure(self.client, PROCEDURE)
        phone = "0912345678"
        citizen = issue(self.client, "citizen")
        # The first dossier of a procedure version also stores the procedure's snapshot (once
        # per version): measured apart, the life is the next dossier's.
        first = self.submission(proc, phone, "upload (first dossier)")
        self.call("submit (first of its procedure version)", "POST", "/v1/dossiers", first,
                  token=citizen)  # fmt: skip
        body = self.submission(proc, phone, "upload")
        _, created = self.call("submit", "POST", "/v1/dossiers", body, token=citizen)
        code = created["code"]
        for _ in range(5):
            self.call("lookup", "GET", f"/v1/dossiers/{code}?phone={phone}")
        self.call("lookup (signed in)", "GET", f"/v1/dossiers/{code}", token=citizen)
        desk = issue(self.client, "receptionist", AGENCY)
        leader = issue(self.client, "leader", AGENCY)
        self.call("inbox page", "GET", "/v1/officer/dossiers", token=desk)
        for action, who, extra in (
            ("accept", desk, {}),
            ("request_payment", desk, {"note": "Nộp lệ phí"}),
        ):
            _, view = self.call("officer view", "GET", f"/v1/officer/dossiers/{code}", token=who)
            action_body = {"action": action, "version": view["version"], **extra}
            path = f"/v1/officer/dossiers/{code}/actions"
            self.call("transition", "POST", path, action_body, token=who)
        _, payment = self.call("payment create", "POST", f"/v1/dossiers/{code}/payments",
                               {"phone": phone})  # fmt: skip
        settings = get_settings().vnpay
        query = {
            "vnp_TmnCode": settings["VNPAY_TMN_CODE"], "vnp_Amount": str(payment["amount"] * 100),
            "vnp_BankCode": "NCB", "vnp_ResponseCode": "00", "vnp_TransactionStatus": "00",
            "vnp_TransactionNo": "14226112", "vnp_TxnRef": payment["payment_id"],
            "vnp_OrderInfo": "Thanh toan", "vnp_PayDate": now().strftime("%Y%m%d%H%M%S"),
        }  # fmt: skip
        query["vnp_SecureHash"] = vnpay.sign(query, settings["VNPAY_HASH_SECRET"])
        with self.meter.step("payment IPN"):
            self.client.http.get(f"/webhooks/vnpay/ipn?{urlencode(query)}")
        self.times("payment IPN")
        self.run_workers(code)
        _, view = self.call("officer view", "GET", f"/v1/officer/dossiers/{code}", token=leader)
        self.call("transition", "POST", f"/v1/officer/dossiers/{code}/actions",
                  {"action": "approve", "version": view["version"]}, token=leader)  # fmt: skip
        self.run_workers(code)
        call(self.client, "GET", "/v1/stats")  # warm the report's catalog lookups
        self.call("stats", "GET", f"/v1/stats?agency={AGENCY}")
        return code

    def submission(self, proc: dict, phone: str, upload_step: str) -> dict:
        """A level-4 submission with its files uploaded (each upload metered as `upload_step`)."""
        from tests.factories import form_example, needs_file, put_uploaded_file

        attachments = []
        for component in [c for c in proc["components"] if needs_file(c)]:
            status, upload = self.call(upload_step, "POST", "/v1/uploads", {
                "procedure_code": PROCEDURE, "component_code": component["code"],
                "filename": "tep.pdf", "content_type": component["file_types"][0],
                "size_bytes": 20})  # fmt: skip
            put_uploaded_file(upload, component["file_types"][0], b"%PDF-1.4 bench")
            attachments.append(
                {"component_code": component["code"], "upload_id": upload["upload_id"]}
            )
        return {
            "procedure_code": PROCEDURE,
            "agency": AGENCY,
            "applicant": {
                "full_name": "Nguyễn Văn An",
                "id_number": "001099012345",
                "phone": phone,
                "email": "an@example.vn",
            },
            "form": form_example(self.client, PROCEDURE),
            "attachments": attachments,
            "result_delivery": proc["delivery_options"][0],
            "notify": ["sms", "email"],
        }

    def run_workers(self, code: str) -> None:
        """Relay the dossier's new stream records to the events queue, deliver its new events to
        `on_event`, then its notifications, one record per invocation (the cost model's worst
        case)."""
        import boto3

        from chalicelib.integrations.queues import QueueNames
        from chalicelib.persistence import dossier_store
        from tests.fault_injection import sqs_event

        self.relay()

        _, _, model = dossier_store.models()
        done = getattr(self, "_done", set())
        events = [
            r.event for r in model.query(dossier_store.pk(code), model.SK.startswith("OUTBOX#"))
        ]
        for event in sorted((e for e in events if e["id"] not in done), key=lambda e: e["at"]):
            with self.meter.step("event (worker)"):
                self.client.lambda_.invoke("on_event", sqs_event([event], QueueNames.EVENTS))
            done.add(event["id"])
            self.times("event (worker)")
        self._done = done
        sqs = boto3.client("sqs")
        self.national_sync(sqs)
        url = sqs.get_queue_url(QueueName=QueueNames.NOTIFICATIONS)["QueueUrl"]
        while messages := sqs.receive_message(
            QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0
        ).get("Messages"):
            for message in messages:
                with self.meter.step("notification (worker)"):
                    self.client.lambda_.invoke(
                        "on_notification",
                        sqs_event([json.loads(message["Body"])], QueueNames.NOTIFICATIONS),
                    )
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
                self.times("notification (worker)")

    def relay(self) -> None:
        """Each new record of the dossiers table's stream through `relay_outbox`, one a call.
        The stream is read unmetered: Lambda's reads of a table's stream are not billed."""
        import boto3

        from chalicelib.config import get_settings
        from infra.local.streams import StreamReader, streams_client
        from tests.outbox_stream import queued_events

        if not hasattr(self, "_stream"):
            table = get_settings().table_dossiers
            self._stream = StreamReader(boto3.client("dynamodb"), streams_client(), table, 1)

        def relay(event: dict) -> dict:
            if not any(r["dynamodb"]["Keys"]["SK"]["S"].startswith("OUTBOX#")
                       for r in event["Records"]):  # fmt: skip
                return {"batchItemFailures": []}  # the mapping's filter drops it
            with self.meter.step("outbox relay (stream)"):
                answer = self.client.lambda_.invoke("relay_outbox", event).payload
            self.times("outbox relay (stream)")
            return answer

        while self._stream.deliver(relay):
            pass
        queued_events()  # emptied: `run_workers` hands the events to `on_event` itself

    def national_sync(self, sqs) -> None:
        """Each queued sync job through `on_national_sync`, the national side answering 200 at
        once (its own costs are not the portal's)."""
        import httpx

        from chalicelib.integrations.national_portal import HttpNationalPortal, NationalPortalConfig
        from chalicelib.integrations.queues import QueueNames
        from chalicelib.services.national_portal import gateway
        from tests.fault_injection import sqs_event

        accepting = HttpNationalPortal(
            NationalPortalConfig("https://national.test", "bench", "bench"),
            httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(200, json={}))),
        )
        gateway.portal = lambda: accepting
        url = sqs.get_queue_url(QueueName=QueueNames.NATIONAL_SYNC)["QueueUrl"]
        while messages := sqs.receive_message(
            QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0
        ).get("Messages"):
            for message in messages:
                with self.meter.step("national sync (worker)"):
                    self.client.lambda_.invoke(
                        "on_national_sync",
                        sqs_event([json.loads(message["Body"])], QueueNames.NATIONAL_SYNC),
                    )
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
                self.times("national sync (worker)")


def stored_kb(code: str) -> float:
    """What one dossier keeps in DynamoDB after its life: its item collection, its payments, its
    statistics projection and its notifications, each item with DynamoDB's 100-byte overhead,
    plus the entries of the indexes that still hold it."""
    import boto3

    from bench.meter import item_size
    from chalicelib.config import get_settings

    settings, dynamodb = get_settings(), boto3.client("dynamodb")

    def query(table, key, value, index=None):
        spec = {"TableName": table, "KeyConditionExpression": "#k = :v",
                "ExpressionAttributeNames": {"#k": key},
                "ExpressionAttributeValues": {":v": {"S": value}}}  # fmt: skip
        if index:
            spec["IndexName"] = index
        return dynamodb.query(**spec)["Items"]

    items = query(settings.table_dossiers, "PK", f"DOSSIER#{code}")
    for slot in [i for i in items if i["SK"]["S"].startswith("PAYSLOT#")]:
        items += query(settings.table_dossiers, "PK", f"PAYMENT#{slot['txn_ref']['S']}")
    items += query(settings.table_stats, "PK", f"DOSSIER#{code}")
    items += query(settings.table_notifications, "subject_pk", f"DOSSIER#{code}", "by_subject")
    index_entries = sum(1 for i in items for k in ("owner_pk", "inbox_pk", "status_pk", "due_pk",
                                                    "subject_pk") if k in i)  # fmt: skip
    return (sum(item_size(i) + 100 for i in items) + index_entries * 300) / 1024


def seed(code: str, total: int, seconds: float) -> int:
    """Clone the dossier's item until the table holds `total` dossiers of its agency (or the
    time runs out); returns how many exist. Batch writes straight to the table, unmetered."""
    import boto3

    from chalicelib.config import get_settings

    table = get_settings().table_dossiers
    dynamodb = boto3.client("dynamodb")
    template = dynamodb.get_item(
        TableName=table, Key={"PK": {"S": f"DOSSIER#{code}"}, "SK": {"S": "META"}}
    )["Item"]
    stop = time.monotonic() + seconds
    made = getattr(seed, "made", 0)
    while made < total and time.monotonic() < stop:
        batch = []
        for n in range(made, min(made + 25, total)):
            clone = f"{code[:-4]}B{n:07d}"
            batch.append({"PutRequest": {"Item": _cloned(template, code, clone)}})
        dynamodb.batch_write_item(RequestItems={table: batch})
        made += len(batch)
    seed.made = made
    return made


def _cloned(item: dict, code: str, clone: str) -> dict:
    """The item with `clone` wherever its text attributes say `code` (binary ones as they are)."""
    return {
        name: {"S": value["S"].replace(code, clone)} if "S" in value else value
        for name, value in item.items()
    }


def reads(bench: Bench, code: str) -> dict[str, object]:
    from tests.factories import token as issue

    desk = issue(bench.client, "receptionist", AGENCY)
    found = {}
    for step, path, who in (
        ("lookup", f"/v1/dossiers/{code}?phone=0912345678", None),
        ("inbox page", "/v1/officer/dossiers?page_size=20", desk),
        ("officer view", f"/v1/officer/dossiers/{code}", desk),
        ("stats", f"/v1/stats?agency={AGENCY}", None),
    ):
        bench.meter.steps.pop(f"scale {step}", None)
        bench.call(f"scale {step}", "GET", path, token=who)
        found[step] = bench.meter.steps[f"scale {step}"]
    return found


def quiet_logs() -> None:
    """The app logs to stdout; keep stdout for the figures (warnings still go to stderr)."""
    import logging
    import sys

    root = logging.getLogger()
    root.setLevel(logging.WARNING)
    for handler in root.handlers:
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(sys.stderr)


def measure(scales: list[int], seed_seconds: float) -> dict:
    environment()
    from chalice.test import Client
    from moto import mock_aws

    from bench.meter import Meter
    from infra.local.emulation import make_transactions_atomic

    make_transactions_atomic()
    with mock_aws():
        from infra.local.stack import ROOT, prepare

        prepare(quiet=True)
        from app import app

        quiet_logs()

        meter = Meter()
        with meter.installed(), Client(app, stage_name="local", project_dir=str(ROOT)) as client:
            bench = Bench(client, meter)
            code = bench.lifecycle()
            kept = stored_kb(code)
            at_scale = {}
            for total in scales:
                started = time.monotonic()
                reached = seed(code, total, seed_seconds)
                at_scale[reached] = (reads(bench, code), time.monotonic() - started)
    return {"steps": dict(meter.steps), "counts": bench.counts, "scale": at_scale,
            "failures": bench.failures, "stored_kb": kept}  # fmt: skip


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="1000,100000")
    parser.add_argument("--seed-seconds", type=float, default=240)
    args = parser.parse_args(argv)
    result = measure([int(n) for n in args.scale.split(",")], args.seed_seconds)
    for name, usage in result["steps"].items():
        calls = ", ".join(f"{s}.{o}×{n}" for (s, o), n in sorted(usage.calls.items()))
        units = f"RRU {usage.rru:5.1f} WRU {usage.wru:5.1f} examined {usage.examined:4d}"
        print(f"{name:<24} {units}  {calls}")
        for (table, kind), wru in usage.writers.most_common():
            print(f"{'':<26}{wru:5.1f} WRU  {table.rsplit('-', 1)[-1]} {kind}")
    print("counts:", result["counts"], "failures:", result["failures"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
