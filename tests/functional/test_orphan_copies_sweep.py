"""The sweep of file copies no record ever committed (services/shared/copy_sweep.py).

A submission copies its files (and the wallet documents it reuses) before its transaction. When
the function dies in between, or the commit's answer is lost and the commit did not go through,
the copies stay: the sweep deletes them once they are more than a day old, and never a copy that
a committed dossier, feedback, supplement or wallet uses. Each test runs on its own uploads bucket
and tables, so the sweep sees only what the test made."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from unittest import mock

import boto3
import botocore.client
import pytest
from botocore.exceptions import ReadTimeoutError
from pynamodb.exceptions import TransactWriteError

from chalicelib.domain import file_copies
from chalicelib.persistence import copy_store, dossier_store, feedback_store, store
from chalicelib.services.dossiers import submission as submission_service
from chalicelib.services.shared import copy_sweep
from chalicelib.services.shared.clock import now
from tests.factories import call, submission, token
from tests.functional.test_counter_intake import DESK, intake_body
from tests.functional.test_feedback import feedback_body, uploaded_photo
from tests.functional.test_refused_submission_files import (
    dossier_keys,
    kept,
    still_in_the_wallet,
    with_wallet_document,
)
from tests.functional.test_supplements import new_file, request_supplement

AFTER_THE_GRACE = timedelta(days=2, hours=1)  # the copies' whole day is then over a day old
ADDRESS = "198.51.100.7"


class Crash(BaseException):
    """The function dies (a timeout, the process killed): no `except Exception` runs."""


@pytest.fixture
def bucket(aws, fresh_tables, monkeypatch):
    """An empty uploads bucket (and, with fresh_tables, an empty dossiers table) for this test."""
    from chalicelib.config import get_settings, reset_settings

    name = f"dvc-local-sweep-{uuid.uuid4().hex[:8]}"
    boto3.client("s3").create_bucket(
        Bucket=name, CreateBucketConfiguration={"LocationConstraint": "ap-southeast-1"}
    )
    monkeypatch.setenv("BUCKET_UPLOADS", name)
    reset_settings()
    get_settings()
    yield name
    monkeypatch.undo()
    reset_settings()
    get_settings()


def sweep(later: timedelta = AFTER_THE_GRACE, **limits) -> dict:
    return copy_sweep.sweep(now() + later, **limits)


def crashing(monkeypatch) -> None:
    """The next submission dies after its copies, before its commit."""

    def crash(*args, **kwargs):
        raise Crash

    monkeypatch.setattr(submission_service, "commit", crash)


def crashed_submission(client, monkeypatch) -> set[str]:
    """A submission that died between its copies and its commit: the copies it left."""
    body, before = submission(client), kept()
    real = submission_service.commit
    crashing(monkeypatch)
    with pytest.raises(Crash):
        submission_service.submit(body, None, None, now(), ADDRESS)
    monkeypatch.setattr(submission_service, "commit", real)
    left = kept() - before
    assert len(left) == len(body["attachments"]) > 0
    return left


@contextmanager
def lost_answer(went_through: bool) -> Iterator[list[str]]:
    """Meanwhile every commit's answer is lost (a read timeout), after it went through or
    not; the codes of the dossiers created meanwhile."""
    real_commit, real_create = store.Transaction._commit, dossier_store.create
    created: list[str] = []

    def commit(self):
        if went_through:
            real_commit(self)
        raise TransactWriteError(
            "Failed to write transaction items",
            ReadTimeoutError(endpoint_url="https://dynamodb.local"),
        )

    def create(dossier, *args, **kwargs):
        created.append(dossier.code)
        return real_create(dossier, *args, **kwargs)

    with (
        mock.patch.object(store.Transaction, "_commit", commit),
        mock.patch.object(dossier_store, "create", create),
    ):
        yield created


class TestACrashBetweenTheCopiesAndTheCommit:
    def test_leaves_copies_the_sweep_deletes_after_the_grace_period_and_not_before(
        self, client, bucket, monkeypatch
    ):
        left = crashed_submission(client, monkeypatch)

        early = [sweep(timedelta(0)), sweep(timedelta(hours=23))]
        after_early = kept()
        counts = sweep()

        assert [c["deleted"] for c in early] == [0, 0] and left <= after_early
        assert counts["deleted"] == len(left)
        assert kept() == set()

    def test_wallet_documents_and_every_committed_record_keep_their_files(
        self, client, bucket, monkeypatch
    ):
        citizen, body, document = with_wallet_document(client)
        committed = committed_records(client)
        before = kept()
        crashing(monkeypatch)
        with pytest.raises(Crash):
            call(client, "POST", "/v1/dossiers", body, token=citizen)
        left = kept() - before
        assert len(left) == 2  # the reused wallet document's copy and the new upload's

        counts = sweep()

        assert counts["deleted"] == 2
        assert kept() == before
        assert still_in_the_wallet(client, citizen, document)
        for keys in committed.values():
            assert keys and keys <= kept()


def committed_records(client) -> dict[str, set[str]]:
    """A desk intake, a feedback with a photo, and a dossier answered with a supplement: the keys
    of the files each committed record uses."""
    desk = token(client, "receptionist", DESK)
    status, intake = call(client, "POST", "/v1/officer/dossiers", intake_body(client, desk), desk)
    assert status == 201, intake
    attachments = [{"upload_id": uploaded_photo(client)}]
    status, feedback = call(client, "POST", "/v1/feedback", feedback_body(attachments=attachments))
    assert status == 201, feedback
    body = submission(client)
    status, created = call(client, "POST", "/v1/dossiers", body)
    assert status == 201, created
    request_supplement(client, created["code"])
    answer = {"phone": body["applicant"]["phone"], "attachments": [new_file(client)]}
    status, view = call(client, "POST", f"/v1/dossiers/{created['code']}/supplements", answer)
    assert status == 200, view
    return {
        "intake": dossier_keys(intake["code"]),
        "feedback": {a["key"] for a in feedback_store.get(feedback["id"]).attachments},
        "supplemented": dossier_keys(created["code"]),
    }


class TestALostCommitAnswer:
    def test_when_the_commit_went_through_the_sweep_keeps_the_files(self, client, bucket):
        body = submission(client)
        with lost_answer(went_through=True) as created, pytest.raises(TransactWriteError):
            submission_service.submit(body, None, None, now(), ADDRESS)
        files = dossier_keys(created[-1])
        assert files and kept() == files

        counts = sweep()

        assert counts["deleted"] == 0 and counts["listed"] == len(files)
        assert kept() == files

    def test_when_it_did_not_the_sweep_deletes_them(self, client, bucket):
        body = submission(client)
        with lost_answer(went_through=False) as created, pytest.raises(TransactWriteError):
            submission_service.submit(body, None, None, now(), ADDRESS)
        assert dossier_store.get(created[-1]) is None
        left = kept()
        assert len(left) == len(body["attachments"])

        assert sweep(timedelta(hours=12))["deleted"] == 0
        assert sweep()["deleted"] == len(left)
        assert kept() == set()


def today() -> file_copies.Cursor:
    """The sweep's place at the start of today's copies (not at the horizon, 4 weeks back)."""
    return file_copies.Cursor(file_copies.day_of(now()))


class TestABoundedRun:
    def test_goes_on_where_the_last_stopped_and_a_page_done_twice_deletes_nothing_more(
        self, client, bucket, monkeypatch
    ):
        left = set().union(*(crashed_submission(client, monkeypatch) for _ in range(3)))
        _, created = call(client, "POST", "/v1/dossiers", submission(client))
        files = dossier_keys(created["code"])
        copy_store.save_cursor(today())

        out_of_time = sweep(time_left_ms=lambda: 1000)
        runs = []
        while not runs or runs[-1]["pages"]:
            runs.append(sweep(max_pages=1, page_size=2))
            assert len(runs) < 20

        assert out_of_time == {"pages": 0, "listed": 0, "deleted": 0}
        assert all(r["pages"] <= 1 and r["listed"] <= 2 for r in runs)
        assert sum(r["deleted"] for r in runs) == len(left) and len(left) > 2
        assert kept() == files
        copy_store.save_cursor(today())  # as if the last page's run had died before saving
        assert sweep()["deleted"] == 0 and kept() == files


class TestTheCostOfARun:
    def test_one_read_per_hundred_attempts_and_one_delete_per_page(
        self, client, bucket, monkeypatch
    ):
        left = set().union(*(crashed_submission(client, monkeypatch) for _ in range(3)))
        for _ in range(2):
            assert call(client, "POST", "/v1/dossiers", submission(client))[0] == 201
        copy_store.save_cursor(today())

        with aws_calls() as calls:
            counts = sweep()

        days = counts["pages"]  # one page a day here: today's, and perhaps tomorrow's (empty)
        assert counts["deleted"] == len(left) and 1 <= days <= 2
        assert calls.count(("dynamodb", "GetItem")) == 1  # the cursor
        assert calls.count(("dynamodb", "BatchGetItem")) == 1  # 5 attempts' marks at once
        assert calls.count(("dynamodb", "PutItem")) == days  # the cursor, after each page
        assert calls.count(("s3", "ListObjectsV2")) == days
        assert calls.count(("s3", "DeleteObjects")) == 1
        assert len(calls) == 3 + 2 * days


class aws_calls:  # noqa: N801 - used as a context manager, like tests.factories.dynamodb_calls
    """The (service, operation) of every AWS call made meanwhile."""

    def __enter__(self) -> list[tuple[str, str]]:
        calls: list[tuple[str, str]] = []
        real = botocore.client.BaseClient._make_api_call

        def counting(client_self, operation, params):
            calls.append((client_self.meta.service_model.endpoint_prefix, operation))
            return real(client_self, operation, params)

        self._patch = mock.patch.object(botocore.client.BaseClient, "_make_api_call", counting)
        self._patch.start()
        return calls

    def __exit__(self, *exc) -> None:
        self._patch.stop()


def test_the_hourly_schedule_runs_the_sweep(app, client, bucket):
    (source,) = [s for s in app.event_sources if s.name == "sweep_file_copies"]
    event = client.events.generate_cw_event(
        source="aws.events", detail_type="Scheduled Event", detail={}, resources=[]
    )

    answer = client.lambda_.invoke("sweep_file_copies", event).payload

    assert str(source.schedule_expression) == "rate(1 hour)"
    assert answer["pages"] >= 26 and answer["deleted"] == 0  # each day of the last 4 weeks
    assert copy_store.cursor() == file_copies.Cursor(
        file_copies.sweepable_days(now())[1] + timedelta(days=1)
    )
