"""The portal is not a relay (issue 15, finding 4): official messages do not carry text typed by
an unverified sender to whatever contact was typed, and one contact gets a bounded number of
messages a day."""

from __future__ import annotations

import uuid

from chalicelib.domain.notifications import RECIPIENT_LIMIT
from tests.factories import call, random_id_number, random_phone, submit
from tests.functional.notify_helpers import drain, notifications_of, outbox_events, run_events

# What a spammer types as "full name" (at most 120 characters) to have it sent officially.
SPAM = "TRUNG THUONG 100 TRIEU - goi ngay 1900 1234 hoac vao bit.ly/nhan-thuong-dvc de nhan qua"


def applicant(name: str = SPAM, email: str | None = None) -> dict:
    person = {"full_name": name, "id_number": random_id_number(), "phone": random_phone()}
    if email:
        person["email"] = email
    return person


def deliver(client, code: str) -> None:
    run_events(client, outbox_events(code, ("dossier.submitted",)))
    drain(client)


def texts(jobs, code: str) -> list[str]:
    mine = [j for j in jobs if j.dossier_code == code]
    assert mine
    return [
        text
        for j in mine
        for text in (j.message.title, j.message.body, j.message.sms, *j.message.params.values())
    ]


def test_an_anonymous_applicants_typed_name_is_not_relayed(client, channels):
    sent = [channels(name) for name in ("zalo", "sms", "email")]
    email = f"victim-{uuid.uuid4().hex[:8]}@example.vn"
    _, created = submit(client, applicant=applicant(email=email), notify=["zalo", "sms", "email"])

    deliver(client, created["code"])

    for channel in sent:
        relayed = texts(channel.sent, created["code"])
        assert not any("1900" in text or "bit.ly" in text for text in relayed), relayed
    (mail,) = [j for j in sent[2].sent if j.dossier_code == created["code"]]
    assert f"hồ sơ {created['code']}" in mail.message.body and "của ông/bà." in mail.message.body
    (zns,) = [j for j in sent[0].sent if j.dossier_code == created["code"]]
    assert zns.message.params["ten"] == "ông/bà"


def test_a_signed_in_citizens_verified_name_greets_them(client, channels):
    email = channels("email")
    status, issued = call(
        client,
        "POST",
        "/dev/token",
        {"role": "citizen", "subject": f"vneid-{uuid.uuid4().hex[:8]}", "name": "Trần Thị Hoa"},
    )
    assert status == 201
    mailbox = f"hoa-{uuid.uuid4().hex[:8]}@example.vn"
    _, created = submit(
        client,
        token_=issued["access_token"],
        applicant=applicant(email=mailbox),
        notify=["email"],
    )

    deliver(client, created["code"])

    (mail,) = [j for j in email.sent if j.dossier_code == created["code"]]
    assert "của ông/bà Trần Thị Hoa." in mail.message.body
    assert "1900" not in mail.message.body


def test_one_contact_gets_a_bounded_number_of_messages_a_day(client, channels, limits):
    limits(MESSAGES_PER_RECIPIENT=2)
    sms = channels("sms")
    victim = random_phone()
    codes = []
    for _ in range(3):  # e.g. three anonymous dossiers naming the same victim's phone
        person = {**applicant("Nguyễn Văn An"), "phone": victim}
        codes.append(submit(client, applicant=person, notify=["sms"])[1]["code"])
    other = submit(client, applicant=applicant("Lê Thị Mai"), notify=["sms"])[1]["code"]

    for code in [*codes, other]:
        deliver(client, code)

    to_victim = [j for j in sms.sent if j.address == victim]
    assert [j.dossier_code for j in to_victim] == codes[:2]
    (refused,) = [r for r in notifications_of(codes[2]) if r.recipient == "citizen"]
    assert refused.state == "failed" and refused.last_error == RECIPIENT_LIMIT
    assert refused.tried == [{"channel": "sms", "error": RECIPIENT_LIMIT}]
    assert [j.dossier_code for j in sms.sent if j.dossier_code == other] == [other]


def test_zns_and_sms_to_one_phone_share_its_budget(client, channels, limits):
    limits(MESSAGES_PER_RECIPIENT=1)
    zalo, sms = channels("zalo"), channels("sms")
    victim = random_phone()
    first = submit(client, applicant={**applicant(), "phone": victim}, notify=["zalo"])[1]
    second = submit(client, applicant={**applicant(), "phone": "+84" + victim[1:]}, notify=["sms"])

    deliver(client, first["code"])
    deliver(client, second[1]["code"])

    assert [j.dossier_code for j in zalo.sent if j.address == victim] == [first["code"]]
    assert [j for j in sms.sent if j.dossier_code == second[1]["code"]] == []
