"""The electronic result (applicant only, after payment), a level-4 dossier from submission to
download through the local fake gateway, and counter payment at level 3."""

from __future__ import annotations

from urllib.parse import urlsplit

import boto3

from chalicelib.config import get_settings
from chalicelib.services.payments import gateway as payment_gateway
from tests.factories import call, submit, token
from tests.functional.payment_flow import (
    LEVEL3,
    LEVEL3_AGENCY,
    LEVEL4,
    LEVEL4_FEE,
    act,
    attach_result,
    consume,
    create_payment,
    ipn_query,
    officer,
    outbox_events,
    public_status,
    send_ipn,
    submitted,
)


class TestTheElectronicResult:
    def test_is_refused_before_payment_and_to_anyone_but_the_applicant(self, client):
        citizen = token(client)
        body, created = submit(client, LEVEL4, token_=citizen)
        code, phone = created["code"], body["applicant"]["phone"]
        desk, leader = officer(client), officer(client, "leader")
        act(client, code, desk, "accept")
        status, _ = call(client, "GET", f"/v1/dossiers/{code}/result?phone={phone}")
        assert status == 409  # no result yet
        act(client, code, desk, "assign", assignee="cb-tu-phap")
        attach_result(client, code)
        assert act(client, code, leader, "approve")[1]["status"] == "result_ready"

        unpaid = call(client, "GET", f"/v1/dossiers/{code}/result?phone={phone}")
        wrong_phone = call(client, "GET", f"/v1/dossiers/{code}/result?phone=0999999999")
        stranger = call(client, "GET", f"/v1/dossiers/{code}/result", token=token(client))
        the_officer = call(client, "GET", f"/v1/dossiers/{code}/result", token=desk)
        unknown = call(client, "GET", f"/v1/dossiers/X-000000-0000/result?phone={phone}")
        owner_unpaid = call(client, "GET", f"/v1/dossiers/{code}/result", token=citizen)

        assert unpaid[0] == 403 and unpaid[1]["error"]["code"] == "FORBIDDEN"
        assert "5.000 đồng" in unpaid[1]["error"]["message"]
        assert owner_unpaid[0] == 403
        assert wrong_phone[0] == stranger[0] == the_officer[0] == unknown[0] == 404
        assert wrong_phone[1] == stranger[1]

    def test_paying_releases_a_ready_result(self, client):
        code, phone = submitted(client)
        desk, leader = officer(client), officer(client, "leader")
        act(client, code, desk, "accept")
        act(client, code, desk, "assign", assignee="cb-tu-phap")
        attach_result(client, code)
        act(client, code, leader, "approve")
        assert call(client, "GET", f"/v1/dossiers/{code}/result?phone={phone}")[0] == 403

        payment = create_payment(client, code, phone)[1]
        assert send_ipn(client, ipn_query(payment["payment_id"], LEVEL4_FEE))["RspCode"] == "00"
        consume(client, outbox_events(code, "payment.confirmed"))
        status, result = call(client, "GET", f"/v1/dossiers/{code}/result?phone={phone}")

        assert status == 200, result
        assert result["status"] == "returned"
        actions = [s["action"] for s in public_status(client, code, phone)["history"]]
        assert actions[-2:] == ["record_payment", "return_result"]


class TestLevel4FromSubmissionToDownload:
    def test_a_citizen_pays_online_and_downloads_the_result(self, client):
        code, phone = submitted(client, result_delivery="online")
        desk, leader = officer(client), officer(client, "leader")
        assert act(client, code, desk, "accept")[1]["status"] == "accepted"
        assert act(client, code, desk, "request_payment")[1]["requested"]["amount"] == LEVEL4_FEE

        status, payment = create_payment(client, code, phone)
        assert status == 201
        assert client.http.get(payment["payment_url"]).status_code == 200
        finished = client.http.post(
            payment_gateway.FAKE_GATEWAY_PAY_PATH,
            body=f"vnp_TxnRef={payment['payment_id']}&choice=pay".encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert (
            "Thanh toán thành công" in client.http.get(finished.headers["Location"]).body.decode()
        )
        consume(client, outbox_events(code, "payment.confirmed"))
        assert public_status(client, code, phone)["status"] == "in_progress"

        attach_result(client, code)
        assert act(client, code, leader, "approve")[1]["status"] == "result_ready"
        status, result = call(client, "GET", f"/v1/dossiers/{code}/result?phone={phone}")
        again = call(client, "GET", f"/v1/dossiers/{code}/result?phone={phone}")

        assert status == 200, result
        assert result["status"] == "returned" and result["filename"] == "xac-nhan.pdf"
        assert "X-Amz-Signature" in result["url"] or "Signature" in result["url"]
        assert again[0] == 200 and again[1]["status"] == "returned"
        view = public_status(client, code, phone)
        assert view["status"] == "returned" and view["fee_paid"] == LEVEL4_FEE
        assert [s["action"] for s in view["history"]][-3:] == [
            "approve",
            "return_result",
            "download_result",
        ]
        key = urlsplit(result["url"]).path.split("/", 2)[2]
        stored = boto3.client("s3").get_object(Bucket=get_settings().bucket_results, Key=key)
        assert stored["Body"].read().startswith(b"%PDF")


class TestLevel3CounterPayment:
    def test_the_receptionist_records_a_payment_made_at_the_counter(self, client):
        code, phone = submitted(client, LEVEL3)
        desk = officer(client, agency=LEVEL3_AGENCY)
        act(client, code, desk, "accept")
        act(client, code, desk, "request_payment", amount=10000)

        status, view = act(client, code, desk, "confirm_payment", amount=10000)

        assert status == 200 and view["status"] == "in_progress" and view["fee_paid"] == 10000
        assert create_payment(client, code, phone)[0] == 409  # nothing left to pay online

    def test_the_result_is_not_handed_over_before_the_fee_is_collected(self, client):
        code, _ = submitted(client, LEVEL3)
        desk = officer(client, agency=LEVEL3_AGENCY)
        leader = officer(client, "leader", LEVEL3_AGENCY)
        act(client, code, desk, "accept")
        act(client, code, desk, "assign", assignee="cb-cong-an")
        act(client, code, leader, "approve")

        refused = act(client, code, desk, "return_result", via="counter")
        status, view = act(client, code, desk, "return_result", via="counter", fee_collected=10000)

        assert refused[0] == 400 and refused[1]["error"]["details"][0]["field"] == "fee_collected"
        assert status == 200 and view["status"] == "returned" and view["fee_paid"] == 10000
