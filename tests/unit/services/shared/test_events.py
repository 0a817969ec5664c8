"""The events consumer: each event goes to the subscribers of its type; a confirmed payment
moves the dossier on exactly once, or is recorded where the dossier stands."""

import json
from datetime import datetime

from chalicelib.domain.calendar import VN_TZ
from chalicelib.services.shared import events

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=VN_TZ)
PAID = {"type": "payment.confirmed", "dossier_code": "D-1",
        "data": {"amount": "8000", "provider": "vnpay", "payment_id": "p1"}}  # fmt: skip


def test_every_status_change_reaches_notifications_the_national_portal_closing_and_statistics():
    subscribers = {s.__module__ for s in events.SUBSCRIBERS["dossier.submitted"]}

    assert subscribers == {
        "chalicelib.services.notifications.dispatch",
        "chalicelib.services.national_portal.sync",
        "chalicelib.services.dossiers.closing",  # a closed dossier's files to cheaper storage
        "chalicelib.services.stats.counters",
    }


def test_an_event_goes_to_its_subscribers_only(monkeypatch):
    heard = []
    monkeypatch.setattr(events, "SUBSCRIBERS", {"a": [lambda e, now: heard.append(e["id"])]})

    events.handle(json.dumps({"id": "1", "type": "a"}), NOW)
    events.handle(json.dumps({"id": "2", "type": "b"}), NOW)

    assert heard == ["1"]


def test_a_confirmed_payment_moves_the_dossier_on(monkeypatch):
    applied = []

    def apply_system(code, action, params, now):
        applied.append((code, action, params))
        return True

    monkeypatch.setattr(events.workflow, "apply_system", apply_system)
    events._payment_confirmed(PAID, NOW)

    params = {"amount": 8000, "channel": "online", "provider": "vnpay", "payment_id": "p1"}
    assert applied == [("D-1", "confirm_payment", params)]


def test_a_payment_the_dossier_does_not_wait_for_is_recorded_where_it_stands(monkeypatch):
    applied = []

    def apply_system(code, action, params, now):
        applied.append(action)
        return action == "record_payment"

    monkeypatch.setattr(events.workflow, "apply_system", apply_system)
    events._payment_confirmed(PAID, NOW)

    assert applied == ["confirm_payment", "record_payment"]
