"""The channel port folds every provider's errors into temporary (retry) and permanent (fall
back), and the fake channels accept exactly what the real ones would."""

import json

import httpx
import pytest

from chalicelib.domain.notification_templates import Message
from chalicelib.integrations import notify_channels
from chalicelib.integrations.email import EmailPermanentError, EmailTemporaryError, FakeEmailSender
from chalicelib.integrations.notify_channels import (
    ChannelPermanentError,
    ChannelTemporaryError,
    EmailChannel,
    FakeZalo,
    InboxChannel,
    Job,
    SmsChannel,
    ZaloOaChannel,
    ZnsChannel,
)
from chalicelib.integrations.sms import (
    EsmsGateway,
    FakeSmsGateway,
    SmsDuplicateError,
    SmsPermanentError,
    SmsTemporaryError,
)
from chalicelib.integrations.zalo import ZaloAuthError, ZaloPermanentError, ZaloTemporaryError

MESSAGE = Message("Tiêu đề", "Nội dung có dấu", "Noi dung khong dau", {"ma_ho_so": "HS1"})


def job(channel, address="0912345678", template="accepted"):
    return Job("n1", channel, address, template, MESSAGE, "HS1")


class Raising:
    def __init__(self, error):
        self.error = error

    def send_zns(self, *args, **kwargs):
        raise self.error

    send_text = send = send_zns


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (ZaloTemporaryError("rate", -32), ChannelTemporaryError),
        (ZaloPermanentError("cannot receive", -114), ChannelPermanentError),
        (ZaloAuthError("refresh refused", -14014), ChannelPermanentError),
        (LookupError("not configured"), ChannelPermanentError),
    ],
)
def test_zalo_errors_are_folded(error, kind):
    channel = ZnsChannel(lambda: Raising(error), {"*": "1"})

    with pytest.raises(kind):
        channel.send(job("zalo"))


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (SmsTemporaryError("99", "99"), ChannelTemporaryError),
        (SmsPermanentError("104", "104"), ChannelPermanentError),
        (EmailTemporaryError("throttled"), ChannelTemporaryError),
        (EmailPermanentError("rejected"), ChannelPermanentError),
    ],
)
def test_sms_and_email_errors_are_folded(error, kind):
    channel = (
        EmailChannel(lambda: Raising(error))
        if "Email" in type(error).__name__
        else (SmsChannel(lambda: Raising(error)))
    )

    with pytest.raises(kind):
        channel.send(
            job(channel.name, "an@example.vn" if channel.name == "email" else "0912345678")
        )


def test_a_zns_template_must_be_configured():
    with pytest.raises(ChannelPermanentError, match="no ZNS template"):
        ZnsChannel(FakeZalo, {"received": "1"}).send(job("zalo", template="accepted"))


def test_zns_sends_the_template_parameters_and_the_notification_as_tracking_id():
    sent = {}

    class Recorder:
        def send_zns(self, phone, template_id, data, tracking_id, *, development=False):
            sent.update(phone=phone, template_id=template_id, data=data, tracking=tracking_id)
            return "z1"

    assert ZnsChannel(Recorder, {"*": "231677"}).send(job("zalo")) == "z1"
    assert sent == {
        "phone": "0912345678",
        "template_id": "231677",
        "data": {"ma_ho_so": "HS1"},
        "tracking": "n1",
    }


def test_sms_goes_out_in_ascii_with_the_notification_as_request_id():
    requests = []

    def esms(request):
        requests.append(json.loads(request.content))
        return httpx.Response(200, json={"CodeResult": "100", "SMSID": "sms-9"})

    gateway = EsmsGateway(httpx.Client(transport=httpx.MockTransport(esms)), "k", "s", "UBND")

    assert SmsChannel(lambda: gateway).send(job("sms")) == "sms-9"
    (payload,) = requests
    assert (payload["RequestId"], payload["Content"], payload["IsUnicode"]) == (
        "n1",
        "Noi dung khong dau",
        "0",
    )
    assert payload["Phone"] == "84912345678"


def test_an_sms_the_gateway_already_has_counts_as_sent():
    channel = SmsChannel(lambda: Raising(SmsDuplicateError("dup", "124")))

    assert channel.send(job("sms")) == "duplicate:n1"


@pytest.mark.parametrize("address", ["12345", "", "0212345678"])
def test_fake_channels_refuse_what_real_ones_would(address):
    for channel in (ZnsChannel(FakeZalo, {"*": "1"}), SmsChannel(FakeSmsGateway)):
        with pytest.raises(ChannelPermanentError):
            channel.send(job(channel.name, address))


def test_fake_channels_accept_valid_recipients():
    assert ZnsChannel(FakeZalo, {"*": "1"}).send(job("zalo")) == "fake-zns-n1"
    assert ZaloOaChannel(FakeZalo).send(job("zalo_oa", "2468")).startswith("fake-oa-")
    assert EmailChannel(FakeEmailSender).send(job("email", "an@example.vn")) == "fake-email-1"
    assert InboxChannel().send(job("inbox", "agency:x")) == "inbox:n1"


def test_the_fake_registry_marks_its_channels_for_the_dev_message_log(monkeypatch):
    monkeypatch.setenv("NOTIFY_CHANNELS_MODE", "fake")

    assert all(notify_channels.get(n).fake for n in ("zalo", "zalo_oa", "sms", "email", "inbox"))


def test_an_unconfigured_real_channel_fails_for_good_so_the_next_one_is_tried(monkeypatch):
    monkeypatch.setenv("NOTIFY_CHANNELS_MODE", "real")
    for name in (
        "ZALO_APP_ID",
        "ZALO_OA_SECRET",
        "SECRET_ZALO",
        "ESMS_API_KEY",
        "SECRET_SMS",
        "SES_SENDER",
    ):
        monkeypatch.delenv(name, raising=False)
    notify_channels._registry.cache_clear()

    for name, address in (
        ("zalo", "0912345678"),
        ("sms", "0912345678"),
        ("email", "an@example.vn"),
    ):
        with pytest.raises(ChannelPermanentError):
            notify_channels.get(name).send(job(name, address))
    notify_channels._registry.cache_clear()
