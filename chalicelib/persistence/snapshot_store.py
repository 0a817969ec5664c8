"""Procedure snapshots: what a dossier keeps of the procedure it was submitted under (name, time
limit, fees, components), stored once per procedure version under `PROCEDURE#<code>`,
content-addressed, so the dossier item holds only a reference (see dossier_records.py).

A snapshot never changes, so each container caches every one it has read or written."""

from __future__ import annotations

import hashlib
import json

from chalicelib.config import get_settings
from chalicelib.persistence import store
from chalicelib.persistence.base import bind
from chalicelib.persistence.dossier_records import SnapshotRecord

# Kept on the dossier item, not in the snapshot: the agency that handles this dossier.
AGENCY_FIELDS = ("agency_name", "agency_id_code")


def _snapshots() -> type[SnapshotRecord]:
    return bind(SnapshotRecord, get_settings().table_dossiers)


def procedure_ref(procedure: dict) -> str:
    """`<code>#<version>#<digest>` of the procedure part of a dossier's snapshot."""
    body = _procedure_part(procedure)
    digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:16]
    return f"{body['code']}#{body.get('version', '')}#{digest}"


def _procedure_part(procedure: dict) -> dict:
    return {k: v for k, v in procedure.items() if k not in AGENCY_FIELDS and k != "agency_id"}


def _snapshot_key(ref: str) -> tuple[str, str]:
    code, rest = ref.split("#", 1)
    return f"PROCEDURE#{code}", f"SNAPSHOT#{rest}"


_KNOWN: dict[str, dict] = {}  # snapshots this container has read or written (immutable)


def snapshot(ref: str) -> dict:
    if ref not in _KNOWN:
        _KNOWN[ref] = _snapshots().get(*_snapshot_key(ref)).snapshot
    return _KNOWN[ref]


def stage_snapshot(tx: store.Transaction, procedure: dict) -> str:
    """The dossier's reference; the first dossier that ever uses a snapshot writes it (the
    condition makes a concurrent first writer retry, and then find it)."""
    ref = procedure_ref(procedure)
    if ref in _KNOWN:
        return ref
    model = _snapshots()
    try:
        _KNOWN[ref] = model.get(*_snapshot_key(ref)).snapshot
    except model.DoesNotExist:
        body = _procedure_part(procedure)
        condition = model.PK.does_not_exist()
        tx.save(model(*_snapshot_key(ref), snapshot=body), condition=condition, label="snapshot")
    return ref


def remember(procedure: dict) -> None:
    """A committed dossier's snapshot is known from now on (its transaction wrote or found it)."""
    _KNOWN.setdefault(procedure_ref(procedure), _procedure_part(procedure))
