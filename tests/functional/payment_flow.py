"""Shared steps of the payment and result tests: a level-4 dossier with a fee, officers'
actions, VNPay IPNs signed by the reference algorithm, and the events worker.

`reference_sign` is docs/integrations.md §2.3 written out here (not the adapter's `sign`); it is
pinned to the reference test vector in test_payments.py, and the adapter itself is checked
against that vector in tests/unit/integrations/test_vnpay.py.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from urllib.parse import quote_plus, urlencode

import boto3

from chalicelib.config import get_settings
from chalicelib.integrations.queues import QueueNames
from chalicelib.persistence import dossier_store
from chalicelib.services.shared.clock import now
from tests.factories import call, sample_pdf, submit, token

LEVEL4 = "1.004873"  # Cấp Giấy xác nhận tình trạng hôn nhân: 5.000 đồng online, level 4
LEVEL4_AGENCY = "ubnd-xa-hop-thinh"
LEVEL4_FEE = 5000
LEVEL3 = "1.004222"  # Đăng ký thường trú: 10.000 đồng online, level 3
LEVEL3_AGENCY = "cong-an-phuong-kinh-bac"


def reference_sign(params: dict, secret: str) -> str:
    items = sorted(
        (k, str(v))
        for k, v in params.items()
        if k.startswith("vnp_")
        and k not in ("vnp_SecureHash", "vnp_SecureHashType")
        and v not in (None, "")
    )
    canonical = "&".join(f"{k}={quote_plus(v)}" for k, v in items)
    return hmac.new(secret.encode(), canonical.encode(), hashlib.sha512).hexdigest()


def local_secret() -> str:
    return get_settings().vnpay["VNPAY_HASH_SECRET"]


def ipn_query(payment_id, amount, response="00", status="00", secret=None, **extra):
    params = {
        "vnp_TmnCode": get_settings().vnpay["VNPAY_TMN_CODE"],
        "vnp_Amount": str(amount * 100),
        "vnp_BankCode": "NCB",
        "vnp_BankTranNo": "VNP14226112",
        "vnp_CardType": "ATM",
        "vnp_OrderInfo": "Thanh toan phi, le phi ho so",
        "vnp_PayDate": now().strftime("%Y%m%d%H%M%S"),
        "vnp_ResponseCode": response,
        "vnp_TransactionNo": "14226112",
        "vnp_TransactionStatus": status,
        "vnp_TxnRef": payment_id,
        **extra,
    }
    params["vnp_SecureHash"] = reference_sign(params, secret or local_secret())
    return params


def send_ipn(client, query: dict) -> dict:
    response = client.http.get(f"/webhooks/vnpay/ipn?{urlencode(query)}")
    assert response.status_code == 200
    return json.loads(response.body)


def officer(client, role="receptionist", agency=LEVEL4_AGENCY):
    return token(client, role=role, agency=agency)


def act(client, code, role_token, action, **params):
    _, view = call(client, "GET", f"/v1/officer/dossiers/{code}", token=role_token)
    return call(
        client,
        "POST",
        f"/v1/officer/dossiers/{code}/actions",
        {"action": action, "version": view["version"], **params},
        token=role_token,
    )


def public_status(client, code, phone):
    status, view = call(client, "GET", f"/v1/dossiers/{code}?phone={phone}")
    assert status == 200, view
    return view


def submitted(client, procedure=LEVEL4, **overrides) -> tuple[str, str]:
    body, created = submit(client, procedure, **overrides)
    return created["code"], body["applicant"]["phone"]


def awaiting_payment(client) -> tuple[str, str]:
    code, phone = submitted(client)
    desk = officer(client)
    assert act(client, code, desk, "accept")[0] == 200
    status, view = act(client, code, desk, "request_payment", note="Nộp lệ phí trực tuyến")
    assert status == 200 and view["status"] == "awaiting_payment", view
    return code, phone


def create_payment(client, code, phone, headers=None):
    return call(client, "POST", f"/v1/dossiers/{code}/payments", {"phone": phone}, headers=headers)


def outbox_events(code: str, event_type: str) -> list[dict]:
    _, _, model = dossier_store.models()
    items = model.query(dossier_store.pk(code), model.SK.startswith("OUTBOX#"))
    return [r.event for r in items if r.event["type"] == event_type]


def consume(client, events: list[dict]) -> None:
    """What the events queue would deliver to the `on_event` worker."""
    sqs_event = client.events.generate_sqs_event(
        message_bodies=[json.dumps(e) for e in events], queue_name=QueueNames.EVENTS
    )
    for record in sqs_event["Records"]:
        record["messageId"] = uuid.uuid4().hex
    assert client.lambda_.invoke("on_event", sqs_event).payload == {"batchItemFailures": []}


def attach_result(
    client,
    code,
    specialist=None,
    title="Giay xac nhan tinh trang hon nhan",
    filename="xac-nhan.pdf",
) -> None:
    """The specialist (the sample agency's, unless given) uploads a PDF result."""
    specialist = specialist or officer(client, "specialist")
    content = sample_pdf(title)
    status, upload = call(
        client,
        "POST",
        f"/v1/officer/dossiers/{code}/result",
        {"filename": filename, "content_type": "application/pdf", "size_bytes": len(content)},
        token=specialist,
    )
    assert status == 201, upload
    boto3.client("s3").put_object(
        Bucket=get_settings().bucket_results,
        Key=upload["key"],
        Body=content,
        ContentType="application/pdf",
    )
