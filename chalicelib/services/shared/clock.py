"""The one place that reads the wall clock; everything below it takes `now` as an argument."""

from __future__ import annotations

from datetime import datetime

from chalicelib.domain.calendar import VN_TZ


def now() -> datetime:
    return datetime.now(VN_TZ).replace(microsecond=0)
