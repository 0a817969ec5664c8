"""Which copies the sweep of unused file copies may delete (domain/file_copies.py): copies of an
attempt that committed nothing, only on whole days between a day and the horizon old, never a key
of another layout."""

from datetime import UTC, date, datetime, timedelta

from chalicelib.domain import file_copies
from chalicelib.domain.calendar import VN_TZ
from chalicelib.domain.file_copies import GRACE, HORIZON, Cursor

NOW = datetime(2026, 12, 10, 9, 30, tzinfo=UTC)
A, B = "a" * 32, "b" * 32
UPLOAD = "0123456789abcdef" * 2


def copy(attempt: str, day: date = date(2026, 12, 1), name: str = "giay.pdf") -> str:
    return file_copies.key(day, attempt, UPLOAD, name)


def test_a_copy_names_its_day_and_attempt():
    key = copy(A)

    assert key == f"attachments/2026-12-01/{A}/{UPLOAD}/giay.pdf"
    assert file_copies.attempt_of(key) == A


def test_keys_of_the_earlier_layouts_and_other_prefixes_name_no_attempt():
    for key in (
        f"attachments/{UPLOAD}/0123456789ab/giay.pdf",  # an upload's copy before the layout
        f"attachments/reused-{UPLOAD}/giay.pdf",  # a reused wallet document's before it
        f"quarantine/{UPLOAD}/giay.pdf",
        f"attachments/2026-12-01/{A}/{UPLOAD}/nested/giay.pdf",
    ):
        assert file_copies.attempt_of(key) is None, key


def test_the_day_is_the_utc_one():
    early_in_hanoi = datetime(2026, 12, 2, 6, 30, tzinfo=VN_TZ)  # still the 1st in UTC

    assert file_copies.day_of(early_in_hanoi) == date(2026, 12, 1)
    assert file_copies.day_of(datetime(2026, 12, 1, 23, 59, tzinfo=UTC)) == date(2026, 12, 1)


def test_only_whole_days_older_than_the_grace_and_younger_than_the_horizon_are_swept():
    first, last = file_copies.sweepable_days(NOW)

    assert last == date(2026, 12, 8)  # all of it over a day old; the 9th is not yet
    assert datetime.combine(last + timedelta(days=1), datetime.min.time(), UTC) <= NOW - GRACE
    assert datetime.combine(first, datetime.min.time(), UTC) >= NOW - HORIZON
    assert first == date(2026, 11, 13)


def test_a_run_resumes_where_the_last_stopped_but_never_before_the_horizon():
    first, _ = file_copies.sweepable_days(NOW)
    saved = Cursor(date(2026, 12, 3), "attachments/2026-12-03/x")

    assert file_copies.resume(saved, NOW) == saved
    assert file_copies.resume(None, NOW) == Cursor(first)
    assert file_copies.resume(Cursor(first - timedelta(days=5), "k"), NOW) == Cursor(first)


def test_orphans_are_the_copies_of_attempts_without_a_mark_old_enough_and_young_enough():
    old = NOW - timedelta(days=3)
    objects = [
        (copy(A), old),  # committed
        (copy(B), old),  # not committed: deleted
        (copy(B, name="two.pdf"), NOW - GRACE + timedelta(minutes=1)),  # too young
        (copy(B, name="old.pdf"), NOW - HORIZON - timedelta(minutes=1)),  # its mark may be gone
        (f"attachments/{UPLOAD}/0123456789ab/giay.pdf", old),  # another layout
    ]

    assert file_copies.orphans(objects, {A}, NOW) == [copy(B)]
    assert file_copies.orphans(objects, {A, B}, NOW) == []
