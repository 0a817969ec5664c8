"""Uploaded files leave quarantine only when their first bytes are the declared type and the
malware scan found them clean; they are kept and downloaded under a name derived from that
type (issue 15, finding 5)."""

from urllib.parse import parse_qs, urlsplit

import boto3
import pytest

from chalicelib.config import get_settings
from chalicelib.integrations.malware_scan import EICAR, SCAN_TAG
from tests.factories import (
    SAMPLE_FILES,
    call,
    procedure,
    put_uploaded_file,
    random_phone,
    submission,
    upload,
)
from tests.functional.test_feedback import feedback_body
from tests.functional.test_officer_workflow import detail, officer

# The first bytes of a Windows executable (DOS header, then padding a PE file would hold).
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 240
PDF = SAMPLE_FILES["application/pdf"]
INFECTED_PDF = PDF + EICAR + b"\n"  # a real PDF header: only the scan can refuse it


def first_component(client) -> dict:
    return next(c for c in procedure(client)["components"] if c["required"] and c["file_types"])


def with_first_file(client, content, filename="Giay_khai_sinh.pdf.exe") -> tuple[dict, str]:
    """A complete submission whose first attachment is `content`, declared as a PDF."""
    body = submission(client)
    component = first_component(client)
    upload_id = upload(
        client, component, content=content, content_type="application/pdf", filename=filename
    )
    body["attachments"] = [
        {"component_code": component["code"], "upload_id": upload_id},
        *(a for a in body["attachments"] if a["component_code"] != component["code"]),
    ]
    return body, upload_id


def refused(client, body, status=400):
    got, data = call(client, "POST", "/v1/dossiers", body)
    assert got == status, data
    return data["error"]


def attachment_keys(upload_id: str) -> list[str]:
    """The upload's copies out of quarantine (`attachments/<day>/<attempt>/<upload id>/…`)."""
    pages = (
        boto3.client("s3")
        .get_paginator("list_objects_v2")
        .paginate(Bucket=get_settings().bucket_uploads, Prefix="attachments/")
    )
    return [o["Key"] for p in pages for o in p.get("Contents", []) if f"/{upload_id}/" in o["Key"]]


class TestTheTypeComesFromTheBytes:
    def test_an_executable_declared_as_pdf_is_refused_and_nothing_is_kept(self, client):
        body, upload_id = with_first_file(client, EXECUTABLE)

        error = refused(client, body)

        assert error["code"] == "UPLOAD_TYPE_MISMATCH"
        assert error["details"] == [
            {
                "field": "attachments[0]",
                "message": "Nội dung tệp không phải PDF như đã khai",
                "code": "UPLOAD_TYPE_MISMATCH",
            }
        ]
        assert attachment_keys(upload_id) == []

    def test_the_refused_file_is_replaced_and_the_dossier_then_goes_through(self, client):
        body, _ = with_first_file(client, EXECUTABLE)
        refused(client, body)
        component = first_component(client)
        body["attachments"][0]["upload_id"] = upload(client, component, content=PDF)

        status, created = call(client, "POST", "/v1/dossiers", body)

        assert status == 201, created

    def test_each_refused_component_is_named_with_the_other_problems(self, client):
        body, _ = with_first_file(client, EXECUTABLE)
        body["form"] = {}

        error = refused(client, body)

        assert error["code"] == "VALIDATION_FAILED"
        files = [d for d in error["details"] if d["field"].startswith("attachments")]
        assert files == [
            {
                "field": "attachments[0]",
                "message": "Nội dung tệp không phải PDF như đã khai",
                "code": "UPLOAD_TYPE_MISMATCH",
            }
        ]
        assert any(d["field"].startswith("form") for d in error["details"])

    def test_a_real_pdf_is_kept_and_downloaded_under_a_name_from_its_type(self, client):
        body, upload_id = with_first_file(client, PDF)

        status, created = call(client, "POST", "/v1/dossiers", body)
        _, view = detail(client, created["code"], officer(client))

        assert status == 201, created
        kept = next(a for a in view["attachments"] if a["upload_id"] == upload_id)
        assert kept["filename"] == "Giay_khai_sinh.pdf"
        assert kept["content_type"] == "application/pdf"
        disposition = parse_qs(urlsplit(kept["url"]).query)["response-content-disposition"][0]
        assert disposition == "attachment; filename*=UTF-8''Giay_khai_sinh.pdf"
        assert [k.rsplit("/", 1)[1] for k in attachment_keys(upload_id)] == ["Giay_khai_sinh.pdf"]
        stored = boto3.client("s3").head_object(
            Bucket=get_settings().bucket_uploads, Key=attachment_keys(upload_id)[0]
        )
        assert stored["ContentType"] == "application/pdf"


class TestTheMalwareScanGatesRelease:
    def test_the_eicar_test_file_is_refused(self, client):
        body, upload_id = with_first_file(client, INFECTED_PDF, "to-khai.pdf")

        error = refused(client, body)

        assert error["code"] == "UPLOAD_INFECTED"
        assert error["details"][0]["field"] == "attachments[0]"
        assert error["details"][0]["code"] == "UPLOAD_INFECTED"
        assert attachment_keys(upload_id) == []


def tag(upload_id: str, status: str) -> None:
    from chalicelib.persistence import upload_store

    boto3.client("s3").put_object_tagging(
        Bucket=get_settings().bucket_uploads,
        Key=upload_store.get(upload_id).key,
        Tagging={"TagSet": [{"Key": SCAN_TAG, "Value": status}]},
    )


class TestGuardDutyTags:
    def test_a_file_not_scanned_yet_asks_for_a_retry_then_goes_through(self, client, guardduty):
        body, upload_id = with_first_file(client, PDF)
        for other in body["attachments"][1:]:
            tag(other["upload_id"], "NO_THREATS_FOUND")

        response_status, data = call(client, "POST", "/v1/dossiers", body)
        tag(upload_id, "NO_THREATS_FOUND")
        status, created = call(client, "POST", "/v1/dossiers", body)

        assert response_status == 409 and data["error"]["code"] == "UPLOAD_SCAN_PENDING"
        assert data["error"]["details"][0]["field"] == "attachments[0]"
        assert status == 201, created

    @pytest.mark.parametrize(
        ("scan", "code"),
        [("THREATS_FOUND", "UPLOAD_INFECTED"), ("UNSUPPORTED", "UPLOAD_SCAN_FAILED")],
    )
    def test_a_threat_or_a_failed_scan_is_refused(self, client, guardduty, scan, code):
        body, upload_id = with_first_file(client, PDF)
        for other in body["attachments"]:
            tag(other["upload_id"], "NO_THREATS_FOUND")
        tag(upload_id, scan)

        error = refused(client, body)

        assert error["code"] == code and error["details"][0]["code"] == code
        assert attachment_keys(upload_id) == []


def feedback_upload(client, content, content_type="image/jpeg", filename="rac.jpg.exe"):
    status, data = call(
        client,
        "POST",
        "/v1/feedback/uploads",
        {"filename": filename, "content_type": content_type, "size_bytes": len(content)},
    )
    assert status == 201, data
    put_uploaded_file(data, content_type, content)
    return data["upload_id"]


class TestFeedbackUploads:
    def send(self, client, upload_id, phone=None):
        body = feedback_body(phone=phone or random_phone(), attachments=[{"upload_id": upload_id}])
        return call(client, "POST", "/v1/feedback", body)

    def test_an_executable_declared_as_a_photo_is_refused(self, client):
        status, data = self.send(client, feedback_upload(client, EXECUTABLE))

        assert status == 400 and data["error"]["code"] == "UPLOAD_TYPE_MISMATCH"
        assert data["error"]["details"][0]["message"] == "Nội dung tệp không phải JPG như đã khai"

    def test_the_eicar_test_file_is_refused(self, client):
        photo = SAMPLE_FILES["image/jpeg"] + EICAR
        status, data = self.send(client, feedback_upload(client, photo))

        assert status == 400 and data["error"]["code"] == "UPLOAD_INFECTED"

    def test_a_real_photo_is_kept_under_a_name_from_its_type(self, client):
        photo = feedback_upload(client, SAMPLE_FILES["image/png"], "image/png", "anh.png.exe")
        phone = random_phone()

        status, created = self.send(client, photo, phone)
        _, view = call(client, "GET", f"/v1/feedback/{created['id']}?phone={phone}")

        assert status == 201, created
        assert view["attachments"][0]["filename"] == "anh.png"
        assert view["attachments"][0]["content_type"] == "image/png"


class TestSupplements:
    def test_an_executable_sent_as_a_supplement_is_refused_and_the_request_stays_open(self, client):
        from tests.factories import submit
        from tests.functional.test_supplements import request_supplement

        body, created = submit(client)
        code, phone = created["code"], body["applicant"]["phone"]
        request_supplement(client, code)
        component = first_component(client)
        bad = upload(client, component, content=EXECUTABLE, content_type="application/pdf")

        status, data = call(
            client,
            "POST",
            f"/v1/dossiers/{code}/supplements",
            {
                "phone": phone,
                "attachments": [{"component_code": component["code"], "upload_id": bad}],
            },
        )
        _, view = call(client, "GET", f"/v1/dossiers/{code}?phone={phone}")

        assert status == 400 and data["error"]["code"] == "UPLOAD_TYPE_MISMATCH"
        assert view["status"] == "supplement_requested"


def test_an_upload_serves_only_what_it_was_requested_for(client):
    """A feedback's photo is not a dossier component, and a dossier's file is not a feedback's
    attachment: each upload says what it is for (not a pseudo procedure code)."""
    photo = feedback_upload(client, SAMPLE_FILES["image/jpeg"], filename="anh.jpg")
    body = submission(client)
    component = body["attachments"][0]["component_code"]
    into_dossier = {**body, "attachments": [{"component_code": component, "upload_id": photo}]}
    dossier_file = body["attachments"][0]["upload_id"]

    status, refused = call(client, "POST", "/v1/dossiers", into_dossier)
    feedback_status, feedback_refused = TestFeedbackUploads().send(client, dossier_file)

    assert status == 400 and refused["error"]["details"][0]["field"] == "attachments[0]"
    assert feedback_status == 400
    assert "hồ sơ thủ tục" in feedback_refused["error"]["details"][0]["message"]
