"""Assisted online filing: an officer of the one-stop desk (or a kiosk) helps a citizen file
online with the citizen's identity; the dossier stays the citizen's, online, waiting for
acceptance, and its history names the officer who helped. Bad input changes nothing."""

import uuid

import pytest

from tests.factories import call, token
from tests.functional.test_counter_intake import intake_body, scan

DESK = "ubnd-phuong-kinh-bac"
OTHER_DESK = "ubnd-phuong-vo-cuong"
CERTIFY = "2.000815"  # level 2: not offered online


def file(client, officer, body, key=None):
    headers = {"Idempotency-Key": key} if key else None
    return call(client, "POST", "/v1/officer/dossiers", body, token=officer, headers=headers)


def mine(client, subject):
    citizen = token(client, "citizen", subject=subject)
    status, data = call(client, "GET", "/v1/me/dossiers", token=citizen)
    assert status == 200, data
    return citizen, [d["code"] for d in data["items"]]


@pytest.fixture
def desk(client):
    return token(client, "receptionist", DESK, subject="mc-kinh-bac-2")


@pytest.fixture
def subject():
    return f"vneid-{uuid.uuid4().hex[:12]}"


def assisted_body(client, officer, subject, **overrides):
    """The citizen signed in at the desk: the officer presents the citizen's own token."""
    body = intake_body(client, officer, channel="counter", result_delivery="online")
    citizen = token(client, "citizen", subject=subject)
    body.update(channel="online", citizen={"access_token": citizen})
    body.update(overrides)
    return body


class TestAssistedFiling:
    def test_the_dossier_is_the_citizens_online_and_names_the_officer_who_helped(
        self, client, desk, subject
    ):
        body = assisted_body(client, desk, subject)

        status, created = file(client, desk, body)

        assert status == 201, created
        assert created["status"] == "submitted" and created["channel"] == "online"
        assert created["assisted_by"] == "mc-kinh-bac-2"
        assert created["agency"]["id"] == DESK and created["digitised_components"] == ["TP2"]
        citizen, codes = mine(client, subject)
        assert codes == [created["code"]]
        status, own = call(client, "GET", f"/v1/dossiers/{created['code']}", token=citizen)
        assert status == 200 and own["status"] == "submitted"
        _, view = call(client, "GET", f"/v1/officer/dossiers/{created['code']}", token=desk)
        assert view["channel"] == "online" and "accept" in view["allowed_actions"]
        (entry,) = view["history"]
        assert entry["action"] == "submit" and entry["actor_role"] == "citizen"
        assert entry["data"] == {"assisted_by": "mc-kinh-bac-2"}

    def test_the_same_idempotency_key_gives_the_same_dossier(self, client, desk, subject):
        body = assisted_body(client, desk, subject)

        first = file(client, desk, body, key="assist-" + subject)
        again = file(client, desk, body, key="assist-" + subject)

        assert first[0] == 201 and again[1]["code"] == first[1]["code"]
        assert mine(client, subject)[1] == [first[1]["code"]]

    def test_a_citizen_cannot_file_as_an_officer(self, client, subject):
        citizen = token(client, "citizen", subject=subject)
        desk = token(client, "receptionist", DESK)
        body = assisted_body(client, desk, subject)

        status, error = file(client, citizen, body)

        assert status == 403, error
        assert mine(client, subject)[1] == []

    def test_without_the_citizens_identity_or_with_desk_only_parts_nothing_is_filed(
        self, client, desk, subject
    ):
        body = assisted_body(client, desk, subject)
        del body["citizen"]
        body["decision"] = {"action": "accept"}
        body["consignment"] = {"carrier": "VNPost", "tracking_number": "RR123456789VN"}

        status, error = file(client, desk, body)

        assert status == 400, error
        fields = {d["field"] for d in error["error"]["details"]}
        assert {"citizen", "decision", "consignment"} <= fields
        assert mine(client, subject)[1] == []

    def test_a_counter_dossier_takes_no_citizen_identity(self, client, desk, subject):
        body = assisted_body(client, desk, subject, channel="counter")

        status, error = file(client, desk, body)

        assert status == 400 and error["error"]["details"][0]["field"] == "citizen"
        assert mine(client, subject)[1] == []

    def test_a_procedure_not_offered_online_is_refused(self, client, desk, subject):
        body = assisted_body(client, desk, subject)
        body.update(
            procedure_code=CERTIFY,
            attachments=[
                {"component_code": "TP1", "upload_id": scan(client, desk, "TP1", CERTIFY)}
            ],
        )

        status, error = file(client, desk, body)

        assert status == 400 and error["error"]["details"][0]["field"] == "procedure_code"

    def test_the_desk_files_only_for_its_own_agency(self, client, desk, subject):
        body = assisted_body(client, desk, subject, agency=OTHER_DESK)

        status, error = file(client, desk, body)

        assert status == 403, error
        assert mine(client, subject)[1] == []


class TestTheCitizensIdentity:
    def test_an_identity_the_officer_types_is_not_enough(self, client, desk, subject):
        """A subject typed at the desk would file into anyone's account: only the citizen's
        own verified token names the owner."""
        body = assisted_body(client, desk, subject, citizen={"subject": subject})

        status, error = file(client, desk, body)

        assert status == 400 and error["error"]["code"] == "VALIDATION_FAILED"
        assert mine(client, subject)[1] == []

    @pytest.mark.parametrize("who", ["forged", "officer"])
    def test_a_forged_token_or_another_role_s_token_files_nothing(self, client, desk, subject, who):
        presented = (
            token(client, "citizen", subject=subject)[:-4] + "AAAA"
            if who == "forged"
            else token(client, "receptionist", DESK)
        )
        body = assisted_body(client, desk, subject, citizen={"access_token": presented})

        status, error = file(client, desk, body)

        assert status == 400, error
        assert error["error"]["details"][0]["field"] == "citizen.access_token"
        assert mine(client, subject)[1] == []
