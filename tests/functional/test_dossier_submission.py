import json
import re
import threading

import boto3
import pytest

from tests.factories import (
    PROCEDURE,
    call,
    needs_file,
    procedure,
    random_phone,
    submission,
    submit,
    token,
    upload,
)

CODE_FORMAT = re.compile(r"^[0-9A-Z.]+-\d{6}-\d{4}$")


class TestValidSubmission:
    def test_a_dossier_with_uploads_gets_a_code_a_receipt_and_an_estimated_appointment(
        self, client
    ):
        body, created = submit(client)

        assert CODE_FORMAT.match(created["code"])
        assert created["status"] == "submitted" and created["national_status_code"] == 1
        assert created["acknowledge_by"] > created["submitted_at"]
        assert created["due_at_is_estimate"] is True
        assert "/receipt?t=" in created["receipt_url"]

    def test_the_receipt_is_a_printable_vietnamese_form_01(self, client):
        _, created = submit(client)
        path = created["receipt_url"].split("/v1/", 1)[1]

        response = client.http.get(f"/v1/{path}")

        assert response.status_code == 200
        text = response.body.decode()
        assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ".lower() in text.lower()
        assert created["code"] in text

    def test_a_receipt_without_its_token_is_not_found(self, client):
        _, created = submit(client)

        response = client.http.get(f"/v1/dossiers/{created['code']}/receipt?t=wrong")

        assert response.status_code == 404

    def test_the_attachment_leaves_quarantine(self, client, aws):
        submit(client)
        s3 = boto3.client("s3")
        keys = [
            o["Key"]
            for o in s3.list_objects_v2(Bucket=aws["BUCKET_UPLOADS"], Prefix="attachments/").get(
                "Contents", []
            )
        ]

        assert keys

    def test_the_dossier_keeps_a_snapshot_of_its_procedure(self, client, aws):
        from chalicelib.persistence import dossier_store

        _, created = submit(client)
        dossier = dossier_store.get(created["code"])

        assert dossier.procedure["version"] == procedure(client)["version"]
        assert dossier.procedure["processing_time"] == procedure(client)["processing_time"]


class TestValidationFailures:
    def test_every_form_error_is_reported_at_once_with_its_path(self, client):
        body = submission(client)
        form = body["form"]
        removed = sorted(form)[:2]
        for name in removed:
            form.pop(name)
        form["unexpected"] = "x"

        status, data = call(client, "POST", "/v1/dossiers", body)

        assert status == 400 and data["error"]["code"] == "VALIDATION_FAILED"
        fields = {d["field"] for d in data["error"]["details"]}
        assert "form" in fields or any(f.startswith("form") for f in fields)
        assert len(data["error"]["details"]) >= 2

    def test_applicant_errors_are_in_vietnamese_with_field_paths(self, client):
        body = submission(client)
        body["applicant"]["phone"] = "12345"
        body["applicant"]["id_number"] = "abc"

        status, data = call(client, "POST", "/v1/dossiers", body)

        fields = {d["field"]: d["message"] for d in data["error"]["details"]}
        assert status == 400
        assert "applicant.phone" in fields and "applicant.id_number" in fields
        assert "chữ số" in fields["applicant.phone"]

    def test_a_missing_required_component_is_named(self, client):
        body = submission(client, attachments=[])

        status, data = call(client, "POST", "/v1/dossiers", body)

        assert status == 400
        assert any(d["field"].startswith("attachments.") for d in data["error"]["details"])

    def test_an_upload_that_never_reached_storage_is_refused(self, client):
        proc = procedure(client)
        component = next(c for c in proc["components"] if needs_file(c))
        never_put = upload(client, component, put=False)
        body = submission(client)
        body["attachments"][0] = {"component_code": component["code"], "upload_id": never_put}

        status, data = call(client, "POST", "/v1/dossiers", body)

        assert status == 400
        assert "chưa được tải lên" in str(data["error"]["details"])

    def test_a_file_whose_stored_type_differs_from_the_rules_is_refused(self, client):
        proc = procedure(client)
        component = next(c for c in proc["components"] if needs_file(c))
        body = submission(client)
        upload_id = body["attachments"][0]["upload_id"]
        from chalicelib.config import get_settings
        from chalicelib.persistence.base import bind
        from chalicelib.persistence.dossier_records import UploadRecord

        record = bind(UploadRecord, get_settings().table_dossiers).get(
            f"UPLOAD#{upload_id}", "META"
        )
        boto3.client("s3").put_object(
            Bucket=get_settings().bucket_uploads,
            Key=record.key,
            Body=b"MZ",
            ContentType="application/x-msdownload",
        )

        status, data = call(client, "POST", "/v1/dossiers", body)

        assert status == 400
        assert component["code"] and "Kiểu tệp" in str(data["error"]["details"])

    def test_a_type_outside_the_component_rules_is_refused_up_front(self, client):
        component = next(c for c in procedure(client)["components"] if needs_file(c))

        status, data = call(
            client,
            "POST",
            "/v1/uploads",
            {
                "procedure_code": PROCEDURE,
                "component_code": component["code"],
                "filename": "x.exe",
                "content_type": "application/x-msdownload",
                "size_bytes": 10,
            },
        )

        assert status == 400 and data["error"]["details"][0]["field"] == "content_type"

    def test_an_upload_larger_than_the_component_allows_is_refused_up_front(self, client):
        component = next(c for c in procedure(client)["components"] if needs_file(c))

        status, data = call(
            client,
            "POST",
            "/v1/uploads",
            {
                "procedure_code": PROCEDURE,
                "component_code": component["code"],
                "filename": "big.pdf",
                "content_type": component["file_types"][0],
                "size_bytes": component["max_size_mb"] * 1024 * 1024 + 1,
            },
        )

        assert status == 413 and data["error"]["code"] == "PAYLOAD_TOO_LARGE"

    def test_an_upload_cannot_serve_two_dossiers(self, client):
        body = submission(client)
        status, _ = call(client, "POST", "/v1/dossiers", body)
        assert status == 201

        again = dict(body, applicant=dict(body["applicant"], full_name="Trần Thị Bình"))
        status, data = call(client, "POST", "/v1/dossiers", again)

        assert status == 400
        assert "hồ sơ khác" in str(data["error"]["details"])

    def test_someone_elses_upload_cannot_be_attached(self, client):
        owner = token(client)
        component = next(c for c in procedure(client)["components"] if needs_file(c))
        theirs = upload(client, component, token_=owner)
        body = submission(client, token_=token(client))
        body["attachments"][0] = {"component_code": component["code"], "upload_id": theirs}

        status, data = call(client, "POST", "/v1/dossiers", body, token=token(client))

        assert status == 400
        assert "không phải do bạn" in str(data["error"]["details"])

    def test_a_procedure_that_is_not_online_cannot_be_submitted(self, client):
        _, level2 = call(client, "GET", "/v1/procedures?level=2&page_size=1")
        body = submission(client)
        body["procedure_code"] = level2["items"][0]["code"]

        status, data = call(client, "POST", "/v1/dossiers", body)

        assert status == 400 and data["error"]["details"][0]["field"] == "procedure_code"

    def test_an_unknown_procedure_is_not_found(self, client):
        body = submission(client)
        body["procedure_code"] = "9.999999"

        status, _ = call(client, "POST", "/v1/dossiers", body)

        assert status == 404

    def test_a_refused_submission_leaves_no_dossier_and_uses_no_number(self, client):
        _, first = submit(client)
        bad = submission(client)
        bad["form"] = {}
        status, _ = call(client, "POST", "/v1/dossiers", bad)
        _, second = submit(client)

        assert status == 400
        assert int(second["code"][-4:]) == int(first["code"][-4:]) + 1


class TestIdempotency:
    def test_the_same_key_and_body_return_the_first_answer(self, client):
        body = submission(client)
        headers = {"Idempotency-Key": "retry-1-" + random_phone()}

        first = call(client, "POST", "/v1/dossiers", body, headers=headers)
        second = call(client, "POST", "/v1/dossiers", body, headers=headers)

        assert first[0] == second[0] == 201
        assert first[1]["code"] == second[1]["code"]

    def test_the_same_key_with_another_body_is_a_conflict(self, client):
        body = submission(client)
        headers = {"Idempotency-Key": "retry-2-" + random_phone()}
        call(client, "POST", "/v1/dossiers", body, headers=headers)
        body["notify"] = ["email"]

        status, data = call(client, "POST", "/v1/dossiers", body, headers=headers)

        assert status == 409 and data["error"]["code"] == "CONFLICT"

    def test_a_failed_attempt_frees_the_key_for_a_corrected_retry(self, client):
        body = submission(client)
        headers = {"Idempotency-Key": "retry-3-" + random_phone()}
        broken = dict(body, form={})
        assert call(client, "POST", "/v1/dossiers", broken, headers=headers)[0] == 400

        status, _ = call(client, "POST", "/v1/dossiers", body, headers=headers)

        assert status == 201


class TestConcurrency:
    def test_twenty_concurrent_submissions_get_twenty_distinct_consecutive_codes(
        self, client, fresh_tables
    ):
        from chalicelib.services.dossiers import submission as submission_service
        from chalicelib.services.shared.clock import now

        bodies = [submission(client) for _ in range(20)]
        codes, errors = [], []

        def run(body):
            try:
                codes.append(submission_service.submit(body, None, None, now())["code"])
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=run, args=(b,)) for b in bodies]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

        assert errors == []
        assert len(set(codes)) == 20
        numbers = sorted(int(c[-4:]) for c in codes)
        assert numbers == list(range(numbers[0], numbers[0] + 20))


class TestDailyNumbers:
    def test_after_the_days_last_number_the_agency_answers_a_planned_503(
        self, client, fresh_tables
    ):
        from chalicelib.config import get_settings
        from chalicelib.persistence.base import bind
        from chalicelib.persistence.counter_records import CounterRecord

        _, first = submit(client)
        agency_code, day, _ = first["code"].rsplit("-", 2)
        counter = bind(CounterRecord, get_settings().table_counters)
        counter(f"SEQ#{agency_code}#{day}", "SEQ", n=9999).save()

        response = client.http.post(
            "/v1/dossiers",
            body=json.dumps(submission(client)).encode(),
            headers={"Content-Type": "application/json"},
        )
        status, answer = response.status_code, json.loads(response.body)

        assert status == 503, answer
        assert 0 < int(response.headers["Retry-After"]) <= 24 * 3600
        assert answer["error"]["code"] == "DAILY_LIMIT_REACHED"
        assert "9.999" in answer["error"]["message"] and "ngày mai" in answer["error"]["message"]
        assert counter.get(f"SEQ#{agency_code}#{day}", "SEQ").n == 9999


@pytest.fixture
def sqs_down(monkeypatch):
    from chalicelib.integrations import queues

    def fail(*args, **kwargs):
        raise ConnectionError("SQS unreachable")

    monkeypatch.setattr(queues, "send_batch", fail)


class TestOutbox:
    def test_an_sqs_failure_after_the_write_loses_nothing(self, client, fresh_tables):
        from tests.fault_injection import aws_failure
        from tests.outbox_stream import queued_events, relay_stream

        _, created = submit(client)  # the request sends nothing: its event is in the stream
        with aws_failure("SendMessageBatch", "ServiceUnavailable"):
            (refused,) = relay_stream(client)
        assert len(refused["batchItemFailures"]) == 1

        assert relay_stream(client) == [{"batchItemFailures": []}]  # the stream retries
        (event,) = queued_events()
        assert event["dossier_code"] == created["code"] and event["type"] == "dossier.submitted"
        assert relay_stream(client) == []
