"""The local fake VNPay against the real adapter: what one signs, the other verifies."""

import json
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx
import pytest

from chalicelib.integrations.fake_vnpay import FakeGatewayError, FakeVnpayGateway
from chalicelib.integrations.payments import PaymentState
from chalicelib.integrations.vnpay import (
    VnpayClient,
    VnpayConfig,
    VnpayProvider,
    build_payment_url,
)

ICT = timezone(timedelta(hours=7))
NOW = datetime(2025, 8, 1, 9, 0, tzinfo=ICT)
CONFIG = VnpayConfig(
    tmn_code="DVCLOCAL",
    hash_secret="local-secret-for-the-fake-gateway",
    payment_url="http://portal.test/dev/fake-gateway/pay",
    api_url="http://portal.test/dev/fake-gateway/querydr",
    return_url="http://portal.test/payments/vnpay/return",
)


def payment_query(txn_ref="0000056H062508010001ABC123", amount=5000, config=CONFIG) -> dict:
    url = build_payment_url(
        config,
        txn_ref=txn_ref,
        amount_vnd=amount,
        order_info="Thanh toán phí, lệ phí hồ sơ 000.00.56.H06-250801-0001",
        ip_addr="127.0.0.1",
        create_date=NOW,
        expire_date=NOW + timedelta(minutes=15),
    )
    return dict(parse_qsl(urlsplit(url).query))  # decoded, as API Gateway hands it over


def provider(gateway: FakeVnpayGateway, now=NOW) -> VnpayProvider:
    def querydr(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=gateway.querydr(json.loads(request.content), CONFIG, now))

    return VnpayProvider(
        CONFIG, VnpayClient(CONFIG, httpx.Client(transport=httpx.MockTransport(querydr)))
    )


def test_a_paid_payment_gives_a_return_query_the_adapter_verifies_as_paid():
    gateway = FakeVnpayGateway()
    gateway.open(payment_query(), CONFIG, NOW)

    query, return_url = gateway.finish("0000056H062508010001ABC123", True, CONFIG, NOW)
    received = dict(parse_qsl(urlencode(query)))  # through the URL, as the IPN arrives
    outcome = provider(gateway).verify_callback(received)

    assert return_url == CONFIG.return_url
    assert outcome.state is PaymentState.PAID and outcome.amount_vnd == 5000
    assert outcome.gateway_txn_id == query["vnp_TransactionNo"]


def test_a_cancelled_payment_is_verified_as_failed_with_code_24():
    gateway = FakeVnpayGateway()
    gateway.open(payment_query(), CONFIG, NOW)

    query, _ = gateway.finish("0000056H062508010001ABC123", False, CONFIG, NOW)
    outcome = provider(gateway).verify_callback(query)

    assert outcome.state is PaymentState.FAILED and outcome.result_code == "24"


@pytest.mark.parametrize(
    "change",
    [
        {"vnp_Amount": "100"},
        {"vnp_SecureHash": "0" * 128},
    ],
)
def test_a_tampered_payment_request_is_refused(change):
    with pytest.raises(FakeGatewayError, match="Sai chữ ký"):
        FakeVnpayGateway().open({**payment_query(), **change}, CONFIG, NOW)


def test_another_terminal_or_an_expired_request_is_refused():
    other = replace(CONFIG, tmn_code="OTHER123")
    with pytest.raises(FakeGatewayError, match="vnp_TmnCode"):
        FakeVnpayGateway().open(payment_query(config=other), CONFIG, NOW)
    with pytest.raises(FakeGatewayError, match="hết hạn"):
        FakeVnpayGateway().open(payment_query(), CONFIG, NOW + timedelta(minutes=16))


def test_a_payment_cannot_be_finished_twice():
    gateway = FakeVnpayGateway()
    gateway.open(payment_query(), CONFIG, NOW)
    gateway.finish("0000056H062508010001ABC123", True, CONFIG, NOW)

    with pytest.raises(FakeGatewayError):
        gateway.finish("0000056H062508010001ABC123", False, CONFIG, NOW)
    with pytest.raises(FakeGatewayError):
        gateway.open(payment_query(), CONFIG, NOW)


def test_querydr_answers_are_signed_and_read_by_the_adapter():
    gateway = FakeVnpayGateway()
    gateway.open(payment_query("PAIDREF1"), CONFIG, NOW)
    gateway.finish("PAIDREF1", True, CONFIG, NOW)
    gateway.open(payment_query("OPENREF1"), CONFIG, NOW)
    later = NOW + timedelta(minutes=30)

    def ask(ref, now):
        return provider(gateway, now).query(
            ref, created_at=NOW, ip_addr="127.0.0.1", now=now, request_id=ref.lower()
        )

    assert ask("PAIDREF1", later).state is PaymentState.PAID
    assert ask("OPENREF1", NOW + timedelta(minutes=5)).state is PaymentState.PENDING
    assert ask("OPENREF1", later) is None  # never paid and expired: unknown, as VNPay answers
    assert ask("NEVERSEEN", later) is None


def test_querydr_with_a_bad_checksum_answers_97():
    answer = FakeVnpayGateway().querydr({"vnp_TxnRef": "X", "vnp_SecureHash": "00"}, CONFIG, NOW)

    assert answer["vnp_ResponseCode"] == "97"
