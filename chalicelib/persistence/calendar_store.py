"""Calendar upkeep published by administrators, kept in the catalog table.

Layout:
    PK=CALENDAR        SK=YEAR#<year>                  -> a year's overrides {days_off, ...}
    PK=CALENDAR        SK=HOURS#<agency id>            -> an agency's office hours
    PK=CALENDAR#AUDIT  SK=<at>#<kind>#<key>#<version>  -> who changed what, before and after
Each change is one TransactWrite of the item (guarded by its version) and its audit entry; all
published items are read with one Query on one partition key (never a Scan).
"""

from __future__ import annotations

from datetime import datetime

from pynamodb.attributes import JSONAttribute, NumberAttribute

from chalicelib.config import get_settings
from chalicelib.domain.errors import Conflict
from chalicelib.persistence import store
from chalicelib.persistence.base import Keyed, bind

PARTITION = "CALENDAR"
AUDIT_PARTITION = "CALENDAR#AUDIT"


class CalendarRecord(Keyed):
    class Meta:
        table_name = "catalog"

    data = JSONAttribute(null=True)
    version = NumberAttribute(null=True)


def _model() -> type[CalendarRecord]:
    return bind(CalendarRecord, get_settings().table_catalog)


def year_key(year: int) -> str:
    return f"YEAR#{year}"


def hours_key(agency_id: str) -> str:
    return f"HOURS#{agency_id}"


def load_all() -> dict[str, tuple[dict, int]]:
    """Every published item by sort key, with its version (one Query)."""
    model = _model()
    return {
        record.SK: (record.data or {}, int(record.version or 0))
        for record in model.query(PARTITION, consistent_read=True)
    }


def save(
    key: str, data: dict, expected_version: int, actor: dict, before: dict | None, at: datetime
) -> int:
    """Write `data` under `key` if its version is still `expected_version` (0: not yet
    published), with the audit entry in the same transaction; returns the new version."""
    model = _model()
    version = expected_version + 1
    condition = (
        model.PK.does_not_exist() if expected_version == 0 else (model.version == expected_version)
    )
    audit = model(
        AUDIT_PARTITION,
        f"{at.isoformat()}#{key}#{version}",
        data={"key": key, "actor": actor, "before": before, "after": data, "at": at.isoformat()},
        version=version,
    )

    def stage(tx: store.Transaction) -> None:
        tx.save(model(PARTITION, key, data=data, version=version), condition=condition)
        tx.save(audit)

    try:
        store.commit(stage)
    except store.Cancelled as exc:
        raise Conflict("Lịch vừa được người khác cập nhật. Vui lòng tải lại.") from exc
    return version


def audit_entries(limit: int, after_sk: str | None = None) -> tuple[list[dict], str | None]:
    """Newest first, one page; the second value is the sort key to continue after."""
    model = _model()
    kwargs: dict = {"scan_index_forward": False, "limit": limit}
    if after_sk:
        kwargs["last_evaluated_key"] = {"PK": {"S": AUDIT_PARTITION}, "SK": {"S": after_sk}}
    result = model.query(AUDIT_PARTITION, **kwargs)
    items = [record.data for record in result]
    last = result.last_evaluated_key
    return items, (last["SK"]["S"] if last else None)
