"""Syncing a dossier's status changes to the national portal: only under the dossier's lease;
every change the national side has not accepted, oldest first, each acceptance recorded before
the next is sent; a temporary error postpones the job, a permanent one marks that record failed
and the later ones still go; a dossier that keeps changing is retried; one event per step."""

from datetime import timedelta
from types import SimpleNamespace

import pytest

from chalicelib.domain import national_sync
from chalicelib.integrations.national_portal import (
    NationalPortalPermanentError,
    NationalPortalTemporaryError,
)
from chalicelib.services.national_portal import sync
from chalicelib.services.shared import batches
from tests.builders import MONDAY, dossier

CODE = "000.00.51.H06-250303-0001"


class Portal:
    def __init__(self):
        self.sent, self.refuse = [], {}

    def send(self, record):
        if record["step"] in self.refuse:
            raise self.refuse[record["step"]]
        self.sent.append(record["step"])


def _delivered_and_done(state):
    """The stored `delivered` then `finish` in one write, unless a change came meanwhile."""

    def delivered_and_done(code, token, step, version, status_code, now, event):
        if state.finish_ok[:1] != [True]:
            return False
        state.in_one_write.append(step)
        sync.store.delivered(code, token, step, version, status_code, now, event)
        return sync.store.finish(code, token, False, now)

    return delivered_and_done


@pytest.fixture
def world(monkeypatch):
    """The stored sync state (synced step, lease), the dossier's changes and what was recorded."""
    state = SimpleNamespace(
        lease=None, synced_step=0, sync_state="pending", attempts=0, finish_ok=[True],
        changes=[1, 2, 3], log=[], published=[], dossier=dossier(code=CODE), in_one_write=[],
    )  # fmt: skip

    def claim(code, now, lease):
        if state.lease:
            return None
        state.lease = "token-1"
        return state.lease

    def release(code, token):
        state.log.append(("release", token))
        state.lease = None

    def stored(code):
        return SimpleNamespace(synced_step=state.synced_step, state=state.sync_state,
                               attempts=state.attempts, want_step=max(state.changes))  # fmt: skip

    def delivered(code, token, step, version, status_code, now, event):
        state.log.append(("delivered", step, event.id))
        state.published.append(event)  # committed with the step: the stream relays it
        state.synced_step = step

    def refused(code, token, step, status_code, agency, reason, now, event):
        state.log.append(("refused", step, reason, event.id))
        state.published.append(event)
        state.synced_step = step

    def finish(code, token, failed, now):
        state.log.append(("finish", failed))
        done = state.finish_ok.pop(0) if state.finish_ok else False
        if done:
            state.lease = None
        return done

    def pending_changes(history, step):
        return [{"seq": s, "at": (MONDAY - timedelta(hours=s)).isoformat()}
                for s in history if s > step]  # fmt: skip

    monkeypatch.setattr(sync.store, "claim", claim)
    monkeypatch.setattr(sync.store, "release", release)
    monkeypatch.setattr(sync.store, "get", stored)
    monkeypatch.setattr(sync.store, "delivered", delivered)
    monkeypatch.setattr(sync.store, "refused", refused)
    monkeypatch.setattr(sync.store, "finish", finish)
    monkeypatch.setattr(sync.store, "delivered_and_done", _delivered_and_done(state))
    monkeypatch.setattr(sync.store, "postpone",
                        lambda code, token, error, attempts, now:
                        state.log.append(("postpone", error, attempts)))  # fmt: skip
    monkeypatch.setattr(sync.dossier_store, "get", lambda code: state.dossier)
    monkeypatch.setattr(sync.dossier_store, "history", lambda code: list(state.changes))
    monkeypatch.setattr(sync.national_sync, "pending_changes", pending_changes)
    monkeypatch.setattr(sync.national_sync, "build",
                        lambda d, h, change, agency_code, link:
                        {"step": change["seq"], "version": 1, "status": {"code": 4},
                         "agency": agency_code})  # fmt: skip
    monkeypatch.setattr(sync, "_agency_code", lambda agency_id: "000.00.51.H06")
    return state


def test_every_change_not_accepted_goes_oldest_first_each_recorded(world):
    world.synced_step = 1
    portal = Portal()

    assert sync.sync(CODE, MONDAY, portal) == national_sync.SYNCED

    assert portal.sent == [2, 3]
    assert world.log == [
        ("delivered", 2, f"dossier.national_synced:{CODE}:2"),
        ("delivered", 3, f"dossier.national_synced:{CODE}:3"),
        ("finish", False),
    ]
    on_time = [e.data["on_time"] for e in world.published]
    assert on_time == [False, False]  # changed 2 and 3 hours before they reached it


def test_the_last_change_and_the_end_of_the_job_are_one_write(world):
    assert sync.sync(CODE, MONDAY, Portal()) == national_sync.SYNCED

    assert world.in_one_write == [3]
    assert world.lease is None


def test_when_a_change_came_meanwhile_the_last_one_is_still_recorded_and_the_job_goes_on(world):
    world.finish_ok = [False, True]

    assert sync.sync(CODE, MONDAY, Portal()) == national_sync.SYNCED

    assert world.in_one_write == []
    assert world.log[-3:] == [
        ("delivered", 3, f"dossier.national_synced:{CODE}:3"),
        ("finish", False),
        ("finish", False),
    ]


def test_a_job_whose_changes_an_earlier_job_sent_writes_nothing(world):
    world.synced_step, world.sync_state = 3, national_sync.SYNCED
    portal = Portal()

    assert sync.sync(CODE, MONDAY, portal) == national_sync.SYNCED

    assert portal.sent == [] and world.log == [] and world.lease is None


def test_a_dossier_another_worker_syncs_is_retried(world):
    world.lease = "someone else"

    with pytest.raises(batches.Retry):
        sync.sync(CODE, MONDAY, Portal())
    assert world.log == []


def test_a_temporary_error_postpones_the_job_after_what_went(world):
    world.attempts = 2
    portal = Portal()
    portal.refuse[2] = NationalPortalTemporaryError("503")

    with pytest.raises(batches.Retry):
        sync.sync(CODE, MONDAY, portal)

    assert portal.sent == [1]
    assert world.log[-1] == ("postpone", "503", 3)
    assert world.synced_step == 1


def test_a_refused_record_is_failed_and_the_later_ones_still_go(world):
    portal = Portal()
    portal.refuse[2] = NationalPortalPermanentError("mã thủ tục không đúng")

    assert sync.sync(CODE, MONDAY, portal) == national_sync.SYNCED
    assert portal.sent == [1, 3]
    assert ("refused", 2, "mã thủ tục không đúng",
            f"dossier.national_sync_failed:{CODE}:2") in world.log  # fmt: skip


def test_the_last_record_refused_leaves_the_dossier_failed(world):
    portal = Portal()
    portal.refuse[3] = NationalPortalPermanentError("sai")

    assert sync.sync(CODE, MONDAY, portal) == national_sync.FAILED
    assert world.log[-1] == ("finish", True)


def test_an_unexpected_error_releases_the_lease(world):
    portal = Portal()
    portal.refuse[1] = RuntimeError("bug")

    with pytest.raises(RuntimeError):
        sync.sync(CODE, MONDAY, portal)
    assert world.log[-1] == ("release", "token-1") and world.lease is None


def test_a_dossier_that_keeps_changing_is_retried_later(world):
    world.finish_ok = [False] * sync.MAX_ROUNDS

    with pytest.raises(batches.Retry):
        sync.sync(CODE, MONDAY, Portal())
    assert world.log[-1] == ("release", "token-1")


def test_an_unknown_dossier_is_dropped(world):
    world.dossier = None

    assert sync.sync(CODE, MONDAY, Portal()) == "unknown"
    assert world.lease is None


def test_jobs_are_queued_once_per_dossier_and_a_refused_one_fails(monkeypatch):
    sent = []
    monkeypatch.setattr(sync.queues, "send_batch", lambda q, e: sent.append(e) or set())

    assert sync.enqueue(["a", "b", "a"]) == 2
    assert sent == [{"a": {"dossier_code": "a"}, "b": {"dossier_code": "b"}}]
    assert sync.enqueue([]) == 0 and len(sent) == 1
    monkeypatch.setattr(sync.queues, "send_batch", lambda q, e: {"a"})
    with pytest.raises(RuntimeError):
        sync.enqueue(["a"])


def test_reconciliation_requeues_every_shards_unsynced_dossiers(monkeypatch):
    asked = []

    def unsynced(shard, before, limit):
        asked.append((shard, before))
        return [SimpleNamespace(code=f"d-{shard}")]

    monkeypatch.setattr(sync.store, "SHARDS", 2)
    monkeypatch.setattr(sync.store, "unsynced", unsynced)
    monkeypatch.setattr(sync, "enqueue", lambda codes: len(codes))

    assert sync.reconcile(MONDAY) == {"requeued": 2}
    assert asked == [(0, MONDAY - timedelta(minutes=15)), (1, MONDAY - timedelta(minutes=15))]


def test_the_officer_view_of_the_sync(monkeypatch):
    states = {
        "failed": SimpleNamespace(state="failed", status_code=4, failed_at="t-f", synced_at=None,
                                  changed_at="t-c", last_error="sai"),
        "synced": SimpleNamespace(state="synced", status_code=None, failed_at=None,
                                  synced_at="t-s", changed_at="t-c", last_error=None),
    }  # fmt: skip
    monkeypatch.setattr(sync.store, "get", states.get)

    assert sync.view("none") == {
        "state": "pending",
        "status_code": None,
        "at": None,
        "state_label": "Đang chờ đồng bộ",
        "status_label": None,
    }
    assert sync.view("failed") == {"state": "failed", "status_code": 4, "at": "t-f",
                                   "reason": "sai", "state_label": "Bị từ chối",
                                   "status_label": "Đang xử lý",
                                   "advice": national_sync.FAILED_ADVICE}  # fmt: skip
    assert sync.view("synced") == {
        "state": "synced",
        "status_code": None,
        "at": "t-s",
        "state_label": "Đã đồng bộ",
        "status_label": None,
    }
