"""Citizens and officers are told about every step, through the notifications queue, once.

Events are replayed from each dossier's outbox through `on_event`; jobs are drained from the
real (emulated) notifications queue through `on_notification`, as the local stack does."""

import json
import logging
import re
import uuid

import boto3
import httpx
import pytest

from chalicelib.domain import notifications as plan
from chalicelib.integrations import notify_channels
from chalicelib.integrations.notify_channels import (
    ChannelPermanentError,
    ChannelTemporaryError,
    ZnsChannel,
)
from chalicelib.logs import JsonFormatter
from chalicelib.persistence import notification_store
from tests.factories import call, random_phone, submit, token
from tests.functional.notify_helpers import (
    dev_messages,
    drain,
    drain_zalo,
    notifications_of,
    outbox_events,
    post_webhook,
    run_events,
    sqs_event,
    text_body,
)

AGENCY = "ubnd-phuong-kinh-bac"


def submitted(client, notify=("sms",), **overrides):
    body, created = submit(client, notify=list(notify), **overrides)
    return body, created["code"]


def by_channel(code, recipient="citizen"):
    subject = code if recipient == "citizen" else recipient.replace("agency:", "AGENCY#")
    return {
        (r.planned_channel, r.template): r
        for r in notifications_of(subject)
        if r.recipient == recipient and r.dossier_code == code
    }


class TestPlanning:
    @pytest.mark.parametrize(("event_type", "template"), sorted(plan.CITIZEN_TEMPLATES.items()))
    def test_every_event_produces_its_template_on_each_chosen_channel(
        self, client, event_type, template
    ):
        _, code = submitted(client, notify=("zalo", "sms", "email"))
        (submitted_event,) = outbox_events(code, ("dossier.submitted",))
        event = {**submitted_event, "id": uuid.uuid4().hex, "type": event_type}
        event["data"] = {
            **event["data"],
            "reason": "Thiếu giấy tờ",
            "items": ["Giấy A"],
            "amount": 50000,
            "new_due_at": "2030-01-10T17:00:00+07:00",
        }

        assert run_events(client, [event]) == {"batchItemFailures": []}

        mine = [r for r in notifications_of(code) if r.source == event["id"]]
        citizen = {(r.channel, r.template) for r in mine if r.recipient == "citizen"}
        assert citizen == {("zalo", template), ("sms", template), ("email", template)}
        assert all(r.state == "created" and code in r.message["body"] for r in mine)

    def test_a_new_dossier_reaches_the_citizen_and_the_agency_inbox(self, client):
        body, code = submitted(client)

        run_events(client, outbox_events(code))
        drain(client)

        sms = by_channel(code)[("sms", "received")]
        assert sms.state == "delivered" and sms.addresses["sms"] == body["applicant"]["phone"]
        (inbox,) = by_channel(code, f"agency:{AGENCY}").values()
        assert (inbox.template, inbox.state) == ("officer_new_dossier", "delivered")
        sent = {
            (m["channel"], m["template"]) for m in dev_messages(client) if m["dossier_code"] == code
        }
        assert sent == {("sms", "received"), ("inbox", "officer_new_dossier")}

    def test_a_redelivered_event_makes_no_second_notification(self, client, channels):
        sms = channels("sms")
        _, code = submitted(client)
        events = outbox_events(code)

        run_events(client, events)
        run_events(client, events)
        drain(client)
        run_events(client, events)  # after delivery too
        drain(client)

        assert len([r for r in notifications_of(code) if r.recipient == "citizen"]) == 1
        assert [j.template for j in sms.sent if j.dossier_code == code] == ["received"]

    def test_an_event_whose_jobs_cannot_be_queued_comes_back(self, client, monkeypatch):
        from chalicelib.integrations import queues

        _, code = submitted(client)
        events = outbox_events(code)
        real = queues.send_batch
        monkeypatch.setattr(queues, "send_batch", lambda queue, jobs: set(jobs))

        failed = run_events(client, events)["batchItemFailures"]

        monkeypatch.setattr(queues, "send_batch", real)
        assert len(failed) == 1
        assert {r.state for r in notifications_of(code)} == {"created"}
        run_events(client, events)  # the redelivery queues the jobs of the existing records
        drain(client)
        assert {r.state for r in notifications_of(code)} == {"delivered"}


class TestDelivery:
    def test_a_redelivered_job_sends_nothing_twice(self, client, channels):
        sms = channels("sms")
        _, code = submitted(client)
        run_events(client, outbox_events(code, ("dossier.submitted",)))
        record = by_channel(code)[("sms", "received")]
        job = {"notification_id": record.id}

        first = client.lambda_.invoke("on_notification", sqs_event([job])).payload
        again = client.lambda_.invoke("on_notification", sqs_event([job, job], 2)).payload
        drain(client)

        assert first == again == {"batchItemFailures": []}
        assert [j.id for j in sms.sent].count(record.id) == 1
        assert notification_store.get(record.id).attempts == 1

    def test_a_job_another_worker_is_sending_is_left_for_later(self, client, channels):
        from chalicelib.services.notifications.delivery import LOCK
        from chalicelib.services.shared.clock import now

        sms = channels("sms")
        _, code = submitted(client)
        run_events(client, outbox_events(code, ("dossier.submitted",)))
        record = by_channel(code)[("sms", "received")]
        assert notification_store.claim(record, now(), LOCK)  # a live worker holds it

        answer = client.lambda_.invoke(
            "on_notification", sqs_event([{"notification_id": record.id}])
        )

        assert len(answer.payload["batchItemFailures"]) == 1
        assert sms.sent == [] and notification_store.get(record.id).state == "sending"

    def test_a_temporary_failure_is_retried_and_then_delivered_once(self, client, channels):
        sms = channels("sms", ChannelTemporaryError("esms 99"))
        _, code = submitted(client)
        run_events(client, outbox_events(code, ("dossier.submitted",)))
        record = by_channel(code)[("sms", "received")]
        job = sqs_event([{"notification_id": record.id}])

        failed = client.lambda_.invoke("on_notification", job).payload["batchItemFailures"]
        after_failure = notification_store.get(record.id)
        sms.error = None
        client.lambda_.invoke("on_notification", sqs_event([{"notification_id": record.id}], 2))

        assert [f["itemIdentifier"] for f in failed] == [job["Records"][0]["messageId"]]
        assert (after_failure.state, after_failure.attempts) == ("created", 1)
        assert after_failure.last_error == "esms 99"
        final = notification_store.get(record.id)
        assert (final.state, final.attempts, len(sms.sent)) == ("delivered", 2, 1)

    def test_a_channel_that_keeps_failing_ends_in_the_dead_letter_queue(self, client, channels):
        """Real SQS redrive (moto): a queue like dvc-notifications, maxReceiveCount 3."""
        from infra.local.dispatcher import deliver

        channels("sms", ChannelTemporaryError("gateway down"))
        _, code = submitted(client)
        run_events(client, outbox_events(code, ("dossier.submitted",)))
        record = by_channel(code)[("sms", "received")]
        sqs = boto3.client("sqs")
        suffix = uuid.uuid4().hex[:8]
        dlq = sqs.create_queue(QueueName=f"test-dlq-{suffix}")["QueueUrl"]
        dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])
        redrive = {"deadLetterTargetArn": dlq_arn["Attributes"]["QueueArn"], "maxReceiveCount": 3}
        queue = sqs.create_queue(
            QueueName=f"test-jobs-{suffix}",
            Attributes={"VisibilityTimeout": "0", "RedrivePolicy": json.dumps(redrive)},
        )["QueueUrl"]
        sqs.send_message(QueueUrl=queue, MessageBody=json.dumps({"notification_id": record.id}))
        handler = client.lambda_._app.handler_map["on_notification"]

        arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])
        arn = arn["Attributes"]["QueueArn"]

        receives = sum(
            deliver(sqs, handler, "on_notification", queue, arn, 10, 0) for _ in range(5)
        )

        dead = sqs.receive_message(QueueUrl=dlq, WaitTimeSeconds=0).get("Messages", [])
        assert receives == 3
        assert [json.loads(m["Body"]) for m in dead] == [{"notification_id": record.id}]
        stuck = notification_store.get(record.id)
        assert (stuck.state, stuck.attempts, stuck.last_error) == ("created", 3, "gateway down")

    def test_the_notifications_queue_dead_letters_after_five_receives(self, aws):
        sqs = boto3.client("sqs")
        url = sqs.get_queue_url(QueueName="dvc-notifications")["QueueUrl"]
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["RedrivePolicy"])
        policy = json.loads(attributes["Attributes"]["RedrivePolicy"])
        assert policy["maxReceiveCount"] == 5
        assert policy["deadLetterTargetArn"].endswith(":dvc-notifications-dlq")


class TestFallback:
    def test_a_permanent_zns_failure_falls_back_to_sms(self, client, channels):
        zalo = channels("zalo", ChannelPermanentError("ZaloPermanentError(-114)"))
        sms = channels("sms")
        _, code = submitted(client, notify=("zalo",))

        run_events(client, outbox_events(code, ("dossier.submitted",)))
        drain(client)

        record = by_channel(code)[("zalo", "received")]
        assert (record.state, record.channel) == ("delivered", "sms")
        assert record.tried == [{"channel": "zalo", "error": "ZaloPermanentError(-114)"}]
        mine = [j for j in sms.sent if j.dossier_code == code]
        assert [j.id for j in mine] == [record.id] and zalo.sent == []
        assert mine[0].message.sms.isascii()

    def test_sms_falls_back_to_email_when_the_number_cannot_receive(self, client, channels):
        channels("zalo", ChannelPermanentError("zns"))
        channels("sms", ChannelPermanentError("SmsPermanentError"))
        email = channels("email")
        _, code = submitted(client, notify=("zalo",))

        run_events(client, outbox_events(code, ("dossier.submitted",)))
        drain(client)

        record = by_channel(code)[("zalo", "received")]
        assert (record.state, record.channel) == ("delivered", "email")
        assert [t["channel"] for t in record.tried] == ["zalo", "sms"]
        (mail,) = [j for j in email.sent if j.dossier_code == code]
        assert mail.message.title == f"Đã nhận hồ sơ {code}"

    def test_no_fallback_to_a_channel_the_citizen_already_gets(self, client, channels):
        channels("zalo", ChannelPermanentError("zns"))
        sms = channels("sms")
        email = channels("email")
        _, code = submitted(client, notify=("zalo", "sms"))

        run_events(client, outbox_events(code, ("dossier.submitted",)))
        drain(client)

        records = by_channel(code)
        assert records[("zalo", "received")].state == "failed"
        assert records[("sms", "received")].state == "delivered"
        assert len([j for j in sms.sent if j.dossier_code == code]) == 1
        assert [j for j in email.sent if j.dossier_code == code] == []

    def test_when_every_channel_fails_the_notification_is_failed(self, client, channels):
        for name in ("zalo", "sms", "email"):
            channels(name, ChannelPermanentError(name))
        _, code = submitted(client, notify=("zalo",))

        run_events(client, outbox_events(code, ("dossier.submitted",)))
        drain(client)

        record = by_channel(code)[("zalo", "received")]
        assert record.state == "failed" and len(record.tried) == 3


def test_an_expired_zalo_token_is_refreshed_and_the_zns_sent(client, monkeypatch):
    """-216 from ZNS: one refresh with the stored refresh token, the new pair saved in
    Secrets Manager, the send retried, and the notification delivered once."""
    from chalicelib.integrations.notify_channels import SecretsManagerTokenStore
    from chalicelib.integrations.zalo import OAUTH_URL, ZNS_URL, ZaloClient

    secrets = boto3.client("secretsmanager")
    secret_id = secrets.create_secret(
        Name=f"dvc/test/zalo-tokens-{uuid.uuid4().hex[:6]}",
        SecretString=json.dumps({"access_token": "old-access", "refresh_token": "old-refresh"}),
    )["ARN"]
    answers = {
        ZNS_URL: [
            httpx.Response(200, json={"error": -216, "message": "Access token is invalid"}),
            httpx.Response(200, json={"error": 0, "data": {"msg_id": "zns-1"}}),
        ],
        OAUTH_URL: [
            httpx.Response(
                200,
                json={
                    "access_token": "new-access",
                    "refresh_token": "new-refresh",
                    "expires_in": "90000",
                },
            )
        ],
    }
    requests = []

    def zalo_server(request):
        requests.append(request)
        return answers[str(request.url)].pop(0)

    zalo = ZaloClient(
        httpx.Client(transport=httpx.MockTransport(zalo_server)),
        SecretsManagerTokenStore(secret_id),
        "1234567890123456789",
        "app-secret",
    )
    monkeypatch.setitem(
        notify_channels.OVERRIDES, "zalo", ZnsChannel(lambda: zalo, {"received": "231677"})
    )
    _, code = submitted(client, notify=("zalo",))

    run_events(client, outbox_events(code, ("dossier.submitted",)))
    drain(client)

    record = by_channel(code)[("zalo", "received")]
    assert (record.state, record.channel, record.provider_message_id) == (
        "delivered",
        "zalo",
        "zns-1",
    )
    assert [str(r.url) for r in requests] == [ZNS_URL, OAUTH_URL, ZNS_URL]
    assert requests[2].headers["access_token"] == "new-access"
    sent = json.loads(requests[2].content)
    assert sent["tracking_id"] == record.id and sent["template_data"]["ma_ho_so"] == code
    stored = json.loads(secrets.get_secret_value(SecretId=secret_id)["SecretString"])
    assert (stored["access_token"], stored["refresh_token"]) == ("new-access", "new-refresh")


class TestReceipts:
    def test_a_zns_receipt_names_the_notification_by_its_tracking_id(self, client):
        _, code = submitted(client, notify=("zalo",))
        run_events(client, outbox_events(code, ("dossier.submitted",)))
        drain(client)
        record = by_channel(code)[("zalo", "received")]
        receipt = {
            "app_id": "1234567890123456789",
            "event_name": "user_received_message",
            "sender": {"id": "388613280878808645"},
            "recipient": {"id": "84912345678"},
            "message": {
                "msg_id": uuid.uuid4().hex,
                "tracking_id": record.id,
                "delivery_time": "1735700000000",
            },
        }
        from tests.functional.notify_helpers import zalo_body

        status, _ = post_webhook(client, zalo_body(**receipt))
        drain_zalo(client)

        assert status == 200
        assert notification_store.get(record.id).receipt == {
            "status": "delivered",
            "at": "1735700000000",
        }

    def test_an_sms_callback_with_the_secret_updates_the_notification(self, client, monkeypatch):
        _, code = submitted(client)
        run_events(client, outbox_events(code, ("dossier.submitted",)))
        drain(client)
        record = by_channel(code)[("sms", "received")]
        monkeypatch.setenv("SMS_CALLBACK_TOKEN", "s3cret-callback-token")
        query = f"SMSID=sms-1&RequestId={record.id}&SendStatus=5&SendSuccess=1&SendFailed=0"

        wrong = call(client, "GET", f"/webhooks/sms/esms?token=guess&{query}")
        right = call(client, "GET", f"/webhooks/sms/esms?token=s3cret-callback-token&{query}")

        assert wrong[0] == 404
        assert right == (200, {"status": "recorded"})
        assert notification_store.get(record.id).receipt["status"] == "delivered"


class TestOfficerNotifications:
    def post(self, client, body, role="service", agency=None):
        subject = "he-thong-qlvb" if role == "service" else None  # one calling system
        auth = token(client, role, agency=agency, subject=subject) if role else None
        return call(client, "POST", "/v1/integrations/officer-notifications", body, token=auth)

    def test_a_document_reaches_the_officer_inbox_once(self, client):
        document = f"QLVB-{uuid.uuid4().hex[:8]}"
        body = {
            "document_id": document,
            "officer_id": "cb-van-thu-1",
            "title": "Văn bản số 12/UBND cần cho ý kiến",
            "url": "https://qlvb.example.vn/12",
        }

        status, first = self.post(client, body)
        again = self.post(client, body)
        drain(client)

        assert status == 201 and first["recipient"] == "officer:cb-van-thu-1"
        assert again == (201, first)
        (record,) = notifications_of("OFFICER#cb-van-thu-1")
        assert (record.state, record.channel, record.template) == (
            "delivered",
            "inbox",
            "officer_document",
        )
        wanted = first["notification_id"]
        shown = [m for m in dev_messages(client) if m["notification_id"] == wanted]
        assert [m["text"] for m in shown] == [
            "Văn bản số 12/UBND cần cho ý kiến. https://qlvb.example.vn/12"
        ]

    def test_an_agency_may_be_addressed_and_must_exist(self, client):
        ok = self.post(client, {"document_id": uuid.uuid4().hex, "agency": AGENCY, "title": "T"})
        unknown = self.post(
            client, {"document_id": uuid.uuid4().hex, "agency": "khong-co", "title": "T"}
        )
        both = self.post(
            client, {"document_id": "d", "agency": AGENCY, "officer_id": "x", "title": "T"}
        )

        assert ok[0] == 201 and ok[1]["recipient"] == f"agency:{AGENCY}"
        assert unknown[0] == both[0] == 400

    def test_the_same_document_id_with_another_body_is_a_conflict(self, client):
        body = {"document_id": uuid.uuid4().hex, "officer_id": "cb-1", "title": "Một"}

        self.post(client, body)
        status, error = self.post(client, {**body, "title": "Hai"})

        assert status == 409 and error["error"]["code"] == "CONFLICT"

    @pytest.mark.parametrize(
        ("role", "status"), [(None, 401), ("citizen", 403), ("receptionist", 403)]
    )
    def test_only_service_credentials_may_ask(self, client, role, status):
        body = {"document_id": uuid.uuid4().hex, "officer_id": "cb-1", "title": "T"}

        assert (
            self.post(client, body, role, AGENCY if role == "receptionist" else None)[0] == status
        )


def test_officers_read_their_own_and_their_agency_notifications(client):
    _, code = submitted(client)
    assignee = f"cb-{uuid.uuid4().hex[:6]}"
    desk = token(client, "receptionist", agency=AGENCY)
    for action, extra in (("accept", {}), ("assign", {"assignee": assignee})):
        _, view = call(client, "GET", f"/v1/officer/dossiers/{code}", token=desk)
        body = {"action": action, "version": view["version"], **extra}
        call(client, "POST", f"/v1/officer/dossiers/{code}/actions", body, token=desk)
    run_events(client, outbox_events(code))
    drain(client)
    officer = token(client, "specialist", agency=AGENCY, subject=assignee)

    _, mine = call(client, "GET", "/v1/officer/notifications", token=officer)
    _, agency = call(client, "GET", "/v1/officer/notifications?scope=agency", token=officer)
    refused = call(client, "GET", "/v1/officer/notifications", token=token(client))

    assert [(m["template"], m["dossier_code"]) for m in mine["items"]] == [
        ("officer_assigned", code)
    ]
    assert ("officer_new_dossier", code) in {
        (m["template"], m["dossier_code"]) for m in agency["items"]
    }
    assert refused[0] == 403


def test_the_dev_message_log_lists_newest_first_in_pages(client):
    _, code = submitted(client, notify=("sms", "email"))
    run_events(client, outbox_events(code))
    drain(client)

    status, first = call(client, "GET", "/dev/messages?page_size=2")
    status2, second = call(
        client, "GET", f"/dev/messages?page_size=2&page_token={first['next_page_token']}"
    )

    assert status == status2 == 200 and len(first["items"]) == 2
    times = [m["sent_at"] for m in first["items"] + second["items"]]
    assert times == sorted(times, reverse=True)
    assert not {m["notification_id"] for m in first["items"]} & {
        m["notification_id"] for m in second["items"]
    }


PHONE_LIKE = re.compile(r"(?<!\w)(?:\+?84|0)\d{9}(?!\w)")


def test_a_whole_flow_logs_no_phone_number(client, caplog):
    caplog.set_level(logging.DEBUG)
    phone = random_phone()
    body, code = submitted(client, notify=("zalo", "sms", "email"), phone=phone)
    desk = token(client, "receptionist", agency=AGENCY)
    _, view = call(client, "GET", f"/v1/officer/dossiers/{code}", token=desk)
    call(
        client,
        "POST",
        f"/v1/officer/dossiers/{code}/actions",
        {"action": "accept", "version": view["version"]},
        token=desk,
    )
    run_events(client, outbox_events(code))
    drain(client)
    post_webhook(client, text_body(f"tra cuu {code} {phone}"))
    post_webhook(client, text_body(f"tra cứu {code} 0999999999"))
    drain_zalo(client)
    drain(client)

    lines = [JsonFormatter().format(r) for r in caplog.records]
    assert any("[fake sms]" in line for line in lines)
    assert [line for line in lines if PHONE_LIKE.search(line)] == []
    assert not [line for line in lines if phone[1:] in line or body["applicant"]["email"] in line]
