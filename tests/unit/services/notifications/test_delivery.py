"""Sending a notification at most once: only the worker that claims it sends; a final state is
not sent again; a temporary error gives it back for a retry, a permanent one moves to the next
channel with an address (or fails); each message to a typed contact spends that contact's daily
budget, given back when nothing went out; a follower who left the OA gets nothing there."""

from types import SimpleNamespace

import pytest

from chalicelib.domain import notifications as plan
from chalicelib.integrations.notify_channels import ChannelPermanentError, ChannelTemporaryError
from chalicelib.services.notifications import delivery
from chalicelib.services.shared import batches
from tests.builders import MONDAY

MESSAGE = {"title": "Hồ sơ đã tiếp nhận", "body": "Nội dung", "sms": "Ngan gon", "params": {}}


class Sender:
    def __init__(self, name, error=None):
        self.name, self.fake, self.error, self.jobs = name, False, error, []

    def send(self, job):
        self.jobs.append(job)
        if self.error:
            raise self.error
        return f"{self.name}-msg-1"


class Budget:
    def __init__(self):
        self.given_back = False

    def give_back_on_failure(self):
        self.given_back = True


@pytest.fixture
def world(monkeypatch):
    """One notification (ZNS first, SMS and email also known), its senders and budgets."""
    record = SimpleNamespace(
        id="n-1", state="created", channel=plan.ZNS, attempts=0, tried=None, covered=[],
        addresses={plan.ZNS: "0912345678", plan.SMS: "0912345678", plan.EMAIL: "An@Mail.vn"},
        template="received", message=MESSAGE, dossier_code="000.00.51.H06-250303-0001",
    )  # fmt: skip
    state = SimpleNamespace(
        records={"n-1": record}, claimable=True, updates=[], dev=[], budgets={}, over=set(),
        users={}, senders={c: Sender(c) for c in (plan.ZNS, plan.SMS, plan.EMAIL, plan.ZALO_OA)},
    )  # fmt: skip

    def update(rec, now, **changes):
        state.updates.append(changes)
        for name, value in changes.items():
            setattr(rec, name, value)

    def take_message(contact):
        if contact in state.over:
            return None
        return state.budgets.setdefault(contact, Budget())

    monkeypatch.setattr(delivery.store, "get", state.records.get)
    monkeypatch.setattr(delivery.store, "claim", lambda rec, now, lock: state.claimable)
    monkeypatch.setattr(delivery.store, "update", update)
    monkeypatch.setattr(delivery.store, "get_user", state.users.get)
    monkeypatch.setattr(delivery.store, "add_dev_message", lambda e, now: state.dev.append(e))
    monkeypatch.setattr(delivery.notify_channels, "get", lambda name: state.senders[name])
    monkeypatch.setattr(delivery.notify_config, "fallback", lambda: plan.DEFAULT_FALLBACK)
    monkeypatch.setattr(delivery.throttle, "take_message", take_message)
    state.record = record
    return state


def test_a_claimed_notification_is_sent_once_and_recorded(world):
    assert delivery.deliver("n-1", MONDAY) == "delivered"

    (job,) = world.senders[plan.ZNS].jobs
    assert (job.id, job.channel, job.address, job.message.title) == (
        "n-1",
        plan.ZNS,
        "0912345678",
        "Hồ sơ đã tiếp nhận",
    )
    assert world.updates == [{
        "state": "delivered", "channel": plan.ZNS, "attempts": 1, "tried": None,
        "provider": plan.ZNS, "provider_message_id": "zalo-msg-1",
        "delivered_at": MONDAY.isoformat(),
    }]  # fmt: skip
    assert list(world.budgets) == ["0912345678"]
    assert delivery.deliver("n-1", MONDAY) == "delivered"  # redelivered: nothing sent again
    assert len(world.senders[plan.ZNS].jobs) == 1


def test_an_unknown_notification_is_dropped(world):
    assert delivery.deliver("n-404", MONDAY) == "unknown"
    assert world.updates == []


def test_one_another_worker_holds_is_retried_unless_it_finished(world):
    world.claimable = False

    with pytest.raises(batches.Retry):
        delivery.deliver("n-1", MONDAY)
    world.record.state = "failed"
    world.records["n-1"] = SimpleNamespace(state="failed")
    assert delivery.deliver("n-1", MONDAY) == "failed"
    assert world.senders[plan.ZNS].jobs == []


def test_a_temporary_error_gives_it_back_for_a_retry_and_the_budget_too(world):
    world.senders[plan.ZNS].error = ChannelTemporaryError("timeout")

    with pytest.raises(batches.Retry):
        delivery.deliver("n-1", MONDAY)

    assert world.updates[-1]["state"] == "created" and world.updates[-1]["locked_until"] == 0
    assert world.updates[-1]["attempts"] == 1
    assert world.budgets["0912345678"].given_back


def test_a_permanent_error_falls_back_to_the_next_channel(world):
    world.senders[plan.ZNS].error = ChannelPermanentError("not a zalo user")

    assert delivery.deliver("n-1", MONDAY) == "delivered"

    assert world.updates[-1]["channel"] == plan.SMS and world.updates[-1]["attempts"] == 2
    assert world.updates[-1]["tried"] == [{"channel": plan.ZNS, "error": "not a zalo user"}]


def test_every_channel_failing_for_good_fails_it(world):
    for channel in (plan.ZNS, plan.SMS, plan.EMAIL):
        world.senders[channel].error = ChannelPermanentError(f"{channel} refused")

    assert delivery.deliver("n-1", MONDAY) == "failed"

    assert [t["channel"] for t in world.updates[-1]["tried"]] == [plan.ZNS, plan.SMS, plan.EMAIL]
    assert world.updates[-1]["last_error"] == "email refused"
    assert list(world.budgets) == ["0912345678", "an@mail.vn"]


def test_a_contact_over_its_daily_budget_is_not_written_to(world):
    world.over.add("0912345678")

    assert delivery.deliver("n-1", MONDAY) == "delivered"

    assert world.senders[plan.ZNS].jobs == [] and world.senders[plan.SMS].jobs == []
    assert world.updates[-1]["channel"] == plan.EMAIL
    assert world.updates[-1]["tried"][0] == {"channel": plan.ZNS, "error": plan.RECIPIENT_LIMIT}


def test_a_follower_who_left_the_oa_gets_no_oa_message(world):
    world.record.channel, world.record.addresses = plan.ZALO_OA, {plan.ZALO_OA: "zalo-user-1"}
    world.users["zalo-user-1"] = SimpleNamespace(following=False)

    assert delivery.deliver("n-1", MONDAY) == "failed"
    assert world.senders[plan.ZALO_OA].jobs == [] and world.budgets == {}


def test_a_fake_sender_keeps_a_masked_copy_for_the_developers(world):
    world.senders[plan.ZNS].fake = True

    delivery.deliver("n-1", MONDAY)

    assert world.updates[-1]["provider"] == "fake-zalo"
    (copy,) = world.dev
    assert copy["to"] != "0912345678" and copy["text"] == "Nội dung"
