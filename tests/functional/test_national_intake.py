"""Dossiers and feedback arriving from the national portal: created once per national
reference, attachments fetched within bounds, invalid records refused whole with every problem."""

from __future__ import annotations

import uuid

import boto3
import httpx
import pytest

from chalicelib.config import get_settings
from chalicelib.integrations.malware_scan import SCAN_TAG
from chalicelib.persistence import national_intake_store
from chalicelib.services.national_portal import gateway, intake
from tests.factories import (
    RECEIVING_AGENCY,
    call,
    form_example,
    procedure,
    put_uploaded_file,
    random_phone,
    token,
)
from tests.functional.national_helpers import received, run_sync, standin_portal
from tests.functional.test_officer_workflow import detail, officer

PDF = b"%PDF-1.4\n% national portal file\n" + b"0" * 200
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PROCEDURE = "1.001193"
URL = "https://files.dichvucong.test"


def file_server(request: httpx.Request) -> httpx.Response:
    assert request.url.host == "files.dichvucong.test", "fetched from an untrusted host"
    path = request.url.path
    if path.endswith("/slow.pdf"):
        raise httpx.ReadTimeout("slow", request=request)
    if path.endswith("/missing.pdf"):
        return httpx.Response(404)
    if path.endswith("/page.pdf"):
        return httpx.Response(200, content=b"<html>not a pdf</html>")
    if path.endswith("/huge.pdf"):
        return httpx.Response(200, content=PDF + b"0" * (11 * 1024 * 1024))
    if path.endswith(".png"):
        return httpx.Response(200, content=PNG)
    return httpx.Response(200, content=PDF)


@pytest.fixture(autouse=True)
def national_files(monkeypatch):
    served = httpx.Client(transport=httpx.MockTransport(file_server))
    monkeypatch.setattr(intake, "http_client", lambda: served)


@pytest.fixture
def service(client):
    return token(client, role="service", subject="dvcqg-connector")


def national_body(client, **overrides) -> dict:
    proc = procedure(client, PROCEDURE)
    body = {
        "national_code": f"G22.{uuid.uuid4().hex[:12]}",
        "procedure_code": PROCEDURE,
        "agency": next(a for a in proc["agencies"] if a["id"] == RECEIVING_AGENCY[PROCEDURE])[
            "id_code"
        ],
        "applicant": {
            "full_name": "Trần Thị Bình",
            "id_number": "001190000002",
            "phone": random_phone(),
        },
        "form": form_example(client, PROCEDURE),
        "attachments": [
            {
                "component_code": "TP2",
                "url": f"{URL}/giay-chung-sinh.pdf",
                "filename": "giay-chung-sinh.pdf",
                "content_type": "application/pdf",
                "from_national_repository": True,
            }
        ],
        "submitted_at": "2025-03-03T08:00:00+07:00",
    }
    body.update(overrides)
    return body


def post(client, body, service_token, headers=None):
    return call(
        client,
        "POST",
        "/v1/integrations/national-portal/dossiers",
        body,
        token=service_token,
        headers=headers,
    )


def quarantine_keys() -> set[str]:
    listed = boto3.client("s3").list_objects_v2(
        Bucket=get_settings().bucket_uploads, Prefix="quarantine/"
    )
    return {o["Key"] for o in listed.get("Contents", [])}


class TestDossiers:
    def test_a_dossier_from_the_national_portal_is_created_with_its_files(self, client, service):
        body = national_body(client)

        status, created = post(client, body, service)

        assert status == 201, created
        assert created["national_code"] == body["national_code"]
        assert created["channel"] == "national_portal" and created["status"] == "submitted"
        desk = officer(client)
        _, view = detail(client, created["code"], desk)
        assert [a["component_code"] for a in view["attachments"]] == ["TP2"]
        assert view["attachments"][0]["content_type"] == "application/pdf"
        assert view["attachments"][0]["from_national_repository"] is True
        _, looked_up = call(
            client, "GET", f"/v1/dossiers/{created['code']}?phone={body['applicant']['phone']}"
        )
        assert looked_up["status"] == "submitted"

    def test_the_same_national_code_again_is_the_same_dossier(self, client, service):
        body = national_body(client)
        _, first = post(client, body, service, {"Idempotency-Key": "a"})
        again = {**body, "attachments": [{**body["attachments"][0], "url": f"{URL}/new-token.pdf"}]}

        status, second = post(client, again, service, {"Idempotency-Key": "b"})

        assert status == 200 and second["code"] == first["code"]
        assert national_intake_store.created("DOSSIER", body["national_code"]) == first["code"]

    def test_its_status_changes_reach_the_national_portal_with_its_national_code(
        self, client, service, monkeypatch
    ):
        monkeypatch.setattr(gateway, "portal", lambda: standin_portal(client))
        _, created = post(client, national_body(client), service)

        run_sync(client, created["code"])

        (item,) = received(client, created["code"])
        record = item["record"]
        assert record["channel"] == "national_portal"
        assert record["national_code"] == created["national_code"]
        assert record["dates"]["submitted"] == "20250303080000"
        assert record["documents"][0]["from_national_repository"] is True

    def test_files_may_also_come_as_uploads_of_the_connector(self, client, service):
        status, upload = call(
            client,
            "POST",
            "/v1/uploads",
            {
                "procedure_code": PROCEDURE,
                "component_code": "TP2",
                "filename": "a.pdf",
                "content_type": "application/pdf",
                "size_bytes": len(PDF),
            },
            token=service,
        )
        assert status == 201, upload
        put_uploaded_file(upload, "application/pdf", PDF)
        body = national_body(
            client, attachments=[{"component_code": "TP2", "upload_id": upload["upload_id"]}]
        )

        status, created = post(client, body, service)

        assert status == 201, created

    def test_an_invalid_record_lists_every_problem_and_stores_nothing(self, client, service):
        before = quarantine_keys()
        body = national_body(
            client,
            agency="000.00.00.H06",
            form={},
            attachments=[
                {"component_code": "TP2", "url": f"{URL}/ok.pdf", "filename": "ok.pdf",
                 "content_type": "application/pdf"},
                {"component_code": "TP3", "url": f"{URL}/huge.pdf", "filename": "huge.pdf",
                 "content_type": "application/pdf"},
                {"component_code": "TP3", "url": f"{URL}/page.pdf", "filename": "page.pdf",
                 "content_type": "application/pdf"},
                {"component_code": "TP3", "url": f"{URL}/slow.pdf", "filename": "slow.pdf",
                 "content_type": "application/pdf"},
                {"component_code": "TP3", "url": f"{URL}/missing.pdf", "filename": "m.pdf",
                 "content_type": "application/pdf"},
                {"component_code": "TP3", "url": f"{URL}/photo.png", "filename": "p.png",
                 "content_type": "application/pdf"},
                {"component_code": "TP9", "url": f"{URL}/x.pdf", "filename": "x.pdf",
                 "content_type": "application/pdf"},
                {"component_code": "TP3", "url": "http://169.254.169.254/latest/meta-data",
                 "filename": "x.pdf", "content_type": "application/pdf"},
            ],
        )  # fmt: skip

        status, refused = post(client, body, service)

        assert status == 400 and refused["error"]["code"] == "VALIDATION_FAILED"
        fields = [d["field"] for d in refused["error"]["details"]]
        assert "agency" in fields
        assert any(f.startswith("form") for f in fields)
        for i in (1, 2, 3, 4, 5, 7):
            assert f"attachments[{i}].url" in fields, (i, refused)
        assert "attachments[6].component_code" in fields
        assert national_intake_store.created("DOSSIER", body["national_code"]) is None
        assert quarantine_keys() == before

    def test_a_badly_shaped_record_is_refused_by_its_schema(self, client, service):
        body = national_body(client)
        del body["national_code"]
        body["attachments"] = [{"component_code": "TP2"}]

        status, refused = post(client, body, service)

        assert status == 400
        fields = {d["field"] for d in refused["error"]["details"]}
        assert "national_code" in fields and any(f.startswith("attachments") for f in fields)

    @pytest.mark.parametrize(("role", "expected"), [(None, 401), ("citizen", 403)])
    def test_only_service_credentials_may_send(self, client, role, expected):
        caller = token(client, role=role) if role else None

        status, _ = post(client, national_body(client), caller)

        assert status == expected


class TestFeedback:
    def feedback_body(self, **overrides) -> dict:
        body = {
            "national_reference": f"PAKN.{uuid.uuid4().hex[:10]}",
            "title": "Đường hỏng",
            "content": "Mặt đường trước cổng chợ bị hỏng nặng.",
            "category": "co_so_ha_tang",
            "sender": {"full_name": "Lê Văn Cường", "phone": random_phone()},
            "public": False,
            "submitted_at": "2025-03-03T09:00:00+07:00",
        }
        body.update(overrides)
        return body

    def test_feedback_from_the_national_pakn_system_is_received_once(self, client, service):
        body = self.feedback_body()
        path = "/v1/integrations/national-portal/feedback"

        first = call(client, "POST", path, body, token=service)
        second = call(
            client, "POST", path, {**body, "title": "Đường hỏng (gửi lại)"}, token=service
        )

        assert first[0] == 201, first
        assert second[0] == 200 and second[1]["id"] == first[1]["id"]
        assert first[1]["national_reference"] == body["national_reference"]

    def test_feedback_media_must_be_https_links(self, client, service):
        body = self.feedback_body(attachments=[{"url": "http://example.vn/anh.jpg"}])

        status, refused = call(
            client, "POST", "/v1/integrations/national-portal/feedback", body, token=service
        )

        assert status == 400 and refused["error"]["code"] == "VALIDATION_FAILED"

    def test_invalid_feedback_lists_every_problem(self, client, service):
        body = self.feedback_body(category="khong-co", agency="khong-co-co-quan")
        del body["content"]

        status, refused = call(
            client, "POST", "/v1/integrations/national-portal/feedback", body, token=service
        )

        assert status == 400
        fields = {d["field"] for d in refused["error"]["details"]}
        assert {"content", "category"} <= fields


class TestFilesStillBeingScanned:
    def test_the_retry_finds_the_fetched_file_instead_of_fetching_it_again(
        self, client, service, guardduty, monkeypatch
    ):
        body = national_body(client)
        first, data = post(client, body, service)
        fetched = [k for k in quarantine_keys() if k.endswith("/giay-chung-sinh.pdf")]
        for key in fetched:
            boto3.client("s3").put_object_tagging(
                Bucket=get_settings().bucket_uploads,
                Key=key,
                Tagging={"TagSet": [{"Key": SCAN_TAG, "Value": "NO_THREATS_FOUND"}]},
            )
        monkeypatch.setattr(intake, "http_client", lambda: pytest.fail("fetched again"))

        status, created = post(client, body, service)

        assert first == 409 and data["error"]["code"] == "UPLOAD_SCAN_PENDING"
        assert data["error"]["details"][0]["field"] == "attachments[0]"
        assert status == 201, created
