"""Officers carry a dossier from submission to result; isolation, locking and deadlines."""

import json
import threading
import time
from datetime import timedelta

import jwt
import pytest

from tests.factories import call, procedure, put_uploaded_file, sample_pdf, submit, token

AGENCY = "ubnd-phuong-kinh-bac"
OTHER_AGENCY = "ubnd-phuong-vo-cuong"


def officer(client, role="receptionist", agency=AGENCY):
    return token(client, role=role, agency=agency)


def act(client, code, role_token, action, version, **extra):
    return call(
        client,
        "POST",
        f"/v1/officer/dossiers/{code}/actions",
        {"action": action, "version": version, **extra},
        token=role_token,
    )


def detail(client, code, role_token):
    return call(client, "GET", f"/v1/officer/dossiers/{code}", token=role_token)


@pytest.fixture
def submitted(client):
    assert AGENCY in {a["id"] for a in procedure(client)["agencies"]}
    body, created = submit(client)
    return body, created["code"]


class TestFromSubmissionToResult:
    def test_a_dossier_goes_from_submitted_to_returned(self, client, submitted):
        body, code = submitted
        desk, leader = officer(client), officer(client, "leader")
        specialist = officer(client, "specialist")

        status, view = detail(client, code, desk)
        assert status == 200 and set(view["allowed_actions"]) == {
            "accept",
            "reject",
            "request_supplement",
            "apply_fee_reduction",
        }
        assert view["attachments"] and view["attachments"][0]["url"].startswith("http")

        status, view = act(client, code, desk, "accept", view["version"])
        assert status == 200 and view["status"] == "accepted" and view["due_at"]
        status, view = act(client, code, desk, "assign", view["version"], assignee="cb-tu-phap-1")
        assert view["status"] == "in_progress"
        result_pdf = sample_pdf("Giay khai sinh")
        status, upload = call(
            client,
            "POST",
            f"/v1/officer/dossiers/{code}/result",
            {
                "filename": "giay-khai-sinh.pdf",
                "content_type": "application/pdf",
                "size_bytes": len(result_pdf),
            },
            token=specialist,
        )
        assert status == 201 and upload["fields"]["key"].startswith(f"results/{code}/")
        put_uploaded_file(upload, "application/pdf", result_pdf)
        status, view = act(client, code, leader, "approve", upload["version"])
        assert status == 200 and view["status"] == "result_ready"
        assert view["result_document"]["document_id"]  # signed by the agency on approval
        assert view["timeliness"] in ("early", "on_time", "late")
        status, view = act(client, code, desk, "return_result", view["version"], via="counter")
        assert status == 200 and view["status"] == "returned"

        _, public = call(client, "GET", f"/v1/dossiers/{code}?phone={body['applicant']['phone']}")
        assert [s["action"] for s in public["history"]] == [
            "submit",
            "accept",
            "assign",
            "approve",
            "return_result",
        ]
        assert all("actor_id" not in s for s in public["history"])

    def test_forms_01_to_05_render_in_vietnamese(self, client, submitted):
        _, code = submitted
        desk = officer(client)
        _, view = detail(client, code, desk)
        act(
            client,
            code,
            desk,
            "request_supplement",
            view["version"],
            items=["Bản sao giấy chứng sinh rõ nét"],
            note="Ảnh bị mờ",
        )

        texts = {}
        for number in ("01", "02", "03", "04", "05", "06"):
            response = client.http.get(
                f"/v1/officer/dossiers/{code}/forms/{number}",
                headers={"Authorization": f"Bearer {desk}"},
            )
            assert response.status_code == 200, number
            texts[number] = response.body.decode()

        assert "Bản sao giấy chứng sinh rõ nét" in texts["02"]
        # Circular 03/2025/TT-VPCP: the control slip is Form 06 (it was 05 under 01/2018).
        assert "PHIẾU KIỂM SOÁT" in texts["06"].upper() and "Yêu cầu bổ sung" in texts["06"]

    def test_the_citizen_resubmits_and_the_desk_accepts(self, client, submitted):
        body, code = submitted
        desk = officer(client)
        _, view = detail(client, code, desk)
        act(client, code, desk, "request_supplement", view["version"], items=["Tờ khai"])

        _, public = call(client, "GET", f"/v1/dossiers/{code}?phone={body['applicant']['phone']}")

        assert public["status"] == "supplement_requested"
        assert public["requested"]["items"] == ["Tờ khai"]


class TestIsolation:
    def test_an_officer_of_another_agency_sees_nothing(self, client, submitted):
        _, code = submitted
        stranger = officer(client, agency=OTHER_AGENCY)

        assert detail(client, code, stranger)[0] == 404
        assert act(client, code, stranger, "accept", 1)[0] == 404
        _, inbox = call(client, "GET", "/v1/officer/dossiers?page_size=100", token=stranger)
        assert code not in [d["code"] for d in inbox["items"]]

    def test_a_citizen_cannot_use_officer_routes(self, client, submitted):
        _, code = submitted

        assert detail(client, code, token(client))[0] == 403

    def test_an_expired_token_is_refused(self, client, submitted):
        _, code = submitted
        _, issued = call(
            client,
            "POST",
            "/dev/token",
            {"role": "receptionist", "agency": AGENCY, "ttl_seconds": 1},
        )
        claims = jwt.decode(issued["access_token"], options={"verify_signature": False})
        from chalicelib.integrations.secrets import app_secrets

        claims.update(
            exp=int(time.time()) - 120, iat=int(time.time()) - 240, nbf=int(time.time()) - 240
        )
        expired = jwt.encode(claims, app_secrets().secret_key, algorithm="HS256")

        status, body = detail(client, code, expired)

        assert status == 401 and body["error"]["code"] == "UNAUTHENTICATED"

    def test_a_token_signed_with_another_key_is_refused(self, client, submitted):
        _, code = submitted
        claims = jwt.decode(officer(client), options={"verify_signature": False})
        forged = jwt.encode(claims, "not-the-key", algorithm="HS256")

        assert detail(client, code, forged)[0] == 401

    def test_a_token_claiming_another_agency_without_the_key_is_refused(self, client, submitted):
        _, code = submitted
        claims = jwt.decode(
            officer(client, agency=OTHER_AGENCY), options={"verify_signature": False}
        )
        claims["agency"] = AGENCY
        forged = jwt.encode(claims, "guess", algorithm="HS256")

        assert detail(client, code, forged)[0] == 401


class TestAuthorityAfterTransfer:
    """After a transfer the sender reads only: every change is the holder's (issue 15 #6)."""

    @pytest.fixture
    def transferred(self, client, submitted):
        _, code = submitted
        desk = officer(client)
        _, view = act(client, code, desk, "accept", detail(client, code, desk)[1]["version"])
        status, view = act(client, code, desk, "transfer", view["version"], agency=OTHER_AGENCY)
        assert status == 200
        return code

    def test_the_sender_s_leader_can_neither_approve_nor_stop(self, client, transferred):
        code = transferred
        leader = officer(client, "leader")
        status, view = detail(client, code, leader)
        assert status == 200 and view["read_only"] is True and view["allowed_actions"] == []

        for action, extra in (
            ("approve", {}),
            ("stop", {"note": "Dừng"}),
            ("assign", {"assignee": "cb-1"}),
            ("extend", {"note": "Xin lỗi", "new_due_at": "2099-01-05T08:00:00+07:00"}),
        ):
            status, body = act(client, code, leader, action, view["version"], **extra)
            assert status == 403 and body["error"]["code"] == "TRANSFERRED_READ_ONLY", action
            assert body["error"]["message"].startswith("Hồ sơ đã được chuyển")
        for path, body in (
            ("result", {"filename": "kq.pdf", "content_type": "application/pdf", "size_bytes": 9}),
            ("result/template", {}),
            ("shipment", {}),
        ):
            status, answer = call(
                client, "POST", f"/v1/officer/dossiers/{code}/{path}", body, token=leader
            )
            assert status == 403 and answer["error"]["code"] == "TRANSFERRED_READ_ONLY", path
        assert detail(client, code, leader)[1]["version"] == view["version"]
        assert call(client, "GET", f"/v1/officer/dossiers/{code}/forms/01", token=leader)[0] == 200

    def test_the_holder_decides_and_then_reads_only_once_the_result_goes_back(
        self, client, transferred
    ):
        code = transferred
        holder = officer(client, "leader", OTHER_AGENCY)
        _, view = detail(client, code, holder)
        assert view["read_only"] is False and "approve" in view["allowed_actions"]

        status, view = act(client, code, holder, "approve", view["version"])
        assert status == 200 and view["agency_id"] == AGENCY and view["read_only"] is True
        status, body = act(client, code, holder, "stop", view["version"], note="Dừng")
        assert status == 403 and body["error"]["code"] == "TRANSFERRED_READ_ONLY"
        status, view = act(client, code, officer(client), "return_result", view["version"])
        assert status == 200 and view["status"] == "returned"

    def test_an_agency_the_dossier_passed_through_reads_only(self, client, transferred):
        code = transferred
        middle = officer(client, "admin", OTHER_AGENCY)
        _, view = detail(client, code, middle)
        status, _ = act(client, code, middle, "transfer", view["version"], agency="so-tu-phap")
        assert status == 200

        status, view = detail(client, code, middle)
        assert status == 200 and view["read_only"] is True
        status, body = act(client, code, middle, "approve", view["version"])
        assert status == 403 and body["error"]["code"] == "TRANSFERRED_READ_ONLY"
        assert detail(client, code, officer(client, "admin", "so-tu-phap"))[1]["read_only"] is False


class TestLocking:
    def test_a_stale_version_is_a_conflict(self, client, submitted):
        _, code = submitted
        desk = officer(client)
        _, view = detail(client, code, desk)
        act(client, code, desk, "accept", view["version"])

        status, body = act(client, code, desk, "reject", view["version"], note="x")

        assert status == 409 and body["error"]["code"] == "CONFLICT"

    def test_two_officers_acting_at_once_one_wins_one_gets_409(self, client, submitted, aws):
        from chalicelib.domain.errors import Conflict
        from chalicelib.domain.principal import Principal
        from chalicelib.services.dossiers import workflow
        from chalicelib.services.shared.clock import now

        _, code = submitted
        version = workflow.load_for(code, Principal("a", "receptionist", AGENCY)).version
        results = []

        def run(action, note):
            principal = Principal(f"{action}-officer", "receptionist", AGENCY)
            try:
                workflow.act(
                    code, principal, {"action": action, "version": version, "note": note}, now()
                )
                results.append("ok")
            except Conflict:
                results.append("conflict")

        threads = [
            threading.Thread(target=run, args=a)
            for a in (("accept", None), ("reject", "Sai thẩm quyền"))
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

        assert sorted(results) == ["conflict", "ok"]

    def test_an_action_the_status_does_not_allow_is_an_invalid_transition(self, client, submitted):
        _, code = submitted
        leader = officer(client, "leader")
        _, view = detail(client, code, leader)

        status, body = act(client, code, leader, "approve", view["version"])

        assert status == 409 and body["error"]["code"] == "INVALID_TRANSITION"

    def test_a_role_that_may_not_act_is_forbidden(self, client, submitted):
        _, code = submitted
        specialist = officer(client, "specialist")
        _, view = detail(client, code, specialist)

        assert act(client, code, specialist, "accept", view["version"])[0] == 403


class TestInbox:
    def test_the_inbox_lists_open_dossiers_soonest_due_first_one_page_at_a_time(
        self, client, fresh_tables
    ):
        desk = officer(client)
        codes = [submit(client)[1]["code"] for _ in range(3)]
        _, first = call(client, "GET", "/v1/officer/dossiers?page_size=2", token=desk)
        _, second = call(
            client,
            "GET",
            f"/v1/officer/dossiers?page_size=2&page_token={first['next_page_token']}",
            token=desk,
        )

        listed = [d["code"] for d in first["items"] + second["items"]]
        assert sorted(listed) == sorted(codes)
        dues = [d["acknowledge_by"] for d in first["items"] + second["items"]]
        assert dues == sorted(dues)

    def test_filters_by_status_and_overdue(self, client, fresh_tables):
        desk = officer(client)
        submit(client)
        accepted = submit(client)[1]["code"]
        _, view = detail(client, accepted, desk)
        act(client, accepted, desk, "accept", view["version"])

        _, by_status = call(client, "GET", "/v1/officer/dossiers?status=accepted", token=desk)
        _, overdue = call(client, "GET", "/v1/officer/dossiers?overdue=true", token=desk)

        assert [d["code"] for d in by_status["items"]] == [accepted]
        assert overdue["items"] == []


class TestDeadlines:
    def test_overdue_dossiers_are_found_through_the_index_and_flagged_once(
        self, client, fresh_tables
    ):
        from chalicelib.services.dossiers import overdue
        from chalicelib.services.shared.clock import now
        from tests.functional.test_dossier_lookup import counted_aws_calls

        submit(client)
        later = now() + timedelta(days=10)

        with counted_aws_calls() as calls:
            first = overdue.flag(later)
        second = overdue.flag(later)

        assert first["overdue"] == 1 and second == {"due_soon": 0, "overdue": 0}
        assert "Scan" not in calls and "Query" in calls

    def test_an_officer_who_opened_the_dossier_before_the_watch_flagged_it_still_acts(
        self, client, fresh_tables
    ):
        """The watch's flag is the system's note, not a change: it must not turn an officer's
        next step into a 409 (seen on the local stack, where the watch runs every minute)."""
        from chalicelib.services.dossiers import overdue
        from chalicelib.services.shared.clock import now

        desk = officer(client)
        code = submit(client)[1]["code"]
        _, opened = detail(client, code, desk)

        flagged = overdue.flag(now() + timedelta(days=10))
        status, accepted = act(client, code, desk, "accept", opened["version"])

        assert flagged["overdue"] == 1
        assert status == 200 and accepted["status"] == "accepted"
        assert accepted["version"] == opened["version"] + 1


class TestAsynchronousUpdates:
    def test_a_confirmed_payment_event_moves_the_dossier_once(self, client, submitted):
        from chalicelib.services.shared import events
        from chalicelib.services.shared.clock import now

        _, code = submitted
        desk = officer(client)
        _, view = detail(client, code, desk)
        _, view = act(client, code, desk, "accept", view["version"])
        _, view = act(client, code, desk, "request_payment", view["version"], amount=30000)
        event = json.dumps(
            {
                "id": "e1",
                "type": "payment.confirmed",
                "dossier_code": code,
                "data": {"payment_id": "pay-1", "amount": 30000},
            }
        )

        events.handle(event, now())
        events.handle(event, now())

        _, view = detail(client, code, desk)
        assert view["status"] == "in_progress" and view["fee_paid"] == 30000

    def test_the_queue_handler_reports_only_failed_records(self, client, submitted):
        _, code = submitted
        good = json.dumps({"id": "e2", "type": "unknown.event", "dossier_code": code, "data": {}})
        event = client.events.generate_sqs_event(
            message_bodies=[good, "not json"], queue_name="dvc-events"
        )
        for i, record in enumerate(event["Records"]):
            record["messageId"] = f"m-{i}"

        answer = client.lambda_.invoke("on_event", event)

        assert answer.payload == {"batchItemFailures": [{"itemIdentifier": "m-1"}]}


class TestDeadlineWatchAtScale:
    def test_it_pages_past_a_thousand_flagged_dossiers_and_flags_the_next_one(
        self, client, fresh_tables, monkeypatch
    ):
        """All 1,050 flagged dossiers fall due before the new one and sit in one shard: a watch
        that read a fixed number of entries per shard, earliest first, would never reach it."""
        import dataclasses

        from chalicelib.persistence import dossier_store, snapshot_store
        from chalicelib.services.dossiers import overdue
        from chalicelib.services.shared.clock import now
        from tests.functional.test_dossier_lookup import counted_aws_calls

        monkeypatch.setattr(dossier_store, "DUE_SHARDS", 1)
        monkeypatch.setattr(dossier_store, "DUE_PAGE", 100)
        _, created = submit(client)
        newest = dossier_store.get(created["code"])
        ref = snapshot_store.procedure_ref(newest.procedure)
        model, _, _ = dossier_store.models()
        with model.batch_write() as batch:
            for n in range(1050):
                due = newest.acknowledge_by - timedelta(minutes=n + 1)
                clone = dataclasses.replace(
                    newest,
                    code=f"{created['code']}-F{n:04d}",
                    acknowledge_by=due,
                    deadline_flag=f"overdue@{due.isoformat()}",
                )
                batch.save(dossier_store.to_record(clone, ref))
        later = now() + timedelta(days=30)

        with counted_aws_calls() as calls:
            counts = overdue.flag(later)

        assert counts == {"due_soon": 0, "overdue": 1}
        assert dossier_store.get(created["code"]).deadline_flag.startswith("overdue@")
        assert calls.count("Query") >= 11, "the watch reads the whole window, page after page"
        assert "Scan" not in calls
        assert overdue.flag(later) == {"due_soon": 0, "overdue": 0}
