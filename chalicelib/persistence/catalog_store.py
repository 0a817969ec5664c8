"""Catalog persistence: versioned snapshots with an atomic pointer flip (key layout in
catalog_records.py). An import writes a whole new version, then flips CURRENT with a conditional
put, so readers see either the old catalog or the new one and never half of an import. Loading a
snapshot is one Query per 1 MB page on a single partition key (no Scan); forms are read one at a
time on demand."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from pynamodb.exceptions import PutError

from chalicelib.config import get_settings
from chalicelib.domain.errors import Conflict
from chalicelib.persistence.base import bind
from chalicelib.persistence.catalog_records import CatalogRecord

POINTER_PK = "CATALOG"
POINTER_SK = "CURRENT"


def _model() -> type[CatalogRecord]:
    return bind(CatalogRecord, get_settings().table_catalog)


def _partition(version: str) -> str:
    return f"{POINTER_PK}#{version}"


def current_version() -> dict[str, Any] | None:
    model = _model()
    try:
        item = model.get(POINTER_PK, POINTER_SK, consistent_read=True)
    except model.DoesNotExist:
        return None
    return {"version": item.version, **(item.data or {})}


def load_snapshot(version: str) -> tuple[list[dict], list[dict]]:
    """All agencies and procedures of one catalog version (two key-range Queries)."""
    model = _model()
    pk = _partition(version)
    agencies = [r.data for r in model.query(pk, model.SK.startswith("AGENCY#"))]
    procedures = [r.data for r in model.query(pk, model.SK.startswith("PROC#"))]
    return agencies, procedures


def load_form(version: str, code: str) -> dict | None:
    model = _model()
    try:
        return model.get(_partition(version), f"FORM#{code}").data
    except model.DoesNotExist:
        return None


def write_snapshot(
    version: str,
    agencies: Iterable[dict],
    procedures: Iterable[dict],
    forms: dict[str, dict],
    progress: Callable[[int], None] = lambda n: None,
) -> int:
    """Write every item of a new version (invisible until `publish`); returns the item count."""
    model = _model()
    pk = _partition(version)
    written = 0
    with model.batch_write() as batch:
        for sk, data in _items(agencies, procedures, forms):
            batch.save(model(pk, sk, data=data))
            written += 1
            if written % 100 == 0:
                progress(written)
    progress(written)
    return written


def _items(agencies, procedures, forms):
    for agency in agencies:
        yield f"AGENCY#{agency['id']}", agency
    for procedure in procedures:
        yield f"PROC#{procedure['code']}", procedure
    for code, form in forms.items():
        yield f"FORM#{code}", form


def publish(version: str, expected_previous: str | None, summary: dict) -> None:
    """Flip the CURRENT pointer, unless another import flipped it since we read it."""
    model = _model()
    pointer = model(POINTER_PK, POINTER_SK, version=version, data=summary)
    condition = (
        model.PK.does_not_exist()
        if expected_previous is None
        else model.version == expected_previous
    )
    try:
        pointer.save(condition=condition)
    except PutError as exc:
        raise Conflict("Danh mục vừa được cập nhật bởi một lần nhập khác.") from exc


def delete_version(version: str) -> int:
    """Remove an old snapshot after a newer one is published (keeps the table small)."""
    model = _model()
    deleted = 0
    with model.batch_write() as batch:
        for record in model.query(_partition(version)):
            batch.delete(record)
            deleted += 1
    return deleted
