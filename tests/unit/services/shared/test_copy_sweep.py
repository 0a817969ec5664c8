"""The sweep of unused file copies, on an S3 prefix and marks in memory: it deletes the copies of
attempts without a mark, page by page from its saved place, within its page and time budget; a
failed deletion fails the run before its place moves on; days past the horizon are passed over
with a warning."""

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest

from chalicelib.domain import file_copies
from chalicelib.domain.file_copies import Cursor
from chalicelib.integrations.storage import Listed
from chalicelib.services.shared import copy_sweep

NOW = datetime(2026, 12, 10, 9, 30, tzinfo=UTC)
DAY = date(2026, 12, 5)
MADE = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)


def attempt(n: int) -> str:
    return f"{n:032x}"


def copy_of(n: int, name: str = "a.pdf", day: date = DAY) -> str:
    return file_copies.key(day, attempt(n), "f" * 32, name)


@pytest.fixture
def world(monkeypatch):
    """The bucket's objects {key: modified}, the attempts with a mark, the saved place, and the
    calls made."""
    state = SimpleNamespace(objects={}, marked=set(), cursor=None, lists=0, fail_delete=False)

    def listing(bucket, prefix, after, limit):
        state.lists += 1
        keys = sorted(k for k in state.objects if k.startswith(prefix) and (not after or k > after))
        page = [Listed(k, state.objects[k]) for k in keys[:limit]]
        return page, len(keys) > limit

    def delete_many(bucket, keys):
        if state.fail_delete and keys:
            raise RuntimeError("S3 could not delete 1 of 1 objects: ['InternalError']")
        for key in keys:
            state.objects.pop(key, None)

    def save_cursor(at):
        state.cursor = at

    monkeypatch.setattr(copy_sweep.storage, "listing", listing)
    monkeypatch.setattr(copy_sweep.storage, "delete_many", delete_many)
    monkeypatch.setattr(copy_sweep.copy_store, "committed", lambda ids: set(ids) & state.marked)
    monkeypatch.setattr(copy_sweep.copy_store, "cursor", lambda: state.cursor)
    monkeypatch.setattr(copy_sweep.copy_store, "save_cursor", save_cursor)
    monkeypatch.setattr(
        copy_sweep, "get_settings", lambda: SimpleNamespace(bucket_uploads="uploads")
    )
    return state


def test_copies_of_attempts_without_a_mark_go_and_the_others_stay(world):
    world.objects = {copy_of(1): MADE, copy_of(2): MADE, copy_of(2, "b.pdf"): MADE}
    world.marked = {attempt(1)}
    world.cursor = Cursor(DAY)

    counts = copy_sweep.sweep(NOW)

    assert set(world.objects) == {copy_of(1)}
    assert counts == {"pages": 4, "listed": 3, "deleted": 2}  # the 5th to the 8th
    assert world.cursor == Cursor(date(2026, 12, 9))  # the 9th is not a day old yet


def test_a_bounded_run_goes_on_from_where_the_last_stopped(world):
    world.objects = {copy_of(n): MADE for n in range(5)}
    world.cursor = Cursor(DAY)

    first = copy_sweep.sweep(NOW, max_pages=1, page_size=2)
    place = world.cursor
    second = copy_sweep.sweep(NOW, max_pages=1, page_size=2)

    assert first == {"pages": 1, "listed": 2, "deleted": 2}
    assert place == Cursor(DAY, copy_of(1))
    assert second == {"pages": 1, "listed": 2, "deleted": 2}
    assert set(world.objects) == {copy_of(4)}


def test_a_run_without_the_time_for_a_page_does_nothing(world):
    world.objects = {copy_of(1): MADE}

    counts = copy_sweep.sweep(NOW, time_left_ms=lambda: copy_sweep.RESERVE_MS - 1)

    assert counts == {"pages": 0, "listed": 0, "deleted": 0}
    assert world.lists == 0 and world.cursor is None


def test_a_failed_deletion_fails_the_run_before_its_place_moves_on(world):
    world.objects = {copy_of(1): MADE}
    world.cursor = Cursor(DAY)
    world.fail_delete = True

    with pytest.raises(RuntimeError):
        copy_sweep.sweep(NOW)

    assert world.cursor == Cursor(DAY)
    world.fail_delete = False
    assert copy_sweep.sweep(NOW)["deleted"] == 1


def test_days_past_the_horizon_are_passed_over_with_a_warning(world, caplog):
    old_day = date(2026, 11, 1)
    world.objects = {copy_of(1, day=old_day): datetime(2026, 11, 1, 8, tzinfo=UTC)}
    world.cursor = Cursor(old_day)

    copy_sweep.sweep(NOW)

    assert copy_of(1, day=old_day) in world.objects
    warning = next(r for r in caplog.records if r.name == copy_sweep.__name__)
    assert warning.days == (file_copies.sweepable_days(NOW)[0] - old_day).days


def test_the_first_run_starts_at_the_horizon(world):
    world.objects = {copy_of(1, day=NOW.date() - timedelta(days=27)): NOW - timedelta(days=27)}

    copy_sweep.sweep(NOW)

    assert world.objects == {}
    assert world.cursor == Cursor(date(2026, 12, 9))
