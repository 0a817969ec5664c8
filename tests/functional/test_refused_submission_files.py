"""A submission copies its files out of quarantine (and the wallet documents it reuses) before
the transaction that creates its dossier; one whose transaction is refused or fails leaves no
copy behind (issue 18): over its budget, at the day's last number, beaten to its upload by
another. Its uploads stay usable, the wallet documents it reused stay in the wallet, and a copy
another dossier uses is never removed."""

from __future__ import annotations

import logging
import uuid

import boto3
import pytest
from botocore.exceptions import ReadTimeoutError
from pynamodb.exceptions import TransactWriteError

from chalicelib.config import get_settings
from chalicelib.persistence import document_store, dossier_store, store
from chalicelib.services.dossiers import intake as intake_service
from chalicelib.services.dossiers import submission as submission_service
from chalicelib.services.feedback import intake as feedback_intake
from chalicelib.services.shared import uploads
from chalicelib.services.shared.clock import now
from tests.factories import (
    call,
    calling_from,
    procedure,
    random_phone,
    submission,
    token,
    upload,
)
from tests.functional.test_counter_intake import DESK, intake_body
from tests.functional.test_feedback import feedback_body, uploaded_photo
from tests.functional.test_signed_documents import in_progress


def kept() -> set[str]:
    """Every file copied out of quarantine so far (dossiers', feedback's, reused documents')."""
    s3 = boto3.client("s3")
    pages = s3.get_paginator("list_objects_v2").paginate(
        Bucket=get_settings().bucket_uploads, Prefix="attachments/"
    )
    return {item["Key"] for page in pages for item in page.get("Contents", [])}


def exists(bucket: str, key: str) -> bool:
    found = boto3.client("s3").list_objects_v2(Bucket=bucket, Prefix=key)
    return any(item["Key"] == key for item in found.get("Contents", []))


def dossier_keys(code: str) -> set[str]:
    return {a["key"] for a in dossier_store.get(code).attachments}


def with_wallet_document(client) -> tuple[str, dict, dict]:
    """A citizen whose accepted dossier put a file in their wallet, and a new submission of
    theirs that reuses it (for TP2) with a new upload (for TP3): (token, body, wallet item)."""
    citizen = token(client, subject=f"citizen-{uuid.uuid4().hex[:8]}")
    in_progress(client, citizen)
    items = call(client, "GET", "/v1/me/documents?page_size=100", token=citizen)[1]["items"]
    document = next(d for d in items if d["kind"] == "attachment")
    body = submission(client, token_=citizen)
    optional = next(c for c in procedure(client)["components"] if c["code"] == "TP3")
    body["attachments"] = [
        {"component_code": document["component_code"], "document_id": document["document_id"]},
        {"component_code": "TP3", "upload_id": upload(client, optional, token_=citizen)},
    ]
    return citizen, body, document


def still_in_the_wallet(client, citizen: str, document: dict) -> bool:
    items = call(client, "GET", "/v1/me/documents?page_size=100", token=citizen)[1]["items"]
    status, link = call(
        client, "GET", f"/v1/me/documents/{document['document_id']}/download", token=citizen
    )
    stored = document_store.get(document["document_id"])
    settings = get_settings()
    bucket = settings.bucket_uploads if stored.bucket == "uploads" else settings.bucket_results
    return (
        document["document_id"] in {d["document_id"] for d in items}
        and status == 200
        and bool(link["url"])
        and exists(bucket, stored.key)
    )


class TestARefusedSubmissionLeavesNoCopy:
    def test_over_its_budget_nothing_is_kept_and_the_files_serve_a_later_submission(
        self, client, limits
    ):
        citizen, body, document = with_wallet_document(client)
        limits(SUBMISSIONS_PER_CITIZEN=1)  # spent by the dossier the wallet document came from
        before = kept()

        refused = call(client, "POST", "/v1/dossiers", body, token=citizen)
        after_refusal = kept()
        limits(SUBMISSIONS_PER_CITIZEN=10)
        status, created = call(client, "POST", "/v1/dossiers", body, token=citizen)

        assert refused[0] == 429 and refused[1]["error"]["code"] == "RATE_LIMITED"
        assert after_refusal == before
        assert still_in_the_wallet(client, citizen, document)
        assert status == 201, created
        assert kept() - before == dossier_keys(created["code"])
        reused = {a.get("document_id") or a["upload_id"] for a in body["attachments"]}
        filed = dossier_store.get(created["code"]).attachments
        assert {a.get("document_id") or a["upload_id"] for a in filed} == reused

    def test_at_the_days_last_number_nothing_is_kept(self, client, fresh_tables):
        from chalicelib.persistence.base import bind
        from chalicelib.persistence.counter_records import CounterRecord

        citizen, body, document = with_wallet_document(client)
        first = call(client, "POST", "/v1/dossiers", submission(client))[1]["code"]
        agency_code, day, number = first.rsplit("-", 2)
        counter = bind(CounterRecord, get_settings().table_counters)
        counter(f"SEQ#{agency_code}#{day}", "SEQ", n=9999).save()
        before = kept()

        refused = call(client, "POST", "/v1/dossiers", body, token=citizen)
        after_refusal = kept()
        counter(f"SEQ#{agency_code}#{day}", "SEQ", n=int(number)).save()
        status, created = call(client, "POST", "/v1/dossiers", body, token=citizen)

        assert refused[0] == 503 and refused[1]["error"]["code"] == "DAILY_LIMIT_REACHED"
        assert after_refusal == before
        assert still_in_the_wallet(client, citizen, document)
        assert status == 201, created
        assert kept() - before == dossier_keys(created["code"])

    def test_beaten_to_its_upload_it_removes_its_copies_and_never_the_winners(
        self, client, monkeypatch
    ):
        citizen, body, document = with_wallet_document(client)
        assert [a["component_code"] for a in body["attachments"]] == ["TP2", "TP3"]
        rival = {**body, "applicant": {**body["applicant"], "phone": random_phone()}}
        real_commit = submission_service.commit
        won = []

        def beaten(*args, **kwargs):
            """The rival submits the same upload while this one is copying its files."""
            monkeypatch.setattr(submission_service, "commit", real_commit)
            won.append(call(client, "POST", "/v1/dossiers", rival, token=citizen))
            return real_commit(*args, **kwargs)

        monkeypatch.setattr(submission_service, "commit", beaten)
        before = kept()

        status, refused = call(client, "POST", "/v1/dossiers", body, token=citizen)

        assert won[0][0] == 201, won
        assert status == 400 and refused["error"]["details"][0]["field"] == "attachments"
        winner = dossier_keys(won[0][1]["code"])
        assert kept() - before == winner  # the loser's copies are gone, the winner's all there
        assert still_in_the_wallet(client, citizen, document)

    def test_a_failed_removal_is_logged_and_the_refusal_still_answers(
        self, client, limits, monkeypatch, caplog
    ):
        limits(SUBMISSIONS_PER_IP=1)
        first, body = submission(client), submission(client)

        def broken(bucket, key):
            raise RuntimeError("S3 unavailable")

        with calling_from("198.51.100.77"):
            assert call(client, "POST", "/v1/dossiers", first)[0] == 201
            monkeypatch.setattr(uploads.storage, "delete", broken)
            with caplog.at_level(logging.WARNING):
                status, refused = call(client, "POST", "/v1/dossiers", body)

        assert status == 429 and refused["error"]["code"] == "RATE_LIMITED"
        warnings = [r.getMessage() for r in caplog.records if r.name == uploads.__name__]
        assert warnings == ["could not remove 1 of 1 file copies of a failed attempt"]
        assert body["applicant"]["phone"] not in caplog.text

    def test_copies_stay_when_the_commit_may_have_gone_through(self, client, monkeypatch):
        """A commit whose answer was lost (a timeout) may have created the dossier: its files
        must stay."""
        body = submission(client)

        def lost(self):
            cause = ReadTimeoutError(endpoint_url="https://dynamodb.local")
            raise TransactWriteError("Failed to write transaction items", cause)

        monkeypatch.setattr(store.Transaction, "_commit", lost)
        before = kept()

        with pytest.raises(TransactWriteError):
            submission_service.submit(body, None, None, now(), "198.51.100.7")

        assert len(kept() - before) == len(body["attachments"])


class TestTheDeskAndFeedbackLeaveNoCopyEither:
    def test_a_desk_intake_beaten_to_its_scan_removes_its_copies(self, client, monkeypatch):
        desk = token(client, "receptionist", DESK)
        body = intake_body(client, desk)
        rival = {**body, "applicant": {**body["applicant"], "phone": random_phone()}}
        real_commit = intake_service.submission.commit
        won = []

        def beaten(*args, **kwargs):
            monkeypatch.setattr(intake_service.submission, "commit", real_commit)
            won.append(call(client, "POST", "/v1/officer/dossiers", rival, token=desk))
            return real_commit(*args, **kwargs)

        monkeypatch.setattr(intake_service.submission, "commit", beaten)
        before = kept()

        status, refused = call(client, "POST", "/v1/officer/dossiers", body, token=desk)

        assert won[0][0] == 201, won
        assert status == 400, refused
        assert kept() - before == dossier_keys(won[0][1]["code"])

    def test_a_feedback_that_fails_removes_its_photo_copy_and_the_photo_serves_again(
        self, client, monkeypatch
    ):
        body = feedback_body(attachments=[{"upload_id": uploaded_photo(client)}])
        real_save = feedback_intake.feedback_store.save

        def cancelled(*args, **kwargs):
            raise store.Cancelled({"idempotency"}, False)

        monkeypatch.setattr(feedback_intake.feedback_store, "save", cancelled)
        before = kept()

        with pytest.raises(store.Cancelled):
            feedback_intake.submit(body, None, now())
        after_failure = kept()
        monkeypatch.setattr(feedback_intake.feedback_store, "save", real_save)
        status, created = call(client, "POST", "/v1/feedback", body)

        assert after_failure == before
        assert status == 201, created
        assert [k.rsplit("/", 1)[1] for k in kept() - before] == ["rac.jpg"]
