"""Status synchronisation to the national portal, through the real adapter and the local
stand-in: order, retry, permanent failure, reconciliation, an outage, and what officers see."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.domain.national_sync import RECORD_SCHEMA
from chalicelib.integrations.queues import QueueNames
from chalicelib.services.national_portal import gateway
from chalicelib.services.national_portal import sync as national_sync
from chalicelib.services.shared.clock import now
from chalicelib.validation import errors_for
from tests.factories import call, submit
from tests.functional.national_helpers import (
    carried_to_returned,
    codes_received,
    fault,
    received,
    relay,
    run_sync,
    standin_portal,
)
from tests.functional.notify_helpers import drain
from tests.functional.test_officer_workflow import act, detail, officer


@pytest.fixture(autouse=True)
def portal_is_the_standin(client, monkeypatch):
    monkeypatch.setattr(gateway, "portal", lambda: standin_portal(client))
    yield
    fault(client, "none")


class TestOrder:
    def test_every_status_change_arrives_in_order_with_a_valid_record(self, client):
        code, _ = carried_to_returned(client)

        assert run_sync(client, code) == []

        items = received(client, code)
        assert [i["status_code"] for i in items] == [1, 2, 4, 9, 10]
        versions = [i["version"] for i in items]
        assert versions == sorted(versions) and len(set(versions)) == 5
        for item in items:
            assert errors_for(item["record"], RECORD_SCHEMA) == []
        last = items[-1]["record"]
        assert last["status"] == {"code": 10, "key": "done"}
        assert [row["status_code"] for row in last["history"]] == [1, 2, 4, 9, 10]
        assert last["dates"]["received"] and last["dates"]["returned"]
        assert len(last["dates"]["submitted"]) == 14 and last["dates"]["submitted"].isdigit()
        assert last["agency"]["id_code"] == code.split("-")[0]
        assert all(d["reused"] is False for d in last["documents"])
        assert last["payment"]["online"] is False

    def test_a_redelivered_job_sends_nothing_older_than_what_was_sent(self, client):
        _, created = submit(client)
        code = created["code"]
        run_sync(client, code)
        desk = officer(client)
        _, view = detail(client, code, desk)
        act(client, code, desk, "accept", view["version"])

        run_sync(client, code, code)  # twice in one batch
        run_sync(client, code)  # and once more later

        assert codes_received(client, code) == [1, 2]

    def test_the_events_queue_triggers_the_sync_job(self, client):
        _, created = submit(client)
        code = created["code"]

        relay(client, code)
        drain(client, QueueNames.NATIONAL_SYNC, "on_national_sync")

        assert codes_received(client, code) == [1]


class TestFailures:
    def test_a_5xx_is_retried_later_and_then_delivered(self, client):
        _, created = submit(client)
        code = created["code"]
        fault(client, "unavailable", code, count=2)

        first, second = run_sync(client, code), run_sync(client, code, receives=2)
        third = run_sync(client, code, receives=3)

        assert len(first) == len(second) == 1 and third == []
        assert codes_received(client, code) == [1]
        status, view = detail(client, code, officer(client))
        assert view["national_sync"]["state"] == "synced"
        assert view["national_sync"]["status_code"] == 1

    def test_a_timeout_keeps_the_change_pending(self, client):
        _, created = submit(client)
        code = created["code"]
        fault(client, "timeout", code)

        assert len(run_sync(client, code)) == 1

        _, view = detail(client, code, officer(client))
        assert view["national_sync"]["state"] == "pending"
        assert received(client, code) == []

    def test_a_permanent_refusal_is_failed_with_its_reason_and_listed_in_the_inbox(self, client):
        _, created = submit(client)
        code = created["code"]
        fault(client, "reject", code)

        assert run_sync(client, code) == []  # nothing to retry

        desk = officer(client)
        _, view = detail(client, code, desk)
        assert view["national_sync"]["state"] == "failed"
        assert "422" in view["national_sync"]["reason"]
        status, page = call(client, "GET", "/v1/officer/dossiers?national_sync=failed", token=desk)
        assert status == 200 and code in [d["code"] for d in page["items"]]
        other = officer(client, agency="ubnd-phuong-vo-cuong")
        _, theirs = call(client, "GET", "/v1/officer/dossiers?national_sync=failed", token=other)
        assert code not in [d["code"] for d in theirs["items"]]

        fault(client, "none", code)
        act(client, code, desk, "accept", view["version"])
        run_sync(client, code)
        _, view = detail(client, code, desk)
        assert view["national_sync"]["state"] == "synced" and codes_received(client, code) == [2]
        _, page = call(client, "GET", "/v1/officer/dossiers?national_sync=failed", token=desk)
        assert code not in [d["code"] for d in page["items"]]

    def test_wrong_credentials_are_a_permanent_failure(self, client, monkeypatch):
        monkeypatch.setattr(gateway, "portal", lambda: standin_portal(client, secret="wrong"))
        _, created = submit(client)
        code = created["code"]

        run_sync(client, code)

        _, view = detail(client, code, officer(client))
        assert (
            view["national_sync"]["state"] == "failed" and "401" in view["national_sync"]["reason"]
        )


class TestOutageAndReconciliation:
    def test_nothing_is_lost_while_the_national_portal_is_down_for_an_hour(self, client):
        fault(client, "unavailable")
        code, _ = carried_to_returned(client)
        for receive in range(1, 13):  # every delivery SQS makes before its dead-letter queue
            assert len(run_sync(client, code, receives=receive)) == 1
        assert received(client, code) == []

        fault(client, "none")
        later = now() + timedelta(hours=1)
        assert national_sync.reconcile(later)["requeued"] >= 1
        drain(client, QueueNames.NATIONAL_SYNC, "on_national_sync")

        assert codes_received(client, code) == [1, 2, 4, 9, 10]

    def test_reconciliation_resends_what_was_never_delivered(self, client):
        _, created = submit(client)
        code = created["code"]  # its job was lost: never run

        national_sync.reconcile(now() + national_sync.RECONCILE_GRACE + timedelta(minutes=1))
        drain(client, QueueNames.NATIONAL_SYNC, "on_national_sync")

        assert codes_received(client, code) == [1]

    def test_reconciliation_leaves_synced_dossiers_alone(self, client):
        _, created = submit(client)
        code = created["code"]
        run_sync(client, code)

        national_sync.reconcile(now() + timedelta(days=1))
        drain(client, QueueNames.NATIONAL_SYNC, "on_national_sync")

        assert codes_received(client, code) == [1]


class TestTheStandIn:
    def test_it_refuses_an_invalid_record_listing_every_problem(self, client):
        _, created = submit(client)
        code = created["code"]
        run_sync(client, code)
        record = received(client, code)[0]["record"]
        record["status"]["code"] = 11
        record["dates"]["submitted"] = "2025-01-01"

        with pytest.raises(Exception) as refused:
            standin_portal(client).send(record)

        assert "status.code" in str(refused.value) and "dates.submitted" in str(refused.value)
        assert codes_received(client, code) == [1]

    def test_it_refuses_an_older_version_than_it_holds(self, client):
        code, _ = carried_to_returned(client)
        run_sync(client, code)
        first = received(client, code)[0]["record"]

        with pytest.raises(Exception) as refused:
            standin_portal(client).send(first)

        assert "409" in str(refused.value)
