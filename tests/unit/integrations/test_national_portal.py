"""The national portal adapter over httpx.MockTransport: what it sends, and how each answer is
classed (temporary: retry later; permanent: the record is failed)."""

from __future__ import annotations

import base64
import json

import httpx
import pytest

from chalicelib.integrations.national_portal import (
    HttpNationalPortal,
    NationalPortalConfig,
    NationalPortalPermanentError,
    NationalPortalTemporaryError,
)

CONFIG = NationalPortalConfig("https://dvcqg.test/api/v1", "bac-ninh", "s3cret")
RECORD = {"dossier_code": "000.00.51.H06-250101-0001", "version": 3, "status": {"code": 2}}


def portal(handler) -> HttpNationalPortal:
    return HttpNationalPortal(CONFIG, httpx.Client(transport=httpx.MockTransport(handler)))


def test_it_posts_the_record_with_basic_credentials_to_the_dossier_url():
    seen = []

    def server(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"accepted": True})

    portal(server).send(RECORD)

    (request,) = seen
    assert request.method == "POST"
    assert str(request.url) == (
        "https://dvcqg.test/api/v1/dossiers/000.00.51.H06-250101-0001/statuses"
    )
    assert (
        request.headers["authorization"] == "Basic " + base64.b64encode(b"bac-ninh:s3cret").decode()
    )
    assert json.loads(request.content) == RECORD


@pytest.mark.parametrize("status", [500, 502, 503, 504, 408, 429])
def test_server_errors_throttling_and_timeouts_answered_are_temporary(status):
    with pytest.raises(NationalPortalTemporaryError, match=str(status)):
        portal(lambda r: httpx.Response(status, json={"error": {"message": "bận"}})).send(RECORD)


@pytest.mark.parametrize(
    "failure", [httpx.ReadTimeout("slow"), httpx.ConnectError("refused"), httpx.ConnectTimeout("x")]
)
def test_transport_failures_are_temporary(failure):
    def server(request):
        raise failure

    with pytest.raises(NationalPortalTemporaryError):
        portal(server).send(RECORD)


@pytest.mark.parametrize("status", [400, 401, 403, 409, 422])
def test_other_client_errors_are_permanent_with_the_national_reason(status):
    body = {
        "error": {
            "message": "Bản ghi không hợp lệ",
            "details": [{"field": "dates.submitted", "message": "sai định dạng"}],
        }
    }

    with pytest.raises(NationalPortalPermanentError) as refused:
        portal(lambda r: httpx.Response(status, json=body)).send(RECORD)

    assert str(status) in str(refused.value)
    assert "dates.submitted: sai định dạng" in str(refused.value)


def test_a_non_json_refusal_keeps_its_text():
    with pytest.raises(NationalPortalPermanentError, match="Forbidden"):
        portal(lambda r: httpx.Response(403, text="Forbidden")).send(RECORD)
