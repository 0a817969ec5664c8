"""What the local stand-in of the national portal received, and the faults it was told to
inject (local stage only; in the notifications table beside the dev message log):

    PK=NATIONALPORTAL#<dossier code>  SK=<received at>#<ns>  one received sync record
    PK=NATIONALPORTAL#FAULTS          SK=<dossier code> | *   a fault to inject (optionally n times)
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from pynamodb.exceptions import UpdateError

from chalicelib.config import get_settings
from chalicelib.persistence.base import bind
from chalicelib.persistence.notification_records import FaultRecord, ReceivedRecord

KEEP = timedelta(days=7)
FAULTS_PK = "NATIONALPORTAL#FAULTS"
EVERY_DOSSIER = "*"


def _bound(model):
    return bind(model, get_settings().table_notifications)


def _pk(code: str) -> str:
    return f"NATIONALPORTAL#{code}"


def store(code: str, record: dict, now: datetime) -> None:
    model = _bound(ReceivedRecord)
    model(
        _pk(code),
        f"{now.isoformat()}#{time.time_ns():020d}",
        status_code=record["status"]["code"],
        version=record["version"],
        sent_at=now.isoformat(),
        record=record,
        ttl=int((now + KEEP).timestamp()),
    ).save()


def received(code: str, limit: int = 200) -> list[ReceivedRecord]:
    """Oldest first."""
    model = _bound(ReceivedRecord)
    return list(model.query(_pk(code), limit=limit))


def newest_version(code: str) -> int:
    model = _bound(ReceivedRecord)
    for item in model.query(_pk(code), limit=1, scan_index_forward=False):
        return int(item.version)
    return 0


def set_fault(scope: str, mode: str, remaining: int | None, now: datetime) -> None:
    model = _bound(FaultRecord)
    if mode == "none":
        model(FAULTS_PK, scope).delete()
        return
    model(
        FAULTS_PK, scope, mode=mode, remaining=remaining, ttl=int((now + KEEP).timestamp())
    ).save()


def take_fault(code: str) -> str | None:
    """The fault to inject for this dossier's next record (the dossier's own, else everyone's),
    counting down a limited one."""
    model = _bound(FaultRecord)
    for scope in (code, EVERY_DOSSIER):
        try:
            fault = model.get(FAULTS_PK, scope, consistent_read=True)
        except model.DoesNotExist:
            continue
        if fault.remaining is None:
            return fault.mode
        try:
            fault.update(actions=[model.remaining.add(-1)], condition=model.remaining > 0)
            return fault.mode
        except UpdateError:
            continue  # used up
    return None
