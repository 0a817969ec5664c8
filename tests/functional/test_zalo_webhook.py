"""The Zalo Official Account webhook: only signed, fresh, first-seen events are accepted; the
chat is answered from the inbound queue, through the notifications pipeline."""

import json
import time
from datetime import UTC, datetime

import boto3
import pytest

from chalicelib.domain import notifications as plan
from chalicelib.persistence import notification_store
from chalicelib.services.notifications import zalo_inbound
from tests.factories import call, submit
from tests.functional.notify_helpers import (
    dev_messages,
    drain,
    drain_zalo,
    notifications_of,
    post_webhook,
    signature,
    text_body,
    zalo_body,
)

# docs/integrations.md §1.4 self-computed test vector, verbatim
VECTOR_APP_ID, VECTOR_SECRET = "1234567890123456789", "OASECRETKEYEXAMPLE"
VECTOR_BODY = (
    b'{"app_id":"1234567890123456789","sender":{"id":"246845883529197922"},'
    b'"recipient":{"id":"388613280878808645"},"event_name":"user_send_text",'
    b'"message":{"text":"xin chao","msg_id":"96d3cdf3af150460909"},"timestamp":"1543908534740"}'
)
VECTOR_HEADER = "mac=ed73d1caaaaaf614634e0cd41a7bacf813a434127e2b31b9d9b70a4ccc5f39cc"


def queued():
    """Messages waiting on the inbound queue (left there)."""
    sqs = boto3.client("sqs")
    url = sqs.get_queue_url(QueueName="dvc-zalo-inbound")["QueueUrl"]
    attributes = sqs.get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"]
    )
    return int(attributes["Attributes"]["ApproximateNumberOfMessages"])


def replies(user):
    return [
        r.message["body"]
        for r in sorted(notifications_of(f"ZALO#{user}"), key=lambda r: r.created_at)
    ]


def reply_to(body):
    """The OA's answer to one webhook event (its notification id derives from the event)."""
    user = (body.get("sender") or body.get("follower"))["id"]
    key = (
        body.get("message", {}).get("msg_id") or f"{body['event_name']}:{user}:{body['timestamp']}"
    )
    notification_id = plan.notification_id(f"zalo:{key}", f"zalo:{user}", plan.ZALO_OA)
    return notification_store.get(notification_id)


def chat(client, user, text):
    body = text_body(text, user)
    status, answer = post_webhook(client, body)
    assert (status, answer) == (200, {"status": "queued"})
    drain_zalo(client)
    drain(client)
    return reply_to(body).message["body"]


def user_id():
    return str(int(time.time() * 1e6))[-16:] + "77"


class TestAcceptance:
    def test_the_reference_vector_is_accepted(self, aws, monkeypatch):
        monkeypatch.setenv("ZALO_APP_ID", VECTOR_APP_ID)
        monkeypatch.setenv("ZALO_OA_SECRET", VECTOR_SECRET)
        at = datetime.fromtimestamp(1543908534.740, UTC)
        notification_store.forget_event("96d3cdf3af150460909")

        assert zalo_inbound.accept(VECTOR_BODY, VECTOR_HEADER, at) == "queued"
        assert zalo_inbound.accept(VECTOR_BODY, VECTOR_HEADER, at) == "duplicate"
        stored = notification_store.get_event("96d3cdf3af150460909")
        assert (
            stored.event["text"] == "xin chao" and stored.event["user_id"] == "246845883529197922"
        )

    def test_a_signed_event_is_queued_and_answered_200(self, client):
        before = queued()

        status, answer = post_webhook(client, text_body("huong dan"))

        assert (status, answer) == (200, {"status": "queued"})
        assert queued() == before + 1
        drain_zalo(client)

    @pytest.mark.parametrize(
        ("sign", "status", "code"),
        [
            (False, 401, "UNAUTHENTICATED"),
            ("mac=" + "0" * 64, 403, "FORBIDDEN"),
            ("mac=chu-ky-gia", 403, "FORBIDDEN"),
        ],
    )
    def test_an_unsigned_or_forged_event_is_refused_and_nothing_recorded(
        self, client, sign, status, code
    ):
        body = text_body("tra cuu 000.00.01.H06-250101-0001")
        before = queued()

        answer = post_webhook(client, body, sign)

        assert answer[0] == status and answer[1]["error"]["code"] == code
        assert notification_store.get_event(body["message"]["msg_id"]) is None
        assert queued() == before

    def test_a_body_changed_after_signing_is_refused(self, client):
        body = text_body("huong dan")
        raw = json.dumps(body).encode()
        forged = raw.replace(b"huong dan", b"phan anh gia mao")

        status, _ = post_webhook(client, forged, signature(raw, body["timestamp"]))

        assert status == 403
        assert notification_store.get_event(body["message"]["msg_id"]) is None

    def test_a_re_serialised_body_does_not_verify(self, client):
        body = text_body("huong dan")
        raw = json.dumps(body, separators=(",", ":")).encode()
        spaced = json.dumps(body, indent=1).encode()

        assert post_webhook(client, spaced, signature(raw, body["timestamp"]))[0] == 403

    @pytest.mark.parametrize("age_seconds", [600, -600, 86400 * 30])
    def test_a_replayed_event_with_an_old_timestamp_is_refused(self, client, age_seconds):
        body = text_body("huong dan")
        body["timestamp"] = str(int((time.time() - age_seconds) * 1000))

        status, error = post_webhook(client, body)

        assert status == 403 and error["error"]["code"] == "FORBIDDEN"
        assert notification_store.get_event(body["message"]["msg_id"]) is None

    def test_a_duplicate_msg_id_is_acknowledged_and_handled_once(self, client):
        user = user_id()
        body = text_body("huong dan", user)

        first = post_webhook(client, body)
        second = post_webhook(client, body)  # Zalo's retry: same message
        drain_zalo(client)
        drain(client)

        assert first == (200, {"status": "queued"}) and second == (200, {"status": "duplicate"})
        assert len(replies(user)) == 1

    def test_an_event_that_cannot_be_queued_is_refused_so_that_zalo_retries(
        self, client, monkeypatch
    ):
        from chalicelib.integrations import queues

        body = text_body("huong dan")
        real = queues.send_batch
        monkeypatch.setattr(queues, "send_batch", lambda queue, jobs: set(jobs))

        refused = post_webhook(client, body)
        monkeypatch.setattr(queues, "send_batch", real)
        retried = post_webhook(client, body)
        drain_zalo(client)

        assert refused[0] == 503
        assert retried == (200, {"status": "queued"})


class TestChat:
    def test_tra_cuu_with_code_and_phone_answers_the_status(self, client):
        body, created = submit(client)
        code, phone = created["code"], body["applicant"]["phone"]
        user = user_id()

        reply = chat(client, user, f"tra cuu {code} {phone}")

        assert f"Hồ sơ {code}" in reply and "Tình trạng: Mới đăng ký, chờ tiếp nhận" in reply
        assert phone not in reply
        shown = [m for m in dev_messages(client) if m["channel"] == "zalo_oa" and code in m["text"]]
        assert shown and shown[0]["template"] == "zalo_reply"

    def test_diacritics_do_not_matter(self, client):
        body, created = submit(client)
        code, phone = created["code"], body["applicant"]["phone"]

        reply = chat(client, user_id(), f"Tra cứu {code} {phone[:4]} {phone[4:7]} {phone[7:]}")

        assert "Tình trạng:" in reply

    def test_a_phone_shared_with_the_oa_proves_ownership(self, client):
        body, created = submit(client)
        code, phone = created["code"], body["applicant"]["phone"]
        user = user_id()
        info = zalo_body(
            "user_submit_info",
            user,
            info={"name": "Nguyễn Văn An", "phone": "84" + phone[1:], "address": "1 Lê Lợi"},
        )

        assert post_webhook(client, info) == (200, {"status": "queued"})
        drain_zalo(client)
        drain(client)
        saved = reply_to(info).message["body"]
        reply = chat(client, user, f"tra cứu {code}")

        assert saved.startswith("Đã lưu số điện thoại") and phone not in saved
        assert notification_store.get_user(user).phone == phone
        assert "Tình trạng:" in reply

    def test_a_wrong_phone_gets_the_same_answer_as_an_unknown_code(self, client):
        _, created = submit(client)

        wrong = chat(client, user_id(), f"tra cuu {created['code']} 0999999999")
        unknown = chat(client, user_id(), "tra cuu 000.00.51.H06-990101-0001 0999999999")

        assert wrong.startswith("Không tìm thấy hồ sơ") and unknown.startswith("Không tìm thấy")

    def test_without_a_phone_the_oa_asks_for_one(self, client):
        _, created = submit(client)

        reply = chat(client, user_id(), f"tra cuu {created['code']}")

        assert "số điện thoại" in reply

    def test_phan_anh_files_feedback_through_the_feedback_service(self, client):
        from chalicelib.persistence import feedback_store

        user = user_id()
        reply = chat(client, user, "Phản ánh: đèn đường trước UBND phường bị hỏng")

        reference = reply.split("(mã ")[1].split(")")[0]
        feedback = feedback_store.get(reference)
        assert feedback.channel == "zalo" and feedback.sender["zalo_user_id"] == user
        assert feedback.content == "đèn đường trước UBND phường bị hỏng"

    def test_anything_else_gets_the_help_text(self, client):
        assert chat(client, user_id(), "xin chào").startswith("Hướng dẫn sử dụng")

    def test_follow_is_welcomed_and_unfollow_stops_oa_messages(self, client):
        from chalicelib.services.shared.clock import now

        user = user_id()
        post_webhook(client, zalo_body("follow", user))
        drain_zalo(client)
        drain(client)
        post_webhook(client, zalo_body("unfollow", user))
        drain_zalo(client)
        zalo_inbound.reply(user, "Tin nhắn sau khi bỏ theo dõi", "after-unfollow", now())
        drain(client)

        # created_at has whole seconds: tell the two apart by what caused them
        records = notifications_of(f"ZALO#{user}")
        (after,) = [r for r in records if r.source.endswith("after-unfollow")]
        (welcome,) = [r for r in records if r is not after]
        assert welcome.state == "delivered" and welcome.message["body"].startswith("Cảm ơn")
        assert after.state == "failed" and after.last_error == "user unfollowed the OA"
        assert notification_store.get_user(user).following is False


def test_the_local_script_signs_like_zalo(client):
    from infra.local.zalo_webhook import build

    raw, headers = build("tra cuu 000.00.01.H06-250101-0001", user="1234", phone=None)

    response = client.http.post("/webhooks/zalo", body=raw, headers=headers)

    assert response.status_code == 200
    drain_zalo(client)
    drain(client)
    assert call(client, "GET", "/dev/messages")[0] == 200
