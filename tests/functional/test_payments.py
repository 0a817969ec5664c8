"""Level 4: paying fees through the gateway (VNPay 2.1.0 IPN, return page, reconciler) and the
local fake gateway. The IPNs are signed by `payment_flow.reference_sign`, pinned below to the
reference test vector (the adapter is checked against it in tests/unit/integrations/)."""

from __future__ import annotations

import json
import uuid
from dataclasses import replace
from datetime import timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx
import pytest

from chalicelib.config import get_settings
from chalicelib.integrations.payments import FakePaymentProvider, PaymentState
from chalicelib.integrations.vnpay import VnpayClient, VnpayProvider
from chalicelib.persistence import payment_store
from chalicelib.services.payments import fees as payments
from chalicelib.services.payments import gateway as payment_gateway
from chalicelib.services.shared.clock import now
from tests.factories import call, submit, token
from tests.functional.payment_flow import (
    LEVEL4,
    LEVEL4_FEE,
    act,
    awaiting_payment,
    consume,
    create_payment,
    ipn_query,
    local_secret,
    officer,
    outbox_events,
    public_status,
    reference_sign,
    send_ipn,
    submitted,
)
from tests.unit.integrations.test_vnpay import HASH, SECRET, VECTOR_PARAMS


def test_the_reference_signature_test_vector_signs_as_the_tests_sign():
    assert reference_sign(VECTOR_PARAMS, SECRET) == HASH


class TestCreatingAPayment:
    def test_the_applicant_gets_a_gateway_url_for_what_the_dossier_owes(self, client):
        code, phone = awaiting_payment(client)

        status, created = create_payment(client, code, phone)

        assert status == 201, created
        assert created["amount"] == LEVEL4_FEE and created["status"] == "pending"
        assert created["payment_id"].isalnum()
        url = urlsplit(created["payment_url"])
        assert url.path == payment_gateway.FAKE_GATEWAY_PAY_PATH
        query = dict(parse_qsl(url.query))
        assert query["vnp_Amount"] == str(LEVEL4_FEE * 100)
        assert query["vnp_TxnRef"] == created["payment_id"]
        assert query["vnp_SecureHash"] == reference_sign(query, local_secret())

    def test_a_second_request_answers_the_same_pending_payment(self, client):
        code, phone = awaiting_payment(client)

        first = create_payment(client, code, phone)[1]
        second = create_payment(client, code, phone)[1]
        replay = create_payment(client, code, phone, {"Idempotency-Key": "k1"})[1]
        again = call(
            client,
            "POST",
            f"/v1/dossiers/{code}/payments",
            {"phone": phone},
            headers={"Idempotency-Key": "k1"},
        )

        assert first["payment_id"] == second["payment_id"] == replay["payment_id"]
        assert again[1] == replay

    def test_a_signed_in_owner_may_pay_without_the_phone(self, client):
        citizen_subject = f"citizen-{uuid.uuid4().hex[:8]}"
        citizen = token(client, subject=citizen_subject)
        body, created = submit(client, LEVEL4, token_=citizen)
        code = created["code"]
        act(client, code, officer(client), "accept")
        act(client, code, officer(client), "request_payment")

        status, payment = call(client, "POST", f"/v1/dossiers/{code}/payments", {}, token=citizen)
        stranger = call(client, "POST", f"/v1/dossiers/{code}/payments", {}, token=token(client))

        assert status == 201 and payment["amount"] == LEVEL4_FEE
        assert stranger[0] == 404

    def test_a_wrong_phone_gets_the_lookup_404(self, client):
        code, _ = awaiting_payment(client)

        status, body = create_payment(client, code, "0999999999")

        assert status == 404 and body["error"]["code"] == "NOT_FOUND"

    def test_nothing_can_be_paid_before_the_dossier_is_accepted(self, client):
        code, phone = submitted(client)

        status, body = create_payment(client, code, phone)

        assert status == 409 and body["error"]["code"] == "INVALID_TRANSITION"


class TestTheIpn:
    def test_a_success_marks_the_payment_paid_and_emits_one_event(self, client):
        code, phone = awaiting_payment(client)
        payment = create_payment(client, code, phone)[1]

        answer = send_ipn(client, ipn_query(payment["payment_id"], LEVEL4_FEE))

        assert answer == {"RspCode": "00", "Message": "Confirm Success"}
        stored = payment_store.get(payment["payment_id"])
        assert stored.state == "paid" and stored.settled_by == "ipn"
        assert stored.gateway_txn_id == "14226112"
        [event] = outbox_events(code, "payment.confirmed")
        assert event["data"]["payment_id"] == payment["payment_id"]
        assert event["data"]["amount"] == LEVEL4_FEE

    def test_a_forged_signature_answers_97_and_changes_nothing(self, client):
        code, phone = awaiting_payment(client)
        payment = create_payment(client, code, phone)[1]
        forged = ipn_query(payment["payment_id"], LEVEL4_FEE, secret="NOT-THE-TERMINAL-SECRET")
        tampered = ipn_query(payment["payment_id"], LEVEL4_FEE)
        tampered["vnp_ResponseCode"] = "00" if tampered["vnp_ResponseCode"] != "00" else "24"

        assert send_ipn(client, forged)["RspCode"] == "97"
        assert send_ipn(client, tampered)["RspCode"] == "97"
        assert send_ipn(client, {})["RspCode"] == "97"
        assert payment_store.get(payment["payment_id"]).state == "pending"
        assert outbox_events(code, "payment.confirmed") == []
        assert public_status(client, code, phone)["status"] == "awaiting_payment"

    def test_an_unknown_order_answers_01(self, client):
        answer = send_ipn(client, ipn_query("UNKNOWN" + uuid.uuid4().hex[:8].upper(), 5000))

        assert answer == {"RspCode": "01", "Message": "Order not found"}

    def test_another_amount_answers_04_and_leaves_the_payment_pending(self, client):
        code, phone = awaiting_payment(client)
        payment = create_payment(client, code, phone)[1]

        answer = send_ipn(client, ipn_query(payment["payment_id"], LEVEL4_FEE - 1000))

        assert answer == {"RspCode": "04", "Message": "Invalid amount"}
        assert payment_store.get(payment["payment_id"]).state == "pending"

    def test_a_duplicate_ipn_answers_02_and_changes_nothing(self, client):
        code, phone = awaiting_payment(client)
        payment = create_payment(client, code, phone)[1]
        success = ipn_query(payment["payment_id"], LEVEL4_FEE)
        assert send_ipn(client, success)["RspCode"] == "00"
        settled = payment_store.get(payment["payment_id"])

        again = send_ipn(client, success)
        late_failure = send_ipn(
            client, ipn_query(payment["payment_id"], LEVEL4_FEE, response="24", status="02")
        )

        assert again == {"RspCode": "02", "Message": "Order already confirmed"}
        assert late_failure["RspCode"] == "02"
        assert payment_store.get(payment["payment_id"]) == settled
        assert len(outbox_events(code, "payment.confirmed")) == 1

    def test_a_failed_payment_is_recorded_and_the_dossier_keeps_waiting(self, client):
        code, phone = awaiting_payment(client)
        payment = create_payment(client, code, phone)[1]

        answer = send_ipn(
            client, ipn_query(payment["payment_id"], LEVEL4_FEE, response="24", status="02")
        )

        assert answer == {"RspCode": "00", "Message": "Confirm Success"}
        failed = payment_store.get(payment["payment_id"])
        assert failed.state == "failed" and failed.result_code == "24"
        assert outbox_events(code, "payment.confirmed") == []
        assert public_status(client, code, phone)["status"] == "awaiting_payment"
        retry = create_payment(client, code, phone)[1]
        assert retry["payment_id"] != payment["payment_id"] and retry["status"] == "pending"

    def test_an_unexpected_error_answers_99(self, client, monkeypatch):
        code, phone = awaiting_payment(client)
        payment = create_payment(client, code, phone)[1]

        def broken(*args, **kwargs):
            raise RuntimeError("DynamoDB is down")

        monkeypatch.setattr(payment_store, "get", broken)

        assert send_ipn(client, ipn_query(payment["payment_id"], LEVEL4_FEE))["RspCode"] == "99"

    def test_a_confirmed_payment_moves_the_dossier_on_exactly_once(self, client):
        code, phone = awaiting_payment(client)
        payment = create_payment(client, code, phone)[1]
        send_ipn(client, ipn_query(payment["payment_id"], LEVEL4_FEE))
        events = outbox_events(code, "payment.confirmed")

        consume(client, events)
        consume(client, events)  # SQS delivers at least once

        view = public_status(client, code, phone)
        assert view["status"] == "in_progress" and view["fee_paid"] == LEVEL4_FEE
        assert [s["action"] for s in view["history"]].count("confirm_payment") == 1


class TestTheReturnPage:
    def test_it_shows_the_verified_outcome_and_never_changes_state(self, client):
        code, phone = awaiting_payment(client)
        payment = create_payment(client, code, phone)[1]
        query = ipn_query(payment["payment_id"], LEVEL4_FEE)

        page = client.http.get(f"/payments/vnpay/return?{urlencode(query)}")

        assert page.status_code == 200 and "Thanh toán thành công" in page.body.decode()
        assert code in page.body.decode()
        assert payment_store.get(payment["payment_id"]).state == "pending"
        assert outbox_events(code, "payment.confirmed") == []
        assert public_status(client, code, phone)["status"] == "awaiting_payment"

    def test_a_cancelled_payment_is_explained(self, client):
        query = ipn_query("ANY1", 5000, response="24", status="02")

        page = client.http.get(f"/payments/vnpay/return?{urlencode(query)}").body.decode()

        assert "Giao dịch không thành công" in page and "Bạn đã hủy giao dịch" in page

    def test_a_forged_return_is_not_believed(self, client):
        query = ipn_query("ANY1", 5000, secret="WRONG")

        page = client.http.get(f"/payments/vnpay/return?{urlencode(query)}").body.decode()

        assert "Không xác minh được kết quả giao dịch" in page
        assert "Thanh toán thành công" not in page


class TestTheReconciler:
    """Run on fresh tables: the reconciler settles every overdue payment it finds."""

    def test_it_settles_a_paid_payment_whose_ipn_was_dropped(self, client, fresh_tables):
        code, phone = awaiting_payment(client)
        paid = create_payment(client, code, phone)[1]
        other_code, other_phone = awaiting_payment(client)
        abandoned = create_payment(client, other_code, other_phone)[1]
        gateway = FakePaymentProvider()
        gateway.amounts[paid["payment_id"]] = LEVEL4_FEE
        gateway.states[paid["payment_id"]] = PaymentState.PAID
        later = now() + payments.PAYMENT_TTL + payments.RECONCILE_MARGIN + timedelta(minutes=1)

        assert payments.reconcile(now(), gateway)["paid"] == 0  # nothing is overdue yet
        counts = payments.reconcile(later, gateway)
        consume(client, outbox_events(code, "payment.confirmed"))

        assert counts == {"paid": 1, "failed": 1, "pending": 0, "skipped": 0, "errors": 0}
        assert payment_store.get(paid["payment_id"]).settled_by == "reconciler"
        assert payment_store.get(abandoned["payment_id"]).result_code == "expired"
        assert public_status(client, code, phone)["status"] == "in_progress"
        assert payments.reconcile(later, gateway)["paid"] == 0  # settled: out of the index
        assert send_ipn(client, ipn_query(paid["payment_id"], LEVEL4_FEE))["RspCode"] == "02"

    def test_a_payment_the_gateway_never_completes_fails_a_day_after_expiry(
        self, client, fresh_tables
    ):
        code, phone = awaiting_payment(client)
        payment = create_payment(client, code, phone)[1]
        gateway = FakePaymentProvider()
        gateway.amounts[payment["payment_id"]] = LEVEL4_FEE
        gateway.states[payment["payment_id"]] = PaymentState.PENDING
        later = now() + payments.PAYMENT_TTL + payments.RECONCILE_MARGIN + timedelta(minutes=1)

        assert payments.reconcile(later, gateway)["pending"] == 1
        assert payments.reconcile(later + payments.ABANDONED_AFTER, gateway)["failed"] == 1
        assert payment_store.get(payment["payment_id"]).result_code == "abandoned"
        assert public_status(client, code, phone)["status"] == "awaiting_payment"

    def test_it_queries_the_local_fake_gateway_with_vnpay_querydr(
        self, client, fresh_tables, monkeypatch
    ):
        code, phone = awaiting_payment(client)
        payment = create_payment(client, code, phone)[1]
        assert client.http.get(payment["payment_url"]).status_code == 200
        monkeypatch.setattr("chalicelib.entrypoints.fake_gateway_api._send_ipn", lambda q: None)
        finished = client.http.post(
            payment_gateway.FAKE_GATEWAY_PAY_PATH,
            body=f"vnp_TxnRef={payment['payment_id']}&choice=pay".encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert finished.status_code == 302
        assert payment_store.get(payment["payment_id"]).state == "pending"  # the IPN was lost

        def over_test_client(request: httpx.Request) -> httpx.Response:
            answer = client.http.post(
                request.url.path, body=request.content, headers=dict(request.headers)
            )
            return httpx.Response(answer.status_code, content=answer.body)

        config = replace(
            payment_gateway.vnpay_config(),
            api_url=f"http://portal.test{payment_gateway.FAKE_GATEWAY_API_PATH}",
        )
        gateway = VnpayProvider(
            config,
            VnpayClient(config, httpx.Client(transport=httpx.MockTransport(over_test_client))),
        )
        later = now() + payments.PAYMENT_TTL + payments.RECONCILE_MARGIN + timedelta(minutes=1)

        assert payments.reconcile(later, gateway)["paid"] == 1
        assert payment_store.get(payment["payment_id"]).state == "paid"


class TestTheLocalFakeGateway:
    def test_paying_on_its_page_signs_the_ipn_and_returns_the_browser(self, client):
        code, phone = awaiting_payment(client)
        payment = create_payment(client, code, phone)[1]

        page = client.http.get(payment["payment_url"])
        finished = client.http.post(
            payment_gateway.FAKE_GATEWAY_PAY_PATH,
            body=f"vnp_TxnRef={payment['payment_id']}&choice=pay".encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )

        assert page.status_code == 200
        html = page.body.decode()
        assert "Thanh toán thành công" in html and "Hủy" in html and "5.000 đồng" in html
        assert finished.status_code == 302
        location = finished.headers["Location"]
        assert urlsplit(location).path == payment_gateway.RETURN_PATH
        assert payment_store.get(payment["payment_id"]).state == "paid"
        assert "Thanh toán thành công" in client.http.get(location).body.decode()

    def test_cancelling_records_a_failed_payment(self, client):
        code, phone = awaiting_payment(client)
        payment = create_payment(client, code, phone)[1]
        client.http.get(payment["payment_url"])

        finished = client.http.post(
            payment_gateway.FAKE_GATEWAY_PAY_PATH,
            body=f"vnp_TxnRef={payment['payment_id']}&choice=cancel".encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )

        assert finished.status_code == 302
        assert payment_store.get(payment["payment_id"]).state == "failed"

    def test_a_tampered_payment_url_is_refused(self, client):
        code, phone = awaiting_payment(client)
        url = create_payment(client, code, phone)[1]["payment_url"]

        page = client.http.get(url.replace("vnp_Amount=500000", "vnp_Amount=100"))

        assert page.status_code == 400 and "Sai chữ ký" in page.body.decode()

    def test_it_exists_only_on_the_local_stage(self, client, monkeypatch):
        prod = replace(get_settings(), stage="prod")
        monkeypatch.setattr("chalicelib.entrypoints.auth.get_settings", lambda: prod)

        page = client.http.get(payment_gateway.FAKE_GATEWAY_PAY_PATH)
        query = call(client, "POST", payment_gateway.FAKE_GATEWAY_API_PATH, {})

        assert page.status_code == query[0] == 404


@pytest.mark.parametrize("path", ["/webhooks/vnpay/ipn", "/payments/vnpay/return"])
def test_the_gateway_callbacks_are_in_the_openapi_document(client, path):
    document = json.loads(client.http.get("/openapi.json").body)

    assert "get" in document["paths"][path]
