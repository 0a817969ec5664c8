"""The outbox relay as infra/base.json deploys it (issue 18): the dossiers table streams new
images to `relay_outbox` through a filtered event source mapping that reports batch item
failures, bisects, gives up bounded and sends what it gave up on to an encrypted dead-letter
queue; the function may read the stream and write to that queue; alarms watch its lag and that
queue; the local stack provisions the stream and maps it to the same handler."""

import json

import boto3
import pytest

from infra.local.streams import stream_mappings
from infra.provision import load_template, provision

RESOURCES = load_template()["Resources"]
MAPPING = RESOURCES["RelayOutboxStream"]["Properties"]


def test_the_dossiers_table_streams_new_images_and_has_no_pending_index():
    table = RESOURCES["DossiersTable"]["Properties"]

    assert table["StreamSpecification"] == {"StreamViewType": "NEW_IMAGE"}
    assert "outbox_pending" not in {i["IndexName"] for i in table["GlobalSecondaryIndexes"]}
    assert not {"outbox_pk", "outbox_sk"} & {a["AttributeName"] for a in
                                             table["AttributeDefinitions"]}  # fmt: skip


def test_the_mapping_hands_only_inserted_outbox_items_to_the_relay():
    assert RESOURCES["RelayOutboxStream"]["Type"] == "AWS::Lambda::EventSourceMapping"
    assert MAPPING["FunctionName"] == {"Ref": "RelayOutbox"}
    assert MAPPING["EventSourceArn"] == {"Fn::GetAtt": ["DossiersTable", "StreamArn"]}
    assert MAPPING["StartingPosition"] == "TRIM_HORIZON"  # nothing written before it is lost
    (pattern,) = [json.loads(f["Pattern"]) for f in MAPPING["FilterCriteria"]["Filters"]]
    assert pattern == {"eventName": ["INSERT"],
                       "dynamodb": {"Keys": {"SK": {"S": [{"prefix": "OUTBOX#"}]}}}}  # fmt: skip


def test_failures_are_retried_per_record_bounded_and_end_in_an_encrypted_queue():
    assert MAPPING["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert MAPPING["BisectBatchOnFunctionError"] is True
    assert 0 < MAPPING["MaximumRetryAttempts"] <= 1000
    assert 60 <= MAPPING["MaximumRecordAgeInSeconds"] <= 24 * 3600  # the stream keeps 24 h
    target = MAPPING["DestinationConfig"]["OnFailure"]["Destination"]["Fn::GetAtt"]
    queue = RESOURCES[target[0]]
    assert target[1] == "Arn" and queue["Type"] == "AWS::SQS::Queue"
    assert queue["Properties"]["SqsManagedSseEnabled"] is True
    assert queue["Properties"]["MessageRetentionPeriod"] == 14 * 24 * 3600


def test_the_relay_may_read_the_stream_send_events_and_give_up_to_its_queue():
    policies = [RESOURCES[p["Ref"]] for p in
                RESOURCES["RelayOutboxRole"]["Properties"]["ManagedPolicyArns"]]  # fmt: skip
    statements = [s for p in policies for s in p["Properties"]["PolicyDocument"]["Statement"]]
    allowed = {(a, json.dumps(s["Resource"])) for s in statements for a in s["Action"]}

    stream = json.dumps({"Fn::Sub": "${DossiersTable.Arn}/stream/*"})
    for action in ("DescribeStream", "GetRecords", "GetShardIterator", "ListStreams"):
        assert (f"dynamodb:{action}", stream) in allowed
    dlq = json.dumps({"Fn::GetAtt": ["OutboxRelayDeadLetterQueue", "Arn"]})
    assert ("sqs:SendMessage", dlq) in allowed
    assert not any(a.startswith("dynamodb:") and a not in {
        "dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator",
        "dynamodb:ListStreams"} for a, _ in allowed)  # fmt: skip


def test_alarms_watch_the_relays_lag_and_its_dead_letter_queue():
    alarms = [r["Properties"] for r in RESOURCES.values() if r.get("Type") ==
              "AWS::CloudWatch::Alarm"]  # fmt: skip
    (lag,) = [a for a in alarms if a.get("MetricName") == "IteratorAge"]
    assert lag["Dimensions"] == [
        {"Name": "FunctionName", "Value": {"Fn::Sub": "${AppName}-${Stage}-relay_outbox"}}
    ]
    assert lag["AlarmActions"] == [{"Ref": "AlarmTopic"}]
    queues = [a["Dimensions"][0]["Value"] for a in alarms
              if a.get("MetricName") == "ApproximateNumberOfMessagesVisible"]  # fmt: skip
    assert {"Fn::GetAtt": ["OutboxRelayDeadLetterQueue", "QueueName"]} in queues


def test_the_relay_runs_on_its_stream_not_on_a_schedule():
    from app import app

    assert "relay_outbox" in {f.name for f in app.pure_lambda_functions}
    assert "relay_outbox" not in {s.name for s in app.event_sources}


def test_the_local_stack_streams_the_table_to_the_same_handler(monkeypatch):
    from moto import mock_aws

    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    with mock_aws():
        session = boto3.session.Session(region_name="ap-southeast-1")
        env = provision(session, stage="local")
        provision(session, stage="local")  # again: the stream is left as it is
        table = session.client("dynamodb").describe_table(TableName=env["TABLE_DOSSIERS"])

    assert table["Table"]["StreamSpecification"] == {
        "StreamEnabled": True,
        "StreamViewType": "NEW_IMAGE",
    }
    assert stream_mappings() == [("TABLE_DOSSIERS", "relay_outbox", MAPPING["BatchSize"])]


@pytest.fixture(autouse=True)
def _no_endpoint(monkeypatch):
    """mock_aws lets calls through to an AWS_ENDPOINT_URL: none here."""
    import os

    for name in [n for n in os.environ if n.startswith("AWS_ENDPOINT_URL")]:
        monkeypatch.delenv(name)
