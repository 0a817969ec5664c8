"""Dossiers received at the one-stop desk and by post: scans, the decision on the spot, the
forms, digitisation, statistics per channel, the result sent by post, and every bad input."""

import uuid

import pytest

from tests.factories import call, form_example, procedure, put_uploaded_file, random_phone, token
from tests.stats_aws import TABLES, deliver, empty_copies, outbox_events

BIRTH = "1.001193"  # every commune; has an e-form and a required scan (TP2)
CERTIFY = "2.000815"  # level 2: counter only, no e-form
DESK = "ubnd-phuong-kinh-bac"
OTHER_DESK = "ubnd-phuong-vo-cuong"
PDF = b"%PDF-1.4 ban quet tai quay"


def scan(client, officer, component, code=BIRTH, content=PDF, content_type="application/pdf"):
    status, data = call(
        client,
        "POST",
        "/v1/officer/uploads",
        {
            "procedure_code": code,
            "component_code": component,
            "filename": f"{component}.pdf",
            "content_type": content_type,
            "size_bytes": len(content),
        },
        token=officer,
    )
    assert status == 201, data
    put_uploaded_file(data, content_type, content)
    return data["upload_id"]


def intake_body(client, officer, code=BIRTH, channel="counter", **overrides):
    proc = procedure(client, code)
    body = {
        "procedure_code": code,
        "channel": channel,
        "applicant": {
            "full_name": "Lê Thị Hoa",
            "id_number": "027190001234",
            "phone": random_phone(),
            "address": "Số 5 đường Kinh Dương Vương, phường Kinh Bắc, tỉnh Bắc Ninh",
        },
        "attachments": [
            {"component_code": c["code"], "upload_id": scan(client, officer, c["code"], code)}
            for c in proc["components"]
            if c["required"] and not c.get("filled_online")
        ],
        "result_delivery": "counter",
        "notify": ["sms"],
    }
    if proc["form_url"]:
        body["form"] = form_example(client, code)
    if channel == "post":
        body["consignment"] = {"carrier": "VNPost", "tracking_number": "RR123456789VN"}
    body.update(overrides)
    return body


def receive(client, officer, body, key=None):
    headers = {"Idempotency-Key": key} if key else None
    return call(client, "POST", "/v1/officer/dossiers", body, token=officer, headers=headers)


@pytest.fixture
def desk(client):
    return token(client, "receptionist", DESK)


class TestCounterIntake:
    def test_an_accepted_counter_dossier_has_its_code_due_date_scans_and_form_01(
        self, client, desk
    ):
        body = intake_body(client, desk)

        status, created = receive(client, desk, body)

        assert status == 201, created
        assert created["status"] == "accepted" and created["channel"] == "counter"
        assert created["code"].startswith("000.14.50.H06-")
        assert created["due_at"] and created["accepted_at"]
        assert created["digitised_components"] == ["TP2"]
        assert created["decision"]["form"] == "01"
        _, view = call(client, "GET", f"/v1/officer/dossiers/{created['code']}", token=desk)
        assert view["channel"] == "counter" and view["status"] == "accepted"
        assert view["attachments"][0]["digitised_at_receipt"] is True
        assert [e["action"] for e in view["history"]] == ["receive", "accept"]
        form = client.http.get(created["form_url"], headers={"Authorization": f"Bearer {desk}"})
        text = form.body.decode()
        assert form.status_code == 200 and created["code"] in text and "Lê Thị Hoa" in text

    def test_the_citizen_looks_the_counter_dossier_up_with_the_phone(self, client, desk):
        body = intake_body(client, desk)
        _, created = receive(client, desk, body)

        status, found = call(
            client, "GET", f"/v1/dossiers/{created['code']}?phone={body['applicant']['phone']}"
        )

        assert status == 200 and found["channel"] == "counter"
        assert found["history"][0]["action_label"].startswith("Tiếp nhận hồ sơ trực tiếp")

    def test_a_counter_only_procedure_is_received_without_an_e_form(self, client, desk):
        body = intake_body(client, desk, CERTIFY)

        status, created = receive(client, desk, body)

        assert status == 201, created
        assert created["status"] == "accepted"

    def test_refused_on_the_spot_with_form_03(self, client, desk):
        body = intake_body(client, desk, attachments=[])
        body["decision"] = {"action": "reject", "note": "Thủ tục không thuộc thẩm quyền."}

        status, created = receive(client, desk, body)

        assert status == 201, created
        assert created["status"] == "rejected" and created["decision"]["form"] == "03"

    def test_asked_to_supplement_on_the_spot_with_form_02(self, client, desk):
        body = intake_body(client, desk, attachments=[], form={})
        body["decision"] = {"action": "request_supplement", "items": ["Giấy chứng sinh"]}

        status, created = receive(client, desk, body)

        assert status == 201, created
        assert created["status"] == "supplement_requested"
        assert created["form_url"].endswith("/forms/02")


class TestPostalIntake:
    def test_a_dossier_by_post_records_its_consignment(self, client, desk):
        body = intake_body(client, desk, channel="post")

        status, created = receive(client, desk, body)

        assert status == 201, created
        _, view = call(client, "GET", f"/v1/officer/dossiers/{created['code']}", token=desk)
        assert view["channel"] == "post"
        assert view["consignment"]["tracking_number"] == "RR123456789VN"

    def test_a_dossier_by_post_needs_its_consignment(self, client, desk):
        body = intake_body(client, desk, channel="post")
        body.pop("consignment")

        status, data = receive(client, desk, body)

        assert status == 400 and data["error"]["details"][0]["field"] == "consignment"


class TestBadInput:
    def test_an_unknown_agency(self, client, desk):
        status, data = receive(client, desk, intake_body(client, desk, agency="000.99.99.H06"))

        assert status == 400 and data["error"]["details"][0]["field"] == "agency"

    def test_an_agency_that_does_not_perform_the_procedure(self, client):
        police = token(client, "receptionist", "cong-an-tinh")

        status, data = receive(client, police, intake_body(client, police, CERTIFY))

        assert status == 400 and data["error"]["details"][0]["field"] == "agency"

    def test_a_receptionist_of_another_agency(self, client, desk):
        other = token(client, "receptionist", OTHER_DESK)
        body = intake_body(client, desk, agency=DESK)

        status, data = receive(client, other, body)

        assert status == 403 and data["error"]["code"] == "FORBIDDEN"

    @pytest.mark.parametrize("role", ["specialist", "leader", "citizen"])
    def test_only_the_desk_receives(self, client, role):
        caller = token(client, role, DESK if role != "citizen" else None)

        status, _ = call(client, "POST", "/v1/officer/dossiers", {}, token=caller)
        scanned, _ = call(client, "POST", "/v1/officer/uploads", {}, token=caller)

        assert status == scanned == 403

    def test_anonymous_callers_are_refused(self, client):
        assert call(client, "POST", "/v1/officer/dossiers", {})[0] == 401
        assert call(client, "POST", "/v1/officer/uploads", {})[0] == 401

    def test_a_component_not_in_the_procedure_and_nothing_half_written(self, client, desk):
        body = intake_body(client, desk)
        good = body["attachments"][0]
        body["attachments"].append({"component_code": "TP9", "upload_id": good["upload_id"]})

        status, data = receive(client, desk, body)
        body["attachments"].pop()
        again, created = receive(client, desk, body)

        assert status == 400
        assert "attachments[1].component_code" in [d["field"] for d in data["error"]["details"]]
        assert again == 201, created  # the scan was not used up by the failed intake

    @pytest.mark.parametrize(
        ("content_type", "size", "status"),
        [("application/zip", 100, 400), ("application/pdf", 11 * 1024 * 1024, 413)],
    )
    def test_a_scan_of_the_wrong_type_or_size(self, client, desk, content_type, size, status):
        answer, data = call(
            client,
            "POST",
            "/v1/officer/uploads",
            {
                "procedure_code": BIRTH,
                "component_code": "TP2",
                "filename": "scan.bin",
                "content_type": content_type,
                "size_bytes": size,
            },
            token=desk,
        )

        assert answer == status and data["error"]["details"]

    def test_the_same_idempotency_key_answers_once(self, client, desk):
        body = intake_body(client, desk)
        key = uuid.uuid4().hex

        first = receive(client, desk, body, key)
        second = receive(client, desk, body, key)
        other = receive(client, desk, {**body, "notify": []}, key)

        assert first[0] == second[0] == 201 and first[1]["code"] == second[1]["code"]
        assert other[0] == 409 and other[1]["error"]["code"] == "CONFLICT"

    def test_accepting_needs_the_required_scans_and_a_valid_declaration(self, client, desk):
        body = intake_body(client, desk, attachments=[], form={})

        status, data = receive(client, desk, body)

        fields = [d["field"] for d in data["error"]["details"]]
        assert status == 400 and "attachments.TP2" in fields
        assert any(f.startswith("form") for f in fields)


class TestResultByPost:
    def test_the_result_goes_by_post_with_a_tracking_number_that_moves(self, client, desk):
        body = intake_body(client, desk, channel="post", result_delivery="post")
        _, created = receive(client, desk, body)
        code = created["code"]
        leader = token(client, "leader", DESK)
        for officer, action, params in (
            (leader, "assign", {"assignee": "specialist-1"}),
            (leader, "approve", {}),
            (desk, "return_result", {"via": "post"}),
        ):
            _, view = call(client, "GET", f"/v1/officer/dossiers/{code}", token=officer)
            status, view = call(
                client,
                "POST",
                f"/v1/officer/dossiers/{code}/actions",
                {"action": action, "version": view["version"], **params},
                token=officer,
            )
            assert status == 200, view

        shipment = view["shipment"]
        assert view["status"] == "returned" and shipment["tracking_number"].startswith("EB")
        assert shipment["status"] == "created"
        statuses = [
            call(client, "POST", f"/v1/officer/dossiers/{code}/shipment", {}, token=desk)[1][
                "shipment"
            ]["status"]
            for _ in range(3)
        ]
        assert statuses == ["picked_up", "in_transit", "delivered"]
        _, found = call(client, "GET", f"/v1/dossiers/{code}?phone={body['applicant']['phone']}")
        assert found["shipment"]["status"] == "delivered"

    def test_a_dossier_without_a_shipment_has_nothing_to_follow(self, client, desk):
        _, created = receive(client, desk, intake_body(client, desk))

        status, data = call(
            client, "POST", f"/v1/officer/dossiers/{created['code']}/shipment", {}, token=desk
        )

        assert status == 409


def refused(body):
    return {**body, "decision": {"action": "reject", "note": "Không thuộc thẩm quyền."}}


class TestStatisticsPerChannel:
    def test_counter_and_post_are_counted_and_digitised_at_receipt(self, client, aws, monkeypatch):
        empty_copies(aws, monkeypatch, TABLES)
        desk = token(client, "receptionist", DESK)
        codes = [
            receive(client, desk, intake_body(client, desk))[1]["code"],
            receive(client, desk, intake_body(client, desk, channel="post"))[1]["code"],
            receive(client, desk, refused(intake_body(client, desk, CERTIFY, attachments=[])))[1][
                "code"
            ],
        ]
        deliver(outbox_events(codes), seed=3)

        status, report = call(client, "GET", f"/v1/stats?agency={DESK}")

        assert status == 200, report
        assert report["received"]["counter"] == 2 and report["received"]["post"] == 1
        assert report["digitised_at_receipt"] == 2
        items = report["components"]["items"]
        digitisation = next(c for c in items if c["key"] == "digitisation")
        part = next(p for p in digitisation["parts"] if p["key"] == "digitised_at_receipt")
        assert part["ratio"] == round(2 / 3, 4)
