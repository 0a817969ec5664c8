"""The local stand-in of a stream's event source mapping (infra/local/streams.py) on the
emulated dossiers table: each record is handed over once while batches succeed; a partial batch
response brings back the first failed record and those after it, a handler that raises the
whole batch; the local worker follows the stream with it."""

import threading
from datetime import datetime
from types import SimpleNamespace

import boto3

from chalicelib.config import get_settings
from chalicelib.domain.calendar import VN_TZ
from chalicelib.domain.events import Event
from chalicelib.persistence import dossier_store, store
from infra.local.dispatcher import Dispatcher
from infra.local.streams import StreamReader, streams_client

AT = datetime(2026, 3, 2, 9, 0, tzinfo=VN_TZ)


def commit(*ids: str) -> None:
    for event_id in ids:  # one transaction, one stream record each
        store.commit(dossier_store.stage_events([Event("dossier.submitted", "D-1", AT,
                                                       id=event_id)]))  # fmt: skip


def new_reader() -> StreamReader:
    return StreamReader(boto3.client("dynamodb"), streams_client(), get_settings().table_dossiers)


def ids(event: dict) -> list[str]:
    return [r["dynamodb"]["Keys"]["SK"]["S"].removeprefix("OUTBOX#") for r in event["Records"]]


class Handler:
    def __init__(self, answer=None):
        self.seen, self.answer = [], answer or (lambda event: {"batchItemFailures": []})

    def __call__(self, event):
        self.seen.append(ids(event))
        return self.answer(event)


def test_each_record_is_handed_over_once_while_batches_succeed(fresh_tables):
    reader, handler = new_reader(), Handler()
    commit("a", "b")

    assert reader.deliver(handler) == 2
    commit("c")
    assert reader.deliver(handler) == 1
    assert reader.deliver(handler) == 0
    assert handler.seen == [["a", "b"], ["c"]]


def test_a_failed_record_comes_back_with_the_records_after_it(fresh_tables):
    def refuse_b(event):
        failed = [r["dynamodb"]["SequenceNumber"] for r in event["Records"]
                  if r["dynamodb"]["Keys"]["SK"]["S"] == "OUTBOX#b"]  # fmt: skip
        return {"batchItemFailures": [{"itemIdentifier": s} for s in failed]}

    reader, handler = new_reader(), Handler(refuse_b)
    commit("a", "b", "c")

    reader.deliver(handler)
    handler.answer = lambda event: {"batchItemFailures": []}
    reader.deliver(handler)

    assert handler.seen == [["a", "b", "c"], ["b", "c"]]
    assert reader.deliver(handler) == 0


def test_a_handler_that_raises_gets_the_whole_batch_again(fresh_tables):
    def crash(event):
        raise RuntimeError("the function failed")

    reader, handler = new_reader(), Handler(crash)
    commit("a", "b")

    reader.deliver(handler)
    handler.answer = lambda event: {"batchItemFailures": []}
    reader.deliver(handler)

    assert handler.seen == [["a", "b"], ["a", "b"]]


def test_the_local_worker_follows_the_stream(fresh_tables):
    seen = threading.Event()
    calls = []

    def relay(event, context):
        calls.append((ids(event), context.function_name))
        seen.set()
        return {"batchItemFailures": []}

    app = SimpleNamespace(event_sources=[], handler_map={"relay_outbox": relay})
    dispatcher = Dispatcher(app, sqs=None, streams=[("relay_outbox", new_reader())])
    assert dispatcher.describe() == [f"stream {get_settings().table_dossiers} -> relay_outbox"]
    dispatcher.start()
    try:
        commit("a")
        assert seen.wait(10)
    finally:
        dispatcher.stop()

    assert calls == [(["a"], "relay_outbox")]
