"""Helpers for the national portal tests: the real httpx adapter pointed at the stand-in the app
serves (through the test client, as `make run` does over HTTP), faults, and running the sync
worker the way SQS would."""

from __future__ import annotations

import httpx

from chalicelib.integrations.national_portal import HttpNationalPortal, NationalPortalConfig
from chalicelib.services.national_portal import gateway
from infra.local.stack import stage_environment
from tests.factories import call, submit
from tests.functional.notify_helpers import outbox_events, run_events, sqs_event
from tests.functional.test_officer_workflow import act, detail, officer

LOCAL = stage_environment("local")
STANDIN = gateway.STANDIN_PATH


def standin_portal(client, secret: str | None = None) -> HttpNationalPortal:
    def over_test_client(request: httpx.Request) -> httpx.Response:
        answer = getattr(client.http, request.method.lower())(
            request.url.path, body=request.content, headers=dict(request.headers)
        )
        return httpx.Response(answer.status_code, content=answer.body)

    config = NationalPortalConfig(
        f"http://national.test{STANDIN}",
        LOCAL["NATIONAL_PORTAL_CLIENT_ID"],
        secret or LOCAL["NATIONAL_PORTAL_CLIENT_SECRET"],
    )
    return HttpNationalPortal(config, httpx.Client(transport=httpx.MockTransport(over_test_client)))


def received(client, code: str) -> list[dict]:
    status, data = call(client, "GET", f"{STANDIN}/dossiers/{code}")
    assert status == 200, data
    return data["items"]


def codes_received(client, code: str) -> list[int]:
    return [item["status_code"] for item in received(client, code)]


def fault(client, mode: str, code: str | None = None, count: int | None = None) -> None:
    body = (
        {"mode": mode}
        | ({"dossier_code": code} if code else {})
        | ({"count": count} if count else {})
    )
    status, data = call(client, "PUT", f"{STANDIN}/faults", body)
    assert status == 200, data


def run_sync(client, *codes: str, receives: int = 1) -> list[dict]:
    """Deliver one national sync job per dossier to `on_national_sync`; its failures."""
    event = sqs_event([{"dossier_code": c} for c in codes], receives)
    return client.lambda_.invoke("on_national_sync", event).payload["batchItemFailures"]


def relay(client, code: str) -> None:
    """The dossier's events through `on_event` (which queues its sync job)."""
    run_events(client, outbox_events(code))


def carried_to_returned(client) -> tuple[str, list[str]]:
    """A dossier taken submit -> accept -> assign -> approve -> return; its code."""
    _, created = submit(client)
    code = created["code"]
    desk, leader = officer(client), officer(client, "leader")
    _, view = detail(client, code, desk)
    _, view = act(client, code, desk, "accept", view["version"])
    _, view = act(client, code, desk, "assign", view["version"], assignee="cb-tu-phap-1")
    _, view = act(client, code, leader, "approve", view["version"])
    status, view = act(client, code, desk, "return_result", view["version"], via="counter")
    assert status == 200 and view["status"] == "returned", view
    return code, [desk, leader]
