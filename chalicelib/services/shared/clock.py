"""The one place that reads the wall clock; everything below it takes `now` as an argument."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

VN_TZ = timezone(timedelta(hours=7), "ICT")


def now() -> datetime:
    return datetime.now(VN_TZ).replace(microsecond=0)
