"""How a notification is stored (issue 18): its rendered message compressed, so the item stays
under the 1 KB a write unit covers through its three writes (created, claimed, delivered); the
officers' list index holds only what the list shows; items stored before still read."""

from __future__ import annotations

import json
import uuid

import boto3

from chalicelib.config import get_settings
from chalicelib.persistence import notification_store
from chalicelib.services.shared.clock import now

MESSAGE = {
    "title": "Đã nhận hồ sơ 000.35.50.H06-261203-0002",
    "body": "Cổng DVC đã nhận hồ sơ 000.35.50.H06-261203-0002 (Cấp Giấy xác nhận tình trạng hôn "
    "nhân) của ông/bà. Hồ sơ sẽ được xem xét tiếp nhận trước 16:44 ngày 04/12/2026.",
    "sms": "Da nhan ho so 000.35.50.H06-261203-0002, se xem xet truoc 04/12/2026.",
    "params": {"ma_ho_so": "000.35.50.H06-261203-0002", "ngay_hen": "08/12/2026"},
}


def fields(subject: str) -> dict:
    return {
        "id": uuid.uuid4().hex,
        "source": uuid.uuid4().hex,
        "kind": "dossier.submitted",
        "template": "submitted",
        "recipient": "citizen",
        "dossier_code": "000.35.50.H06-261203-0002",
        "planned_channel": "sms",
        "channel": "sms",
        "addresses": {"sms": "0912345678"},
        "message": MESSAGE,
        "subject_pk": subject,
    }


def raw(notification_id: str) -> dict:
    key = {"PK": {"S": f"NOTIF#{notification_id}"}, "SK": {"S": "META"}}
    table = get_settings().table_notifications
    return boto3.client("dynamodb").get_item(TableName=table, Key=key)["Item"]


def test_the_message_is_stored_compressed_and_read_back_whole(aws):
    subject = f"OFFICER#t-{uuid.uuid4().hex[:8]}"
    record, created = notification_store.create(fields(subject), now())

    stored = raw(record.id)["message"]
    plain = json.dumps(MESSAGE, ensure_ascii=False, separators=(",", ":")).encode()
    assert created and "B" in stored and len(stored["B"]) < 0.7 * len(plain)
    assert notification_store.get(record.id).message == MESSAGE
    (listed,), _ = notification_store.subject_page(subject, 10, None)
    assert listed.message["title"] == MESSAGE["title"] and listed.template == "submitted"
    assert [r.state for r in notification_store.of_subject(subject)] == ["created"]


def test_a_message_stored_as_text_still_reads(aws):
    record, _ = notification_store.create(fields(f"OFFICER#t-{uuid.uuid4().hex[:8]}"), now())
    item = raw(record.id)
    item["message"] = {"S": json.dumps(MESSAGE, ensure_ascii=False)}
    boto3.client("dynamodb").put_item(TableName=get_settings().table_notifications, Item=item)

    assert notification_store.get(record.id).message == MESSAGE
