"""The one clock: Vietnamese time, whole seconds."""

from datetime import datetime, timedelta

from chalicelib.services.shared import clock


def test_now_is_vietnamese_time_in_whole_seconds():
    before = datetime.now().astimezone()
    found = clock.now()

    assert found.utcoffset() == timedelta(hours=7)
    assert found.microsecond == 0
    assert abs(found - before) < timedelta(seconds=5)
