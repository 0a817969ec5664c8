"""The queues are one set: those infra/base.json creates, those the handlers consume and those
the code sends to. A queue nobody consumes fills up silently; one missing from infra fails only
in the cloud, at the first send or at deploy time."""

import json
from pathlib import Path

import pytest
from chalice.utils import to_cfn_resource_name

TEMPLATE = json.loads((Path(__file__).parents[2] / "infra" / "base.json").read_text("utf-8"))


def infra_queues() -> set[str]:
    app_name = TEMPLATE["Parameters"]["AppName"]["Default"]
    names = set()
    for key, resource in TEMPLATE["Resources"].items():
        short = resource.get("Metadata", {}).get("dvc:queue")
        if short:
            name = resource["Properties"]["QueueName"]["Fn::Sub"].replace("${AppName}", app_name)
            assert name == f"{app_name}-{short}", key
            names.add(name)
    return names


def queue_handlers() -> dict[str, str]:
    from app import app

    return {
        source.name: source.queue for source in app.event_sources if getattr(source, "queue", None)
    }


def test_handlers_consume_exactly_the_queues_in_infra():
    assert set(queue_handlers().values()) == infra_queues()


def test_code_sends_to_exactly_the_queues_in_infra():
    queues = pytest.importorskip("chalicelib.integrations.queues")
    assert set(queues.QueueNames.all()) == infra_queues()


def test_every_queue_handler_reports_partial_batch_failures():
    """Chalice cannot set it; infra/base.json patches the event source chalice generates."""
    for handler in queue_handlers():
        function = to_cfn_resource_name(handler)
        events = TEMPLATE["Resources"].get(function, {}).get("Properties", {}).get("Events", {})
        patch = events.get(f"{function}SqsEventSource", {}).get("Properties", {})
        assert patch.get("FunctionResponseTypes") == ["ReportBatchItemFailures"], (
            f"add Resources.{function}.Properties.Events.{function}SqsEventSource"
            ".Properties.FunctionResponseTypes to infra/base.json"
        )


def test_every_consumed_queue_has_an_alarm_on_the_age_of_its_oldest_message():
    """A consumer that falls behind (or stops) shows first as ageing messages, long before the
    dead-letter queue fills."""
    by_queue = {}
    for key, resource in TEMPLATE["Resources"].items():
        props = resource.get("Properties", {})
        if props.get("MetricName") == "ApproximateAgeOfOldestMessage":
            (dimension,) = props["Dimensions"]
            by_queue[dimension["Value"]["Fn::GetAtt"][0]] = props
    consumed = {
        key for key, r in TEMPLATE["Resources"].items()
        if r.get("Type") == "AWS::SQS::Queue" and "RedrivePolicy" in r["Properties"]
    }  # fmt: skip
    assert set(by_queue) == consumed
    for props in by_queue.values():
        assert props["AlarmActions"] == [{"Ref": "AlarmTopic"}]
        assert 0 < props["Threshold"] <= 900
