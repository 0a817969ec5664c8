"""What outside testers found using real clients against the integrations (VNPay, Open311,
Zalo, the notifications' links): each case failed before its fix."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import httpx
import pytest

from chalicelib.services.national_portal import intake as national_intake
from tests.factories import submit, token
from tests.functional.notify_helpers import dev_messages, drain, outbox_events, run_events
from tests.functional.payment_flow import ipn_query
from tests.functional.test_national_intake import PDF, national_body
from tests.functional.test_zalo_webhook import chat, user_id

STRAY_TYPES = ["application/x-www-form-urlencoded", "text/plain; charset=UTF-8"]


class TestABodilessGetIgnoresItsContentType:
    """Some HTTP clients (and redirects followed after a form POST) send a Content-Type with a
    GET that has no body; the answer must be the route's own, never a 415."""

    @pytest.mark.parametrize("content_type", STRAY_TYPES)
    def test_the_vnpay_ipn_still_answers_its_rsp_code(self, client, content_type):
        query = ipn_query("NOSUCHORDER1", 5000)

        response = client.http.get(
            f"/webhooks/vnpay/ipn?{urlencode(query)}", headers={"Content-Type": content_type}
        )

        assert response.status_code == 200
        assert json.loads(response.body) == {"RspCode": "01", "Message": "Order not found"}

    @pytest.mark.parametrize("content_type", STRAY_TYPES)
    def test_the_payment_return_page_is_shown(self, client, content_type):
        query = ipn_query("ANY1", 5000, response="24", status="02")

        response = client.http.get(
            f"/payments/vnpay/return?{urlencode(query)}", headers={"Content-Type": content_type}
        )

        assert response.status_code == 200
        assert "Bạn đã hủy giao dịch" in response.body.decode()

    @pytest.mark.parametrize("content_type", STRAY_TYPES)
    def test_open311_lists_its_services(self, client, content_type):
        response = client.http.get(
            "/open311/v2/services.xml", headers={"Content-Type": content_type}
        )

        assert response.status_code == 200
        assert b"<services>" in response.body

    def test_a_post_with_the_wrong_type_is_still_refused(self, client):
        response = client.http.post(
            "/dev/token", body=b"role=citizen", headers={"Content-Type": "text/plain"}
        )

        assert response.status_code == 415


NOT_CHARGED = "Bạn chưa bị trừ tiền"


class TestTheReturnPageNeverDeniesACharge:
    """VNPay's `07` means the money was taken (the transaction is held as suspicious), and `99`
    or an unknown code or a transaction still in progress says nothing about the account: the
    page must not tell the citizen they were not charged, nor invite them to pay again."""

    @pytest.mark.parametrize(
        ("response", "status"),
        [("07", "00"), ("07", "07"), ("99", "02"), ("00", "01"), ("42", "02")],
    )
    def test_an_outcome_that_may_have_charged_the_citizen(self, client, response, status):
        query = ipn_query("ANY1", 5000, response=response, status=status)

        page = client.http.get(f"/payments/vnpay/return?{urlencode(query)}").body.decode()

        assert "Giao dịch chưa được xác nhận" in page
        assert NOT_CHARGED not in page and "Giao dịch không thành công" not in page
        assert "không thanh toán lại" in page

    @pytest.mark.parametrize("response", ["24", "51", "11"])
    def test_a_declined_payment_still_says_nothing_was_taken(self, client, response):
        query = ipn_query("ANY1", 5000, response=response, status="02")

        page = client.http.get(f"/payments/vnpay/return?{urlencode(query)}").body.decode()

        assert "Giao dịch không thành công" in page and NOT_CHARGED in page


class TestMessagesLinkToPagesNotToTheJsonApi:
    """A citizen opening the link of an SMS or a Zalo reply got the JSON API's 400 (no phone);
    an officer opening the inbox's link got the officer API's 401. Each link opens a page."""

    def test_the_citizen_and_officer_messages_of_a_new_dossier(self, client):
        _, created = submit(client, notify=["sms"])
        code = created["code"]

        run_events(client, outbox_events(code))
        drain(client)

        texts = {
            m["template"]: m["text"] for m in dev_messages(client) if m["dossier_code"] == code
        }
        assert f"/tra-cuu?ma={code}" in texts["received"]
        assert f"/can-bo/ho-so/{code}" in texts["officer_new_dossier"]
        assert "/v1/" not in texts["received"] + texts["officer_new_dossier"]

    def test_the_zalo_lookup_reply(self, client):
        body, created = submit(client)
        code, phone = created["code"], body["applicant"]["phone"]

        reply = chat(client, user_id(), f"tra cuu {code} {phone}")

        assert reply.endswith(f"/tra-cuu?ma={code}") and "/v1/" not in reply


class TestOpen311PostWithoutAServiceCode:
    """GeoReport v2: a required field missing is a 400 naming it; 404 is for a service_code
    that does not exist (the answer used to be a 404 about the service ``''``)."""

    @pytest.mark.parametrize("fmt", ["json", "xml"])
    def test_is_a_400_naming_the_field(self, client, fmt):
        fields = {"api_key": "dvc-local-open311-key", "address_string": "Số 1", "description": "x"}

        response = client.http.post(
            f"/open311/v2/requests.{fmt}",
            body=urlencode(fields),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )

        assert response.status_code == 400
        text = response.body.decode()
        assert "service_code" in text and "''" not in text
        if fmt == "json":
            assert [e["code"] for e in json.loads(text)] == [400]
        else:
            assert "<errors><error><code>400</code>" in text


class TestNationalFilesOutOfReach:
    """The national portal's file host timing out, unreachable or answering 5xx/429 is no fault
    of the record: the connector is asked to send it again (503, Retry-After), not told the
    record is invalid (a 400 it would not retry)."""

    @pytest.fixture
    def file_host(self, monkeypatch):
        def answer(request: httpx.Request) -> httpx.Response:
            if request.url.path.endswith("/down.pdf"):
                raise httpx.ConnectError("unreachable", request=request)
            if request.url.path.endswith("/busy.pdf"):
                return httpx.Response(503)
            if request.url.path.endswith("/missing.pdf"):
                return httpx.Response(404)
            return httpx.Response(200, content=PDF)

        served = httpx.Client(transport=httpx.MockTransport(answer))
        monkeypatch.setattr(national_intake, "http_client", lambda: served)

    def send(self, client, name):
        body = national_body(client)
        body["attachments"][0]["url"] = f"https://files.dichvucong.test/{name}"
        service = token(client, role="service", subject="dvcqg-connector")
        response = client.http.post(
            "/v1/integrations/national-portal/dossiers",
            body=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {service}"},
        )
        return response.status_code, response.headers, json.loads(response.body)

    @pytest.mark.parametrize("name", ["down.pdf", "busy.pdf"])
    def test_asks_the_connector_to_retry(self, client, file_host, name):
        status, headers, answer = self.send(client, name)

        assert status == 503 and answer["error"]["code"] == "SERVICE_UNAVAILABLE"
        assert [d["field"] for d in answer["error"]["details"]] == ["attachments[0].url"]
        assert int(headers["Retry-After"]) > 0

    def test_a_file_that_is_not_there_is_still_a_400(self, client, file_host):
        status, _, answer = self.send(client, "missing.pdf")

        assert status == 400 and answer["error"]["code"] == "VALIDATION_FAILED"
