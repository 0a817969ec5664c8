"""SMS port with the eSMS.vn adapter (§5.2) over httpx.MockTransport, and the SES email port."""

from __future__ import annotations

import json

import boto3
import httpx
import pytest
from botocore.stub import Stubber

from chalicelib.integrations.email import (
    EmailPermanentError,
    EmailTemporaryError,
    FakeEmailSender,
    SesEmailSender,
)
from chalicelib.integrations.sms import (
    ESMS_SEND_URL,
    DeliveryStatus,
    EsmsGateway,
    FakeSmsGateway,
    SmsDuplicateError,
    SmsPermanentError,
    SmsTemporaryError,
    normalise_vn_mobile,
)


class TestNormaliseVnMobile:
    @pytest.mark.parametrize(
        "phone", ["0912345678", "+84912345678", "84912345678", "0912 345 678", "091.234.5678"]
    )
    def test_usual_forms_become_84_digits(self, phone):
        assert normalise_vn_mobile(phone) == "84912345678"

    @pytest.mark.parametrize("phone", ["", "12345", "02438253535", "091234567", "09123456789"])
    def test_anything_else_is_refused_without_echoing_the_number(self, phone):
        with pytest.raises(ValueError) as caught:
            normalise_vn_mobile(phone)
        assert str(caught.value) == "not a Vietnamese mobile number"


def esms(answer, seen=None, **options):
    def handler(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(request)
        if isinstance(answer, Exception):
            raise answer
        return answer

    http = httpx.Client(transport=httpx.MockTransport(handler))
    return EsmsGateway(http, "API-KEY", "SECRET-KEY", "UBND_XYZ", **options)


ACCEPTED = httpx.Response(200, json={"CodeResult": "100", "CountRegenerate": 0, "SMSID": "sms-1"})


class TestEsmsSend:
    def test_posts_a_customer_care_message_and_returns_the_sms_id(self):
        seen: list[httpx.Request] = []
        gateway = esms(ACCEPTED, seen, callback_url="https://portal.example/sms/cb/t0k3n")
        assert gateway.send("0912345678", "Ma OTP cua ban la 123456", "req-1") == "sms-1"
        (request,) = seen
        assert str(request.url) == ESMS_SEND_URL
        assert json.loads(request.content) == {
            "ApiKey": "API-KEY",
            "SecretKey": "SECRET-KEY",
            "Phone": "84912345678",
            "Content": "Ma OTP cua ban la 123456",
            "Brandname": "UBND_XYZ",
            "SmsType": "2",
            "IsUnicode": "0",
            "Sandbox": "0",
            "RequestId": "req-1",
            "CallbackUrl": "https://portal.example/sms/cb/t0k3n",
        }

    def test_vietnamese_text_is_sent_as_unicode_and_sandbox_is_passed_on(self):
        seen: list[httpx.Request] = []
        esms(ACCEPTED, seen, sandbox=True).send("0912345678", "Hồ sơ đã tiếp nhận", "req-2")
        body = json.loads(seen[0].content)
        assert (body["IsUnicode"], body["Sandbox"]) == ("1", "1")
        assert "CallbackUrl" not in body

    def test_an_invalid_phone_is_permanent_and_nothing_is_sent(self):
        seen: list[httpx.Request] = []
        with pytest.raises(SmsPermanentError):
            esms(ACCEPTED, seen).send("12345", "x", "req-3")
        assert seen == []

    @pytest.mark.parametrize(
        ("code", "error"),
        [
            ("99", SmsTemporaryError),
            ("124", SmsDuplicateError),
            ("101", SmsPermanentError),
            ("104", SmsPermanentError),
            ("146", SmsPermanentError),
        ],
    )
    def test_result_codes_map_to_the_error_tree(self, code, error):
        answer = httpx.Response(200, json={"CodeResult": code, "ErrorMessage": "..."})
        with pytest.raises(error) as caught:
            esms(answer).send("0912345678", "x", "req-4")
        assert caught.value.code == code

    def test_a_duplicate_is_not_a_reason_to_fall_back(self):
        assert not issubclass(SmsDuplicateError, SmsPermanentError)

    @pytest.mark.parametrize(
        "answer",
        [httpx.Response(502), httpx.Response(200, text="oops"), httpx.ReadTimeout("slow")],
    )
    def test_outages_are_temporary(self, answer):
        with pytest.raises(SmsTemporaryError):
            esms(answer).send("0912345678", "x", "req-5")

    def test_logs_carry_neither_phone_numbers_nor_keys(self, caplog):
        with caplog.at_level("DEBUG"):
            esms(ACCEPTED).send("0912345678", "x", "req-6")
        logged = " ".join(str(record.__dict__) for record in caplog.records)
        for secret in ("912345678", "API-KEY", "SECRET-KEY"):
            assert secret not in logged


class TestEsmsCallback:
    def callback(self, **overrides):
        query = {
            "SMSID": "sms-1",
            "SendFailed": "0",
            "SendStatus": "5",
            "SendSuccess": "1",
            "TotalPrice": "800",
            "TotalReceiver": "1",
            "TotalSent": "1",
            "RequestId": "req-1",
            "TypeId": "2",
            "telcoid": "1",
            "phonenumber": "84912345678",
        }
        return EsmsGateway.parse_callback(query | overrides)

    def test_sent_ok(self):
        report = self.callback()
        assert (report.provider_message_id, report.ref) == ("sms-1", "req-1")
        assert report.status is DeliveryStatus.DELIVERED
        assert "84912345678" not in repr(report)

    @pytest.mark.parametrize(
        ("overrides", "status"),
        [
            ({"SendStatus": "4"}, DeliveryStatus.FAILED),
            ({"SendFailed": "1", "SendSuccess": "0"}, DeliveryStatus.FAILED),
            ({"SendStatus": "1"}, DeliveryStatus.PENDING),
            ({"SendStatus": "2"}, DeliveryStatus.PENDING),
            ({"SendStatus": "7"}, DeliveryStatus.PENDING),
        ],
    )
    def test_statuses(self, overrides, status):
        assert self.callback(**overrides).status is status

    def test_a_callback_without_ids_is_refused(self):
        with pytest.raises(ValueError):
            self.callback(SMSID="", RequestId="")


def test_fake_sms_gateway_records_and_fails_on_demand():
    fake = FakeSmsGateway()
    assert fake.send("0912345678", "xin chao", "r1") == "fake-sms-1"
    assert fake.sent == [("84912345678", "xin chao", "r1")]
    fake.error = SmsTemporaryError("down")
    with pytest.raises(SmsTemporaryError):
        fake.send("0912345678", "xin chao", "r2")


# SesEmailSender lives in chalicelib/integrations/email.py; its tests sit here with the other
# notification channels.
@pytest.fixture
def ses():
    client = boto3.client(
        "sesv2",
        region_name="ap-southeast-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    with Stubber(client) as stubber:
        yield client, stubber


class TestSesEmailSender:
    def test_sends_a_utf8_simple_message_through_the_configuration_set(self, ses):
        client, stubber = ses
        stubber.add_response(
            "send_email",
            {"MessageId": "ses-1"},
            {
                "FromEmailAddress": "no-reply@dichvucong.example.vn",
                "Destination": {"ToAddresses": ["citizen@example.com"]},
                "Content": {
                    "Simple": {
                        "Subject": {"Data": "Hồ sơ đã tiếp nhận", "Charset": "UTF-8"},
                        "Body": {
                            "Text": {"Data": "Xin chào", "Charset": "UTF-8"},
                            "Html": {"Data": "<p>Xin chào</p>", "Charset": "UTF-8"},
                        },
                    }
                },
                "ConfigurationSetName": "portal",
            },
        )
        sender = SesEmailSender(
            client, "no-reply@dichvucong.example.vn", configuration_set="portal"
        )
        message_id = sender.send(
            "citizen@example.com", "Hồ sơ đã tiếp nhận", "Xin chào", html="<p>Xin chào</p>"
        )
        assert message_id == "ses-1"
        stubber.assert_no_pending_responses()

    @pytest.mark.parametrize(
        ("code", "error"),
        [
            ("TooManyRequestsException", EmailTemporaryError),
            ("LimitExceededException", EmailTemporaryError),
            ("MessageRejected", EmailPermanentError),
            ("SendingPausedException", EmailPermanentError),
        ],
    )
    def test_ses_errors_map_to_the_error_tree(self, ses, code, error):
        client, stubber = ses
        stubber.add_client_error("send_email", service_error_code=code, http_status_code=400)
        with pytest.raises(error) as caught:
            SesEmailSender(client, "no-reply@example.vn").send("a@example.com", "s", "t")
        assert caught.value.code == code


def test_fake_email_sender_records():
    fake = FakeEmailSender()
    assert fake.send("a@example.com", "Chủ đề", "Nội dung") == "fake-email-1"
    assert fake.sent == [("a@example.com", "Chủ đề", "Nội dung", None)]
    with pytest.raises(ValueError):
        fake.send("not-an-address", "s", "t")
