"""Read side of the catalog: one in-memory snapshot per container, refreshed when an import
publishes a new version (checked at most every CATALOG_CACHE_SECONDS), so serving even a
5,000-procedure catalog costs no DynamoDB read on most requests and never a Scan."""

from __future__ import annotations

import threading
import time
from functools import lru_cache

from chalicelib.config import get_settings
from chalicelib.domain.catalog import Agency, Catalog, Offering, Procedure
from chalicelib.domain.errors import FieldError, NotFound, ValidationFailed
from chalicelib.persistence import catalog_store

_lock = threading.Lock()
_state: dict = {"catalog": None, "checked_at": 0.0}


def get_catalog() -> Catalog:
    with _lock:
        now = time.monotonic()
        cached: Catalog | None = _state["catalog"]
        if cached is not None and now - _state["checked_at"] < get_settings().catalog_cache_seconds:
            return cached
        pointer = catalog_store.current_version()
        version = pointer["version"] if pointer else ""
        if cached is None or cached.version != version:
            cached = _load(version, pointer.get("fields", []) if pointer else [])
            _state["catalog"] = cached
        _state["checked_at"] = now
        return cached


def _load(version: str, fields: list[dict]) -> Catalog:
    if not version:
        return Catalog([], [], "")
    agencies, procedures = catalog_store.load_snapshot(version)
    return Catalog(
        [Agency.from_dict(a) for a in agencies],
        [Procedure.from_dict(p) for p in procedures],
        version,
        fields,
    )


def invalidate() -> None:
    with _lock:
        _state["catalog"] = None
        _state["checked_at"] = 0.0
    _form.cache_clear()


def get_procedure(code: str) -> Procedure:
    procedure = get_catalog().procedure(code)
    if procedure is None:
        raise NotFound(f"Không tìm thấy thủ tục có mã {code}.")
    return procedure


def get_form(code: str) -> dict:
    catalog = get_catalog()
    procedure = get_procedure(code)
    form = _form(catalog.version, procedure.code)
    if form is None:
        raise NotFound(f"Thủ tục {code} không có biểu mẫu điện tử (không nộp trực tuyến).")
    return form


@lru_cache(maxsize=512)
def _form(version: str, code: str) -> dict | None:
    return catalog_store.load_form(version, code)


def get_agency(ref: str, field: str = "agency") -> Agency:
    """An agency named by its `id` or `id_code`; an unknown one is a validation error on `field`."""
    agency = get_catalog().agency(ref)
    if agency is None:
        raise ValidationFailed(
            "Không có cơ quan này.", [FieldError(field, f"Không có cơ quan '{ref}'")]
        )
    return agency


def agency_id(ref: str | None, field: str = "agency") -> str | None:
    """The portal `id` of an agency named by `id` or `id_code` (None stays None)."""
    return get_agency(ref, field).id if ref else None


def offering_for(procedure: Procedure, ref: str | None, field: str = "agency") -> Offering:
    """Where a dossier of `procedure` is received: the named agency, which must perform it, or
    the only agency performing it; when several do, the caller must name one."""
    catalog = get_catalog()
    offerings = catalog.offerings(procedure.code)
    if ref is None:
        if len(offerings) == 1:
            return offerings[0]
        raise ValidationFailed(
            "Thủ tục này do nhiều cơ quan thực hiện; vui lòng chọn nơi nộp hồ sơ.",
            [FieldError(field, f"Bắt buộc chọn một trong {len(offerings)} cơ quan thực hiện")],
        )
    agency = get_agency(ref, field)
    offering = catalog.offering(procedure.code, agency.id)
    if offering is None:
        raise ValidationFailed(
            f"{agency.name} không thực hiện thủ tục {procedure.code}.",
            [FieldError(field, "Cơ quan này không thực hiện thủ tục đã chọn")],
        )
    return offering
