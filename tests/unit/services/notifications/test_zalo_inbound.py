"""The Zalo OA: the webhook takes only signed, fresh events, each once, and answers 503 (keeping
nothing) when it cannot queue one; the consumer follows, forgets on unfollow, saves a shared
phone, looks a dossier up for whoever proves its phone, and takes feedback once per message;
every reply goes out through the notifications pipeline under an id derived from the event."""

import json
from types import SimpleNamespace

import pytest

from chalicelib.domain import zalo_chat as chat
from chalicelib.domain.dossier import Status
from chalicelib.domain.errors import (
    Forbidden,
    NotFound,
    RateLimited,
    ServiceUnavailable,
    Unauthenticated,
)
from chalicelib.services.notifications import zalo_inbound
from tests import builders

NOW = builders.MONDAY
CODE = "000.00.51.H06-250303-0001"


@pytest.fixture
def webhook(monkeypatch):
    state = SimpleNamespace(valid=True, remembered={}, forgotten=[], queued=[], refuse=False)

    def remember_event(key, event, now):
        return state.remembered.setdefault(key, event) is event

    def send_batch(queue, entries):
        state.queued.append((queue, entries))
        return set(entries) if state.refuse else set()

    monkeypatch.setattr(zalo_inbound.notify_config, "zalo_app",
                        lambda: SimpleNamespace(app_id="app-1", oa_secret="s"))  # fmt: skip
    monkeypatch.setattr(zalo_inbound.notify_config, "webhook_max_age_seconds", lambda: 300)
    monkeypatch.setattr(zalo_inbound, "verify_webhook_signature", lambda *a: state.valid)
    monkeypatch.setattr(zalo_inbound.store, "remember_event", remember_event)
    monkeypatch.setattr(zalo_inbound.store, "forget_event", state.forgotten.append)
    monkeypatch.setattr(zalo_inbound.queues, "send_batch", send_batch)
    return state


def body(seconds_ago=0, **fields) -> bytes:
    stamp = int(NOW.timestamp() * 1000) - seconds_ago * 1000
    event = {"event_name": "follow", "app_id": "app-1", "timestamp": str(stamp),
             "follower": {"id": "u-1"}, **fields}  # fmt: skip
    return json.dumps(event).encode()


def test_a_signed_fresh_event_is_queued_once(webhook):
    raw = body()

    assert zalo_inbound.accept(raw, "sig", NOW) == "queued"
    assert zalo_inbound.accept(raw, "sig", NOW) == "duplicate"
    (key,) = webhook.remembered
    assert webhook.queued == [(zalo_inbound.queues.QueueNames.ZALO_INBOUND,
                               {key: {"event_key": key}})]  # fmt: skip


@pytest.mark.parametrize(
    "raw, signature, valid, refused",
    [(body(), None, True, Unauthenticated), (b"not json", "sig", True, Forbidden),
     (b"[1]", "sig", True, Forbidden), (body(), "sig", False, Forbidden),
     (body(seconds_ago=301), "sig", True, Forbidden),
     (body(timestamp="soon"), "sig", True, Forbidden)],
)  # fmt: skip
def test_unsigned_forged_or_stale_events_are_refused(webhook, raw, signature, valid, refused):
    webhook.valid = valid

    with pytest.raises(refused):
        zalo_inbound.accept(raw, signature, NOW)
    assert webhook.remembered == {}


def test_an_event_not_queued_is_forgotten_for_zalo_to_retry(webhook):
    webhook.refuse = True

    with pytest.raises(ServiceUnavailable):
        zalo_inbound.accept(body(), "sig", NOW)
    assert webhook.forgotten == list(webhook.remembered)


def test_without_the_app_configured_the_webhook_is_unavailable(webhook, monkeypatch):
    def missing():
        raise LookupError("SECRET_ZALO")

    monkeypatch.setattr(zalo_inbound.notify_config, "zalo_app", missing)

    with pytest.raises(ServiceUnavailable):
        zalo_inbound.accept(body(), "sig", NOW)


@pytest.fixture
def consumer(monkeypatch):
    """Stored events by key, the OA's users, the replies sent and the feedback taken."""
    state = SimpleNamespace(events={}, done=[], users={}, saved=[], replies=[], feedback=[],
                            dossiers={}, wrong_guesses=0, limited=False)  # fmt: skip

    def save_user(user_id, now, **fields):
        state.saved.append((user_id, fields))

    def notify(source, kind, planned, params, *rest):
        state.replies.append((source, planned[0].addresses, params["text"]))

    def authorized(code, principal, phone, who):  # the web lookup's check, faked
        if state.limited:
            raise RateLimited("")
        dossier = state.dossiers.get(code)
        if dossier is None or not dossier.matches_phone(phone):
            state.wrong_guesses += 1
            raise NotFound("")
        return dossier

    def submit(body, principal, now, channel, claim):
        state.feedback.append((body, channel))
        return {"id": "PAKN-260302-ABCDE"}

    monkeypatch.setattr(zalo_inbound.store, "get_event", state.events.get)
    monkeypatch.setattr(zalo_inbound.store, "event_done", state.done.append)
    monkeypatch.setattr(zalo_inbound.store, "save_user", save_user)
    monkeypatch.setattr(zalo_inbound.store, "get_user", state.users.get)
    monkeypatch.setattr(zalo_inbound.notifications, "notify", notify)
    monkeypatch.setattr(zalo_inbound.dossiers, "authorized", authorized)
    monkeypatch.setattr(zalo_inbound.receipts, "status_view",
                        lambda d, history: {"code": d.code, "procedure": d.procedure,
                                            "status": d.status.value})  # fmt: skip
    monkeypatch.setattr(zalo_inbound.chat, "status_reply", lambda view, url, due: f"OK {url}")
    monkeypatch.setattr(
        zalo_inbound,
        "get_settings",
        lambda: SimpleNamespace(public_base_url="https://dvc.example.vn"),
    )
    monkeypatch.setattr(zalo_inbound.idempotency, "claim", lambda *a: None)
    monkeypatch.setattr(zalo_inbound.feedback, "submit", submit)
    return state


def handle(state, key="m-1", **event):
    record = SimpleNamespace(state="new", event={"user_id": "u-1", **event})
    state.events[key] = record
    zalo_inbound.handle(key, NOW)
    return record


def test_a_follower_is_welcomed_once_per_event(consumer):
    record = handle(consumer, event_name="follow")

    assert consumer.saved == [("u-1", {"following": True})]
    assert consumer.replies == [("zalo:m-1", {"zalo_oa": "u-1"}, chat.WELCOME)]
    assert consumer.done == [record]
    record.state = "done"
    zalo_inbound.handle("m-1", NOW)
    assert len(consumer.replies) == 1


def test_unfollowing_forgets_the_shared_phone_and_says_nothing(consumer):
    handle(consumer, event_name="unfollow")

    assert consumer.saved == [("u-1", {"following": False, "phone": None, "consented_at": None})]
    assert consumer.replies == []


def test_a_shared_phone_is_saved_with_the_consent_and_masked_in_the_reply(consumer):
    handle(consumer, event_name="user_submit_info", phone="84912345678")

    assert consumer.saved == [("u-1", {"following": True, "phone": "0912345678",
                                       "consented_at": NOW.isoformat()})]  # fmt: skip
    assert "0912345678" not in consumer.replies[0][2]


def test_a_lookup_answers_whoever_proves_the_phone_and_counts_wrong_guesses(consumer):
    consumer.dossiers[CODE] = builders.dossier(code=CODE, status=Status.IN_PROGRESS)

    handle(consumer, "m-1", event_name="user_send_text", text=f"tra cuu {CODE} 0987654321")
    assert consumer.replies[-1][2] == chat.NOT_FOUND.format(code=CODE)
    assert consumer.wrong_guesses == 1
    handle(consumer, "m-2", event_name="user_send_text", text=f"tra cuu {CODE} 0912345678")
    assert consumer.replies[-1][2] == f"OK https://dvc.example.vn/tra-cuu?ma={CODE}"
    assert consumer.wrong_guesses == 1  # a right phone counts nothing


def test_a_lookup_without_a_phone_uses_the_shared_one_or_asks_for_it(consumer):
    consumer.dossiers[CODE] = builders.dossier(code=CODE)

    handle(consumer, "m-1", event_name="user_send_text", text=f"tra cuu {CODE}")
    assert consumer.replies[-1][2] == chat.ASK_PHONE.format(code=CODE)
    consumer.users["u-1"] = SimpleNamespace(phone="0912345678")
    handle(consumer, "m-2", event_name="user_send_text", text=f"tra cuu {CODE}")
    assert consumer.replies[-1][2].startswith("OK ")


def test_too_many_wrong_guesses_are_answered_without_a_lookup(consumer):
    consumer.limited = True

    handle(consumer, event_name="user_send_text", text=f"tra cuu {CODE} 0912345678")

    assert consumer.replies[-1][2] == chat.RATE_LIMITED


def test_feedback_goes_to_the_feedback_service_as_not_public(consumer):
    consumer.users["u-1"] = SimpleNamespace(phone="0912345678")

    handle(consumer, event_name="user_send_text", text="phan anh Đèn đường hỏng")

    ((taken, channel),) = consumer.feedback
    assert channel == "zalo" and taken["public"] is False
    assert taken["sender"] == {"zalo_user_id": "u-1", "phone": "0912345678"}
    assert consumer.replies[-1][2] == chat.FEEDBACK_RECEIVED.format(reference="PAKN-260302-ABCDE")


def test_anything_else_gets_the_help_text(consumer):
    handle(consumer, event_name="user_send_text", text="xin chào")

    assert consumer.replies[-1][2] == chat.HELP_TEXT
