"""End to end: start `make run`'s stack as a subprocess on free ports and use it over HTTP as a
client would (the presigned upload goes to the emulated S3 as a browser would send it)."""

from __future__ import annotations

import urllib.error
import urllib.request
import uuid

import pytest

from bench.common import multipart, request

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def stack(portal):
    """The stack `make run` starts, shared by every end-to-end test of this process."""
    return portal


def test_health_and_openapi_are_served(stack):
    assert request("GET", f"{stack}/health")[1]["status"] == "ok"
    assert request("GET", f"{stack}/openapi.json")[1]["openapi"].startswith("3.1")


def test_search_without_diacritics_finds_birth_registration_first(stack):
    status, body = request("GET", f"{stack}/v1/procedures?q=dang%20ky%20khai%20sinh")

    assert status == 200 and body["items"][0]["code"] == "1.001193"


def test_unknown_route_gets_the_contract_error(stack):
    status, body = request("GET", f"{stack}/v1/nothing-here")

    assert status == 404 and body["error"]["code"] == "NOT_FOUND"


def test_upload_submit_and_look_up_over_http(stack):
    _, procedure = request("GET", f"{stack}/v1/procedures/1.001193")
    _, form = request("GET", f"{stack}/v1/procedures/1.001193/form")
    attachments = []
    for component in [
        c for c in procedure["components"] if c["required"] and not c.get("filled_online")
    ]:
        content = b"%PDF-1.4 giay chung sinh"
        status, upload = request(
            "POST",
            f"{stack}/v1/uploads",
            {
                "procedure_code": "1.001193",
                "component_code": component["code"],
                "filename": "giay-chung-sinh.pdf",
                "content_type": "application/pdf",
                "size_bytes": len(content),
            },
        )
        assert status == 201, upload
        body, content_type = multipart(
            upload["fields"], "giay-chung-sinh.pdf", content, "application/pdf"
        )
        post = urllib.request.Request(
            upload["url"], data=body, method="POST", headers={"Content-Type": content_type}
        )
        with urllib.request.urlopen(post, timeout=30) as answer:  # noqa: S310 - loopback only
            assert answer.status in (200, 201, 204)
        attachments.append({"component_code": component["code"], "upload_id": upload["upload_id"]})

    status, created = request(
        "POST",
        f"{stack}/v1/dossiers",
        {
            "procedure_code": "1.001193",
            "agency": "000.14.50.H06",
            "applicant": {
                "full_name": "Nguyễn Văn An",
                "id_number": "001099012345",
                "phone": "0912345678",
            },
            "form": form["examples"][0],
            "attachments": attachments,
            "result_delivery": procedure["delivery_options"][0],
            "notify": ["sms"],
        },
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )
    assert status == 201, created

    status, found = request("GET", f"{stack}/v1/dossiers/{created['code']}?phone=0912345678")
    assert status == 200 and found["status"] == "submitted"
    status, missing = request("GET", f"{stack}/v1/dossiers/{created['code']}?phone=0999999999")
    assert status == 404 and missing["error"]["code"] == "NOT_FOUND"
