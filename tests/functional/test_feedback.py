"""Feedback (PAKN) over the HTTP API: intake (web, Zalo chat through the service), the sender's
and the public's views, the officers' handling, publication without personal data, ratings."""

import json
import uuid

import boto3

from chalicelib.config import get_settings
from chalicelib.persistence import dossier_store
from tests.factories import call, put_uploaded_file, random_phone, token

CENTRE = "trung-tam-phuc-vu-hanh-chinh-cong"
OTHER = "so-nong-nghiep-va-moi-truong"


def feedback_body(phone=None, **overrides):
    body = {
        "title": "Rác thải tồn đọng",
        "content": "Rác thải tồn đọng nhiều ngày ở đầu ngõ 5 phố Kinh Bắc.",
        "category": "moi_truong",
        "sender": {"full_name": "Lê Văn Cường", "phone": phone or random_phone()},
        "public": True,
    }
    body.update(overrides)
    return body


def send(client, body=None, token_=None, headers=None):
    body = body or feedback_body()
    status, data = call(client, "POST", "/v1/feedback", body, token=token_, headers=headers)
    assert status == 201, data
    return body, data


def uploaded_photo(client, content: bytes = b"\xff\xd8\xff jpeg") -> str:
    """A photo uploaded for a feedback through the presigned flow: its upload id."""
    status, upload = call(
        client,
        "POST",
        "/v1/feedback/uploads",
        {"filename": "rac.jpg", "content_type": "image/jpeg", "size_bytes": len(content)},
    )
    assert status == 201, upload
    put_uploaded_file(upload, "image/jpeg", content)
    return upload["upload_id"]


def officer(client, role="leader", agency=CENTRE):
    return token(client, role, agency)


def current(client, feedback_id, officer_token):
    status, data = call(client, "GET", f"/v1/officer/feedback/{feedback_id}", token=officer_token)
    assert status == 200, data
    return data


def act(client, feedback_id, officer_token, action, expect=200, **params):
    version = current(client, feedback_id, officer_token)["version"]
    status, data = call(
        client,
        "POST",
        f"/v1/officer/feedback/{feedback_id}/actions",
        {"action": action, "version": version, **params},
        token=officer_token,
    )
    assert status == expect, data
    return data


def answer(client, feedback_id, text="Đã thu gom rác và nhắc nhở hộ dân.", publish=False):
    """The centre's leader classifies the feedback and answers it (and publishes the answer)."""
    leader = officer(client)
    act(client, feedback_id, leader, "classify", classification="within_competence")
    version = current(client, feedback_id, leader)["version"]
    status, data = call(
        client,
        "POST",
        f"/v1/officer/feedback/{feedback_id}/answer",
        {"version": version, "answer": text},
        token=leader,
    )
    assert status == 200, data
    if publish:
        act(client, feedback_id, leader, "publish")


def answered(client, body=None, publish=True):
    body, created = send(client, body)
    answer(client, created["id"], publish=publish)
    return body, created


def outbox_types(feedback_id):
    _, _, model = dossier_store.models()
    records = model.query(dossier_store.pk(feedback_id), model.SK.startswith("OUTBOX#"))
    return sorted(r.event["type"] for r in records)


def test_a_citizen_sends_feedback_and_gets_its_id_and_status(client):
    _, created = send(client)

    assert created["id"].startswith("PAKN-") and created["status"] == "received"
    assert created["agency"]["id"] == CENTRE
    assert created["forward_by"] > created["received_at"]
    assert outbox_types(created["id"]) == ["feedback.received"]


def test_the_same_idempotency_key_returns_the_first_answer(client):
    headers = {"Idempotency-Key": uuid.uuid4().hex}
    body, first = send(client, headers=headers)

    status, again = call(client, "POST", "/v1/feedback", body, headers=headers)
    other, conflict = call(client, "POST", "/v1/feedback", feedback_body(), headers=headers)

    assert status == 201 and again == first
    assert other == 409 and conflict["error"]["code"] == "CONFLICT"


def test_invalid_feedback_lists_every_problem(client):
    status, data = call(
        client, "POST", "/v1/feedback", {"content": "", "category": "x", "public": "yes"}
    )

    assert status == 400 and data["error"]["code"] == "VALIDATION_FAILED"
    fields = {d["field"] for d in data["error"]["details"]}
    assert {"content", "category", "public", "title", "sender"} <= fields


def test_feedback_about_a_procedure_goes_to_its_agency(client):
    _, procedure = call(client, "GET", "/v1/procedures/3.000333")

    _, created = send(client, feedback_body(procedure_code="3.000333"))
    _, everywhere = send(client, feedback_body(procedure_code="1.001193"))
    _, by_code = send(client, feedback_body(agency="000.00.12.H06"))
    status, data = call(client, "POST", "/v1/feedback", feedback_body(agency="khong-co"))

    assert created["agency"]["id"] == procedure["agency"]["id"] == "cong-an-tinh"
    assert everywhere["agency"]["id"] == CENTRE
    assert by_code["agency"]["id"] == "so-tu-phap"
    assert status == 400 and data["error"]["details"][0]["field"] == "agency"


def test_the_sender_reads_their_feedback_with_the_phone_and_others_get_404(client):
    phone = random_phone()
    _, created = send(client, feedback_body(phone=phone))

    status, mine = call(client, "GET", f"/v1/feedback/{created['id']}?phone={phone}")
    wrong, _ = call(client, "GET", f"/v1/feedback/{created['id']}?phone={random_phone()}")
    anonymous, _ = call(client, "GET", f"/v1/feedback/{created['id']}")

    assert status == 200 and mine["sender"]["phone"] == phone
    assert mine["history"][0]["action"] == "receive" and mine["can_rate"] is False
    assert wrong == 404 and anonymous == 404


def test_a_signed_in_citizen_sees_and_lists_their_own_feedback(client):
    citizen = token(client, "citizen")
    _, created = send(client, token_=citizen)

    status, view = call(client, "GET", f"/v1/feedback/{created['id']}", token=citizen)
    _, listing = call(client, "GET", "/v1/me/feedback", token=citizen)
    _, stranger = call(client, "GET", "/v1/me/feedback", token=token(client, "citizen"))

    assert status == 200 and view["sender"]["full_name"] == "Lê Văn Cường"
    assert [i["id"] for i in listing["items"]] == [created["id"]]
    assert stranger["items"] == []


def test_officers_see_their_agency_feedback_only(client):
    _, created = send(client)

    status, view = call(
        client, "GET", f"/v1/officer/feedback/{created['id']}", token=officer(client)
    )
    other, _ = call(
        client, "GET", f"/v1/officer/feedback/{created['id']}", token=officer(client, agency=OTHER)
    )

    assert status == 200 and view["sender"]["full_name"] == "Lê Văn Cường"
    assert "classify" in view["allowed_actions"] and view["overdue"] is False
    assert other == 404


def test_the_officer_list_filters_by_status_soonest_due_first(client):
    _, created = send(client)
    leader = officer(client)

    found = find(client, leader, created["id"], "received")
    act(client, created["id"], leader, "classify", classification="within_competence")

    assert found["status"] == "received"
    assert find(client, leader, created["id"], "classified")["status"] == "classified"
    assert find(client, leader, created["id"], None) is not None
    assert find(client, leader, created["id"], "received") is None


def find(client, officer_token, feedback_id, status):
    path = "/v1/officer/feedback?page_size=100" + (f"&status={status}" if status else "")
    while path:
        code, page = call(client, "GET", path, token=officer_token)
        assert code == 200, page
        dues = [
            i["due_at"] if i["status"] != "received" else i["forward_by"] for i in page["items"]
        ]
        assert dues == sorted(dues)
        for item in page["items"]:
            if item["id"] == feedback_id:
                return item
        token_ = page["next_page_token"]
        path = f"/v1/officer/feedback?page_size=100&page_token={token_}" if token_ else None
        if status:
            path = path and f"{path}&status={status}"
    return None


def test_a_published_answer_is_public_without_personal_data(client):
    phone = random_phone()
    body, created = answered(client, feedback_body(phone=phone))

    status, public = call(client, "GET", f"/v1/feedback/{created['id']}")
    _, listing = call(client, "GET", "/v1/feedback?status=answered&page_size=100")

    assert status == 200 and public["answer"]["text"].startswith("Đã thu gom")
    assert public["status"] == "published"
    text = json.dumps(public, ensure_ascii=False)
    assert phone not in text and "Lê Văn Cường" not in text and "sender" not in public
    listed = [i for i in listing["items"] if i["id"] == created["id"]]
    assert listed and "sender" not in listed[0]
    assert phone not in json.dumps(listing, ensure_ascii=False)
    assert outbox_types(created["id"]) == [
        "feedback.answered",
        "feedback.classified",
        "feedback.published",
        "feedback.received",
    ]


def test_an_answer_is_not_public_before_publication(client):
    _, unpublished = answered(client, publish=False)
    _, listing = call(client, "GET", "/v1/feedback?page_size=100")

    assert call(client, "GET", f"/v1/feedback/{unpublished['id']}")[0] == 404
    assert unpublished["id"] not in {i["id"] for i in listing["items"]}


def test_without_consent_the_answer_is_published_anonymised(client):
    """Decree 20/2008 art. 14: the result of handling is published; the sender who did not
    agree to publication keeps their words and identity private."""
    phone = random_phone()
    body = feedback_body(public=False, phone=phone)
    _, private = send(client, body)
    leader = officer(client)
    act(client, private["id"], leader, "classify", classification="within_competence")
    act(client, private["id"], leader, "answer", answer="Đã xử lý, đèn đã được thay.")
    act(client, private["id"], leader, "publish")

    status, public = call(client, "GET", f"/v1/feedback/{private['id']}")

    assert status == 200 and public["anonymised"] is True
    assert public["answer"]["text"] == "Đã xử lý, đèn đã được thay."
    text = json.dumps(public, ensure_ascii=False)
    assert body["content"] not in text and body["title"] not in text and phone not in text
    assert body["sender"]["full_name"] not in text


def test_forwarding_hands_the_feedback_to_the_other_agency(client):
    _, created = send(client)
    before = current(client, created["id"], officer(client))

    act(client, created["id"], officer(client), "classify", classification="other_agency",
        agency=OTHER)  # fmt: skip

    gone, _ = call(client, "GET", f"/v1/officer/feedback/{created['id']}", token=officer(client))
    theirs = current(client, created["id"], officer(client, "receptionist", OTHER))
    assert gone == 404
    assert theirs["status"] == "forwarded" and theirs["allowed_actions"] == ["classify"]
    assert theirs["forward_by"] >= before["forward_by"]
    assert "feedback.forwarded" in outbox_types(created["id"])


def test_a_stale_version_is_a_conflict(client):
    _, created = send(client)
    leader = officer(client)
    version = current(client, created["id"], leader)["version"]
    act(client, created["id"], leader, "classify", classification="within_competence")

    status, data = call(
        client,
        "POST",
        f"/v1/officer/feedback/{created['id']}/actions",
        {"action": "assign", "version": version, "assignee": "cb-1"},
        token=leader,
    )

    assert status == 409 and data["error"]["code"] == "CONFLICT"


def test_the_sender_rates_the_answer_once(client):
    phone = random_phone()
    _, waiting = send(client, feedback_body(phone=phone))
    early, _ = call(
        client, "POST", f"/v1/feedback/{waiting['id']}/rating", {"satisfied": True, "phone": phone}
    )
    _, created = answered(client, feedback_body(phone=phone))
    path = f"/v1/feedback/{created['id']}/rating"

    stranger, _ = call(client, "POST", path, {"satisfied": True, "phone": random_phone()})
    status, view = call(client, "POST", path, {"satisfied": False, "phone": phone})
    again, data = call(client, "POST", path, {"satisfied": True, "phone": phone})

    assert early == 409 and stranger == 404
    assert status == 200 and view["rating"]["satisfied"] is False and view["can_rate"] is False
    assert again == 409 and data["error"]["code"] == "INVALID_TRANSITION"
    assert "feedback.rated" in outbox_types(created["id"])
    assert call(client, "GET", f"/v1/feedback/{created['id']}")[1]["satisfied"] is False


def test_photos_come_through_the_presigned_upload_flow(client):
    content = b"\xff\xd8\xff jpeg"
    status, upload = call(
        client,
        "POST",
        "/v1/feedback/uploads",
        {"filename": "rac.jpg", "content_type": "image/jpeg", "size_bytes": len(content)},
    )
    assert status == 201, upload
    put_uploaded_file(upload, "image/jpeg", content)
    phone = random_phone()
    attachments = [{"upload_id": upload["upload_id"]}]

    _, created = send(client, feedback_body(phone=phone, attachments=attachments))
    reused, data = call(
        client, "POST", "/v1/feedback", feedback_body(phone=phone, attachments=attachments)
    )
    _, view = call(client, "GET", f"/v1/feedback/{created['id']}?phone={phone}")

    assert view["attachments"][0]["filename"] == "rac.jpg"
    assert view["attachments"][0]["size_bytes"] == len(content)
    assert reused == 400 and data["error"]["details"][0]["field"] == "attachments[0]"
    pages = (
        boto3.client("s3")
        .get_paginator("list_objects_v2")
        .paginate(Bucket=get_settings().bucket_uploads, Prefix="attachments/")
    )
    kept = [o["Key"] for p in pages for o in p.get("Contents", [])]
    assert [k.rsplit("/", 1)[1] for k in kept if f"/{upload['upload_id']}/" in k] == ["rac.jpg"]


def test_the_chat_intake_uses_the_same_service(client):
    from chalicelib.services.feedback import intake as feedback
    from chalicelib.services.shared.clock import now

    phone = random_phone()
    created = feedback.submit(
        {
            "content": "Cống thoát nước bị tắc.",
            "category": "co_so_ha_tang",
            "public": False,
            "sender": {"full_name": "Phạm Dũng", "phone": phone, "zalo_user_id": "z-123"},
        },
        None,
        now(),
        channel="zalo",
    )

    status, view = call(client, "GET", f"/v1/feedback/{created['id']}?phone={phone}")
    assert status == 200 and view["channel"] == "zalo"
    assert view["title"] == "Cống thoát nước bị tắc." and view["sender"]["zalo_user_id"] == "z-123"
