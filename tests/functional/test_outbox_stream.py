"""The outbox relayed by the dossiers table's stream (issue 18), end to end in-process: an event
committed while SQS is down reaches the events queue when the stream batch is retried; an event
SQS refuses is a batch item failure while the rest go out; a duplicate stream delivery sends an
event twice and its consumer acts once."""

from __future__ import annotations

from chalicelib.integrations import queues
from tests.factories import submit
from tests.fault_injection import aws_failure
from tests.functional.notify_helpers import notifications_of, run_events
from tests.outbox_stream import queued_events, reader, relay_stream


def test_an_event_committed_while_sqs_is_down_goes_out_when_the_batch_is_retried(
    client, fresh_tables
):
    with aws_failure("SendMessageBatch", "ServiceUnavailable"):
        _, created = submit(client)  # the request needs no SQS
        refused = relay_stream(client)
        refused += relay_stream(client)  # still down: the same record again

    assert [len(a["batchItemFailures"]) for a in refused] == [1, 1]
    assert queued_events() == []
    assert relay_stream(client) == [{"batchItemFailures": []}]
    assert [e["dossier_code"] for e in queued_events()] == [created["code"]]


def test_a_refused_event_is_a_batch_item_failure_and_the_rest_go_out(
    client, fresh_tables, monkeypatch
):
    codes = [submit(client)[1]["code"] for _ in range(3)]
    real = queues.send_batch

    def refuse_the_second(queue, bodies):
        refused = next(i for i, body in bodies.items() if body["dossier_code"] == codes[1])
        return real(queue, {i: b for i, b in bodies.items() if i != refused}) | {refused}

    monkeypatch.setattr(queues, "send_batch", refuse_the_second)
    (answer,) = relay_stream(client)
    sent = [e["dossier_code"] for e in queued_events()]
    monkeypatch.setattr(queues, "send_batch", real)

    assert sent == [codes[0], codes[2]]
    assert len(answer["batchItemFailures"]) == 1
    assert relay_stream(client) == [{"batchItemFailures": []}]  # from the refused record on
    assert sorted(e["dossier_code"] for e in queued_events()) == [codes[1], codes[2]]


def test_a_duplicate_stream_delivery_sends_twice_and_the_consumer_acts_once(client, fresh_tables):
    _, created = submit(client)
    batches = []
    reader().deliver(lambda event: batches.append(event) or {"batchItemFailures": []})
    (batch,) = batches

    for _ in range(2):  # the stream hands the same record over twice
        assert client.lambda_.invoke("relay_outbox", batch).payload == {"batchItemFailures": []}
    first, second = queued_events()

    assert first == second and first["dossier_code"] == created["code"]
    assert run_events(client, [first]) == {"batchItemFailures": []}
    planned = notifications(created["code"], first["id"])
    assert planned
    assert run_events(client, [second]) == {"batchItemFailures": []}
    assert notifications(created["code"], first["id"]) == planned


def notifications(code: str, event_id: str) -> list[str]:
    """The ids of the notifications planned for an event of a dossier."""
    return sorted(r.id for r in notifications_of(code) if r.source == event_id)
