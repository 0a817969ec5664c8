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
