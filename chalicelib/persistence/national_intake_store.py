"""What arrived from the national portal, once: one marker per national reference, written in
the same transaction as the dossier or feedback it created, so a resend finds it and nothing is
created twice (dossiers table, no TTL):

    PK=NATIONAL#DOSSIER#<national code>       SK=META  -> the dossier's code
    PK=NATIONAL#FEEDBACK#<national reference> SK=META  -> the feedback's id
"""

from __future__ import annotations

from datetime import datetime

from pynamodb.transactions import TransactWrite

from chalicelib.config import get_settings
from chalicelib.persistence.base import bind
from chalicelib.persistence.dossier_records import NationalIntakeRecord

DOSSIER, FEEDBACK = "DOSSIER", "FEEDBACK"
LABEL = "national_intake"


def _model() -> type[NationalIntakeRecord]:
    return bind(NationalIntakeRecord, get_settings().table_dossiers)


def _pk(kind: str, reference: str) -> str:
    return f"NATIONAL#{kind}#{reference}"


def created(kind: str, reference: str) -> str | None:
    """The code or id created for this national reference, if any."""
    model = _model()
    try:
        return model.get(_pk(kind, reference), "META", consistent_read=True).created_id
    except model.DoesNotExist:
        return None


def stage(tx: TransactWrite, kind: str, reference: str, created_id: str, now: datetime) -> None:
    """Add the marker to `tx`; the transaction fails if the reference was already used."""
    model = _model()
    tx.save(
        model(_pk(kind, reference), "META", created_id=created_id, received_at=now.isoformat()),
        condition=model.PK.does_not_exist(),
    )
