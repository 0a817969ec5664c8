"""The agency inbox: one index Query per page, soonest due first.

Without a status it lists the agency's open dossiers (the sparse `inbox` index); with a status,
that status only (`by_status`). `overdue` splits on the due time with a key condition, so it
costs nothing extra."""

from __future__ import annotations

from datetime import datetime

from chalicelib.domain.errors import FieldError, ValidationFailed
from chalicelib.domain.principal import Principal
from chalicelib.persistence import dossier_store, national_sync_store
from chalicelib.services.dossiers.workflow import summary
from chalicelib.services.shared import paging


def inbox(principal: Principal, params: dict, now: datetime) -> dict:
    if params.get("national_sync") == "failed":
        return sync_failed(principal, params, now)
    model, _, _ = dossier_store.models()
    status, overdue = params.get("status"), params.get("overdue")
    if status:
        index, hash_key, sk = (
            model.by_status,
            f"AGENCY#{principal.agency}#{status}",
            model.status_sk,
        )
    else:
        index, hash_key, sk = model.inbox, f"INBOX#{principal.agency}", model.inbox_sk
    condition = None
    if overdue is not None:
        condition = sk < now.isoformat() if overdue else sk >= now.isoformat()
    scope = f"inbox:{principal.agency}:{status}:{overdue}"
    items, last = dossier_store.page(
        index,
        hash_key,
        params.get("page_size", 20),
        paging.decode(params.get("page_token"), scope),
        condition,
    )
    return {
        "items": [summary(d, now) for d in items],
        "next_page_token": paging.scoped(last, scope),
    }


def sync_failed(principal: Principal, params: dict, now: datetime) -> dict:
    """The agency's dossiers whose last record the national portal refused, latest first: one
    Query of the sparse `national_sync` index and one BatchGet of the dossiers."""
    if params.get("status") or params.get("overdue") is not None:
        raise ValidationFailed(
            "Bộ lọc đồng bộ quốc gia không kết hợp với trạng thái hoặc quá hạn.",
            [FieldError("national_sync", "Không kết hợp với status, overdue")],
        )
    scope = f"inbox-sync-failed:{principal.agency}"
    failed, last = national_sync_store.failed_page(
        principal.agency,
        params.get("page_size", 20),
        paging.decode(params.get("page_token"), scope),
    )
    dossiers = dossier_store.get_many([r.code for r in failed])
    return {
        "items": [summary(dossiers[r.code], now) for r in failed if r.code in dossiers],
        "next_page_token": paging.scoped(last, scope),
    }
