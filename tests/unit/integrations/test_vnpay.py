"""VNPay 2.1.0 adapter against the docs/integrations.md §2 test vector, with httpx.MockTransport."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from chalicelib.integrations.payments import (
    FakePaymentProvider,
    PaymentPermanentError,
    PaymentSignatureError,
    PaymentState,
    PaymentTemporaryError,
)
from chalicelib.integrations.vnpay import (
    IpnCode,
    VnpayClient,
    VnpayConfig,
    VnpayProvider,
    ascii_text,
    build_payment_url,
    canonical_query,
    ipn_answer,
    parse_ipn,
    sign,
    verify,
)

# docs/integrations.md §2.3 self-computed test vector, verbatim.
SECRET = "TESTHASHSECRET0123456789ABCDEFGH"
CANON = (
    "vnp_Amount=1806000&vnp_Command=pay&vnp_CreateDate=20210801153333&vnp_CurrCode=VND"
    "&vnp_ExpireDate=20210801154833&vnp_IpAddr=127.0.0.1&vnp_Locale=vn"
    "&vnp_OrderInfo=Thanh+toan+don+hang+%3A5&vnp_OrderType=other"
    "&vnp_ReturnUrl=https%3A%2F%2Fdomainmerchant.vn%2FReturnUrl&vnp_TmnCode=DEMOV210"
    "&vnp_TxnRef=5&vnp_Version=2.1.0"
)
HASH = (
    "db7cd845cd5bfca204ae24927baad9ab197eee0126467c96a9d8ddc56295be19"
    "a2e35f9bfcf6c10884df34c102c9d279229dc0e401f08199b803f491b8cfa182"
)
# The same parameters, URL-decoded as API Gateway hands them over (§2.3).
VECTOR_PARAMS = {
    "vnp_Amount": "1806000",
    "vnp_Command": "pay",
    "vnp_CreateDate": "20210801153333",
    "vnp_CurrCode": "VND",
    "vnp_ExpireDate": "20210801154833",
    "vnp_IpAddr": "127.0.0.1",
    "vnp_Locale": "vn",
    "vnp_OrderInfo": "Thanh toan don hang :5",
    "vnp_OrderType": "other",
    "vnp_ReturnUrl": "https://domainmerchant.vn/ReturnUrl",
    "vnp_TmnCode": "DEMOV210",
    "vnp_TxnRef": "5",
    "vnp_Version": "2.1.0",
}
ICT = timezone(timedelta(hours=7))
CREATED = datetime(2021, 8, 1, 15, 33, 33, tzinfo=ICT)
API_URL = "https://sandbox.vnpayment.vn/merchant_webapi/api/transaction"
CONFIG = VnpayConfig(
    tmn_code="DEMOV210",
    hash_secret=SECRET,
    payment_url="https://sandbox.vnpayment.vn/paymentv2/vpcpay.html",
    api_url=API_URL,
    return_url="https://domainmerchant.vn/ReturnUrl",
)


def make_ipn(**overrides: str) -> dict[str, str]:
    query = {
        "vnp_TmnCode": "DEMOV210",
        "vnp_Amount": "1806000",
        "vnp_BankCode": "NCB",
        "vnp_BankTranNo": "VNP14226112",
        "vnp_CardType": "ATM",
        "vnp_OrderInfo": "Thanh toan don hang :5",
        "vnp_PayDate": "20210801154012",
        "vnp_ResponseCode": "00",
        "vnp_TransactionNo": "14226112",
        "vnp_TransactionStatus": "00",
        "vnp_TxnRef": "5",
    }
    query |= overrides
    query["vnp_SecureHash"] = sign(query, SECRET)
    return query


def hmac512(message: str) -> str:
    return hmac.new(SECRET.encode(), message.encode(), hashlib.sha512).hexdigest()


class TestSigning:
    def test_canonical_string_matches_the_reference_vector(self):
        assert canonical_query(VECTOR_PARAMS) == CANON

    def test_signature_matches_the_reference_vector(self):
        assert sign(VECTOR_PARAMS, SECRET) == HASH

    def test_hash_fields_empty_values_and_foreign_keys_are_not_signed(self):
        noisy = VECTOR_PARAMS | {
            "vnp_SecureHash": "x",
            "vnp_SecureHashType": "HmacSHA512",
            "vnp_BankCode": "",
            "utm_source": "zalo",
        }
        assert sign(noisy, SECRET) == HASH

    def test_verify_accepts_the_vector_in_either_case(self):
        assert verify(VECTOR_PARAMS | {"vnp_SecureHash": HASH}, SECRET)
        assert verify(VECTOR_PARAMS | {"vnp_SecureHash": HASH.upper()}, SECRET)

    def test_verify_ignores_secure_hash_type(self):
        query = VECTOR_PARAMS | {"vnp_SecureHash": HASH, "vnp_SecureHashType": "HmacSHA512"}
        assert verify(query, SECRET)

    @pytest.mark.parametrize(
        "tamper",
        [
            {"vnp_Amount": "180600"},
            {"vnp_TxnRef": "6"},
            {"vnp_SecureHash": "0" * 128},
            {"vnp_SecureHash": ""},
            {"vnp_SecureHash": "chữ ký giả"},
        ],
    )
    def test_verify_rejects_tampered_or_forged_queries(self, tamper):
        assert not verify(VECTOR_PARAMS | {"vnp_SecureHash": HASH} | tamper, SECRET)

    def test_verify_rejects_a_query_signed_with_another_secret(self):
        assert not verify(VECTOR_PARAMS | {"vnp_SecureHash": sign(VECTOR_PARAMS, "other")}, SECRET)

    def test_verify_rejects_a_missing_query(self):
        assert not verify(None, SECRET)


class TestBuildPaymentUrl:
    def build(self, **overrides):
        args = {
            "txn_ref": "5",
            "amount_vnd": 18_060,
            "order_info": "Thanh toan don hang :5",
            "ip_addr": "127.0.0.1",
            "create_date": CREATED,
            "expire_date": CREATED + timedelta(minutes=15),
        }
        return build_payment_url(CONFIG, **(args | overrides))

    def test_reproduces_the_reference_url(self):
        assert self.build() == f"{CONFIG.payment_url}?{CANON}&vnp_SecureHash={HASH}"

    def test_dates_are_written_in_vietnam_time(self):
        url = self.build(
            create_date=CREATED.astimezone(UTC),
            expire_date=(CREATED + timedelta(minutes=15)).astimezone(UTC),
        )
        assert url.endswith(f"vnp_SecureHash={HASH}")

    def test_naive_dates_are_refused(self):
        with pytest.raises(ValueError, match="timezone-aware"):
            self.build(create_date=datetime(2021, 8, 1, 15, 33, 33))

    def test_order_info_is_folded_to_ascii_before_signing(self):
        query = dict(parse_qsl(urlsplit(self.build(order_info="Lệ phí hồ sơ #Đ-01")).query))
        assert query["vnp_OrderInfo"] == "Le phi ho so D-01"
        assert verify(query, SECRET)

    def test_bank_code_is_signed_when_given(self):
        query = dict(parse_qsl(urlsplit(self.build(bank_code="NCB")).query))
        assert query["vnp_BankCode"] == "NCB"
        assert verify(query, SECRET)

    @pytest.mark.parametrize(
        "overrides",
        [{"txn_ref": "HS-2025-0001"}, {"amount_vnd": 0}, {"amount_vnd": 10**10}],
    )
    def test_refuses_values_vnpay_would_reject(self, overrides):
        with pytest.raises(ValueError):
            self.build(**overrides)

    def test_ascii_text_keeps_the_safe_characters(self):
        assert ascii_text("  Đăng ký khai sinh: 1.001193/2025 ") == (
            "Dang ky khai sinh: 1.001193/2025"
        )


class TestIpn:
    def test_parse_reads_a_paid_ipn(self):
        ipn = parse_ipn(make_ipn())
        assert ipn.txn_ref == "5"
        assert ipn.amount_vnd == 18_060
        assert ipn.transaction_no == "14226112"
        assert ipn.bank_code == "NCB"
        assert ipn.pay_date == datetime(2021, 8, 1, 15, 40, 12, tzinfo=ICT)
        assert ipn.paid

    @pytest.mark.parametrize(
        ("response_code", "transaction_status"), [("24", "02"), ("00", "01"), ("07", "00")]
    )
    def test_only_00_00_is_paid(self, response_code, transaction_status):
        query = make_ipn(vnp_ResponseCode=response_code, vnp_TransactionStatus=transaction_status)
        assert not parse_ipn(query).paid

    @pytest.mark.parametrize("amount", ["", "18.06", "1806050"])
    def test_parse_refuses_an_amount_that_is_not_whole_vnd(self, amount):
        with pytest.raises(ValueError):
            parse_ipn(make_ipn(vnp_Amount=amount))

    @pytest.mark.parametrize(
        ("code", "message"),
        [
            ("00", "Confirm Success"),
            ("01", "Order not found"),
            ("02", "Order already confirmed"),
            ("04", "Invalid amount"),
            ("97", "Invalid signature"),
            ("99", "Unknow error"),
        ],
    )
    def test_answers_use_the_reference_codes_and_messages(self, code, message):
        assert ipn_answer(code) == {"RspCode": code, "Message": message}

    def test_answer_accepts_the_named_codes_and_serialises_plain_strings(self):
        answer = ipn_answer(IpnCode.INVALID_AMOUNT)
        assert json.dumps(answer) == '{"RspCode": "04", "Message": "Invalid amount"}'

    def test_answer_refuses_an_unknown_code(self):
        with pytest.raises(ValueError):
            ipn_answer("42")


REQUEST_ID = "req20210802"
NOW = datetime(2021, 8, 2, 9, 0, 0, tzinfo=ICT)
# §2.6 request checksum fields, in order, for the query below.
REQUEST_PIPE = "req20210802|2.1.0|querydr|DEMOV210|5|20210801153333|20210802090000|10.0.0.1|Query 5"


def querydr_answer(**overrides: str) -> dict[str, str]:
    answer = {
        "vnp_ResponseId": "resp-1",
        "vnp_Command": "querydr",
        "vnp_ResponseCode": "00",
        "vnp_Message": "QueryDR Success",
        "vnp_TmnCode": "DEMOV210",
        "vnp_TxnRef": "5",
        "vnp_Amount": "1806000",
        "vnp_BankCode": "NCB",
        "vnp_PayDate": "20210801154012",
        "vnp_TransactionNo": "14226112",
        "vnp_TransactionType": "01",
        "vnp_TransactionStatus": "00",
        "vnp_OrderInfo": "Thanh toan don hang :5",
        "vnp_PromotionCode": "",
        "vnp_PromotionAmount": "",
    } | overrides
    # §2.6 response checksum fields, spelled out in order so the test checks the order too.
    pipe = "|".join(
        answer[name]
        for name in (
            "vnp_ResponseId", "vnp_Command", "vnp_ResponseCode", "vnp_Message", "vnp_TmnCode",
            "vnp_TxnRef", "vnp_Amount", "vnp_BankCode", "vnp_PayDate", "vnp_TransactionNo",
            "vnp_TransactionType", "vnp_TransactionStatus", "vnp_OrderInfo",
            "vnp_PromotionCode", "vnp_PromotionAmount",
        )
    )  # fmt: skip
    return answer | {"vnp_SecureHash": hmac512(pipe)}


def client_answering(answer, status=200, seen=None):
    def handler(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(request)
        if isinstance(answer, Exception):
            raise answer
        body = json.dumps(answer) if isinstance(answer, dict) else answer
        return httpx.Response(status, content=body)

    return VnpayClient(CONFIG, httpx.Client(transport=httpx.MockTransport(handler)))


def query(client):
    return client.query_transaction("5", CREATED, REQUEST_ID, "10.0.0.1", NOW)


class TestQueryTransaction:
    def test_request_is_signed_over_the_pipe_joined_fields(self):
        seen: list[httpx.Request] = []
        query(client_answering(querydr_answer(), seen=seen))
        (request,) = seen
        body = json.loads(request.content)
        assert request.method == "POST"
        assert str(request.url) == API_URL
        assert request.headers["content-type"] == "application/json"
        fields = (
            "vnp_RequestId", "vnp_Version", "vnp_Command", "vnp_TmnCode", "vnp_TxnRef",
            "vnp_TransactionDate", "vnp_CreateDate", "vnp_IpAddr", "vnp_OrderInfo",
        )  # fmt: skip
        assert "|".join(body[name] for name in fields) == REQUEST_PIPE
        assert body["vnp_SecureHash"] == hmac512(REQUEST_PIPE)

    def test_a_signed_paid_answer_is_returned(self):
        result = query(client_answering(querydr_answer()))
        assert result.response_code == "00"
        assert result.found and result.paid
        assert result.transaction.amount_vnd == 18_060
        assert result.transaction.transaction_no == "14226112"

    def test_numbers_in_the_json_answer_are_signed_as_text(self):
        answer = querydr_answer() | {"vnp_Amount": 1806000}
        assert query(client_answering(answer)).transaction.amount_vnd == 18_060

    def test_a_tampered_amount_is_refused(self):
        answer = querydr_answer() | {"vnp_Amount": "100"}
        with pytest.raises(PaymentSignatureError):
            query(client_answering(answer))

    def test_an_unsigned_answer_is_refused(self):
        answer = querydr_answer()
        del answer["vnp_SecureHash"]
        with pytest.raises(PaymentSignatureError):
            query(client_answering(answer))

    def test_not_found_is_a_signed_answer_without_transaction(self):
        answer = querydr_answer(
            vnp_ResponseCode="91", vnp_Message="Not found", vnp_Amount="", vnp_PayDate=""
        )
        result = query(client_answering(answer))
        assert not result.found and not result.paid

    @pytest.mark.parametrize("code", ["02", "03", "94", "97"])
    def test_refusals_are_permanent(self, code):
        with pytest.raises(PaymentPermanentError) as caught:
            query(client_answering({"vnp_ResponseCode": code}))
        assert caught.value.code == code

    @pytest.mark.parametrize(
        ("answer", "status"),
        [
            ({"vnp_ResponseCode": "99"}, 200),
            ({}, 503),
            ("<html>Bad gateway</html>", 200),
            (httpx.ConnectTimeout("timed out"), 200),
        ],
    )
    def test_outages_are_temporary(self, answer, status):
        with pytest.raises(PaymentTemporaryError):
            query(client_answering(answer, status=status))


def provider_answering(answer):
    return VnpayProvider(CONFIG, client_answering(answer))


class TestVnpayProvider:
    def test_create_payment_url_expires_after_the_ttl(self):
        url = provider_answering({}).create_payment_url(
            txn_ref="5",
            amount_vnd=18_060,
            order_info="Thanh toan don hang :5",
            ip_addr="127.0.0.1",
            now=CREATED,
        )
        assert url == f"{CONFIG.payment_url}?{CANON}&vnp_SecureHash={HASH}"

    def test_create_payment_url_refuses_a_non_integer_amount(self):
        with pytest.raises(ValueError):
            provider_answering({}).create_payment_url(
                txn_ref="5", amount_vnd=18060.5, order_info="x", ip_addr="1.1.1.1", now=CREATED
            )

    def test_verify_callback_maps_a_paid_ipn(self):
        outcome = provider_answering({}).verify_callback(make_ipn())
        assert outcome.state is PaymentState.PAID
        assert (outcome.txn_ref, outcome.amount_vnd, outcome.gateway_txn_id) == (
            "5",
            18_060,
            "14226112",
        )

    def test_verify_callback_records_a_cancelled_payment_as_failed(self):
        outcome = provider_answering({}).verify_callback(make_ipn(vnp_ResponseCode="24"))
        assert outcome.state is PaymentState.FAILED
        assert outcome.result_code == "24"
        assert outcome.paid_at is None

    def test_verify_callback_refuses_a_tampered_amount(self):
        query = make_ipn() | {"vnp_Amount": "100"}
        with pytest.raises(PaymentSignatureError):
            provider_answering({}).verify_callback(query)

    @pytest.mark.parametrize(
        ("status", "state"),
        [("00", PaymentState.PAID), ("01", PaymentState.PENDING), ("02", PaymentState.FAILED)],
    )
    def test_query_maps_the_transaction_status(self, status, state):
        provider = provider_answering(querydr_answer(vnp_TransactionStatus=status))
        outcome = provider.query(
            "5", created_at=CREATED, ip_addr="10.0.0.1", now=NOW, request_id=REQUEST_ID
        )
        assert outcome.state is state

    def test_query_returns_none_when_vnpay_never_saw_the_payment(self):
        provider = provider_answering(querydr_answer(vnp_ResponseCode="91"))
        assert (
            provider.query("5", created_at=CREATED, ip_addr="10.0.0.1", now=NOW, request_id="r")
            is None
        )


class TestFakePaymentProvider:
    def test_round_trip(self):
        fake = FakePaymentProvider()
        url = fake.create_payment_url(
            txn_ref="HS1", amount_vnd=50_000, order_info="Le phi", ip_addr="1.1.1.1", now=CREATED
        )
        assert "txn_ref=HS1" in url
        pending = fake.query("HS1", created_at=CREATED, ip_addr="1.1.1.1", now=NOW, request_id="r")
        assert pending.state is PaymentState.PENDING
        outcome = fake.verify_callback(fake.settle("HS1"))
        assert (outcome.txn_ref, outcome.amount_vnd, outcome.state) == (
            "HS1",
            50_000,
            PaymentState.PAID,
        )

    def test_forged_callback_is_refused(self):
        fake = FakePaymentProvider()
        with pytest.raises(PaymentSignatureError):
            fake.verify_callback({"txn_ref": "HS1", "amount_vnd": "1", "state": "paid"})
