"""A queue batch stops before the function's timeout and hands back what it has not started."""

import logging

from chalicelib.services.shared import batches


class Record:
    def __init__(self, n):
        self.n = n

    def to_dict(self):
        return {"messageId": f"m{self.n}"}


def test_records_not_started_before_the_reserve_come_back_as_failures(caplog):
    remaining = iter([30_000, 30_000, 20_000, 11_000, 9_000])
    handled = []

    with caplog.at_level(logging.WARNING):
        answer = batches.run(
            [Record(n) for n in range(5)],
            lambda r: handled.append(r.n),
            lambda: next(remaining),
            10_000,
        )

    assert handled == [0, 1, 2]
    assert answer == {"batchItemFailures": [{"itemIdentifier": "m3"}, {"itemIdentifier": "m4"}]}
    assert "batch stopped before the timeout" in caplog.text


def test_the_reserve_is_at_most_a_third_of_the_invocations_time():
    remaining = iter([3_000, 3_000, 2_500, 1_100, 900])
    handled = []

    answer = batches.run(
        [Record(n) for n in range(4)],
        lambda r: handled.append(r.n),
        lambda: next(remaining),
        12_000,
    )

    assert handled == [0, 1, 2]
    assert answer == {"batchItemFailures": [{"itemIdentifier": "m3"}]}


def test_a_failed_record_is_reported_and_the_batch_goes_on():
    def handle(record):
        if record.n == 1:
            raise RuntimeError("boom")
        if record.n == 2:
            raise batches.Failed()

    answer = batches.run([Record(n) for n in range(4)], handle, None, 10_000)

    assert answer == {"batchItemFailures": [{"itemIdentifier": "m1"}, {"itemIdentifier": "m2"}]}


def test_without_a_lambda_context_there_is_no_clock():
    class Event:
        context = None

    assert batches.time_left(Event()) is None


class SqsRecord:
    def __init__(self, body, receives):
        self.raw = {
            "messageId": "m1",
            "body": body,
            "receiptHandle": "h1",
            "attributes": {"ApproximateReceiveCount": str(receives)},
        }

    def to_dict(self):
        return self.raw


class Sqs:
    def __init__(self):
        self.calls = []

    def change_message_visibility(self, **kwargs):
        self.calls.append(kwargs)


def test_a_job_to_retry_stays_on_its_queue_with_an_exponential_backoff(monkeypatch):
    sqs, seen = Sqs(), []
    monkeypatch.setattr(batches, "client", lambda name: sqs)
    monkeypatch.setattr(batches.queues, "url", lambda name: f"https://sqs.test/{name}")

    def work(body):
        seen.append(body["id"])
        raise batches.Retry("busy")

    job = batches.retrying("jobs", "test job", work)
    answers = [batches.run([SqsRecord('{"id": "a"}', n)], job, None, 0) for n in (1, 3, 9)]

    assert seen == ["a", "a", "a"]
    assert answers[0] == {"batchItemFailures": [{"itemIdentifier": "m1"}]}
    assert [c["VisibilityTimeout"] for c in sqs.calls] == [30, 120, 900]
    where = {(c["QueueUrl"], c["ReceiptHandle"]) for c in sqs.calls}
    assert where == {("https://sqs.test/jobs", "h1")}


def test_a_job_done_or_failed_otherwise_does_not_touch_the_visibility(monkeypatch):
    sqs = Sqs()
    monkeypatch.setattr(batches, "client", lambda name: sqs)

    done = batches.run([SqsRecord("{}", 1)], batches.retrying("jobs", "j", lambda b: None), None, 0)
    broken = batches.run([SqsRecord("not json", 1)], batches.retrying("jobs", "j", print), None, 0)

    assert done == {"batchItemFailures": []}
    assert broken == {"batchItemFailures": [{"itemIdentifier": "m1"}]}
    assert sqs.calls == []
