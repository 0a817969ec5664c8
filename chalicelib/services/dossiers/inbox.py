"""The agency inbox: one index Query per page, soonest due first.

Open dossiers (every status but the closed ones) come from the sparse `inbox` index, a status
among them from the same Query with a filter; `overdue` splits on the due time with a key
condition. Closed dossiers leave the inbox: a closed status lists the dossiers closed with it in
one month (`month`, default the current one) from `by_status`, latest first."""

from __future__ import annotations

from datetime import datetime

from chalicelib.domain.calendar import VN_TZ
from chalicelib.domain.dossier import DossierSummary, Status
from chalicelib.domain.errors import FieldError, ValidationFailed
from chalicelib.domain.principal import Principal
from chalicelib.persistence import dossier_store, national_sync_store
from chalicelib.services.dossiers.workflow import summary
from chalicelib.services.shared import paging


def inbox(principal: Principal, params: dict, now: datetime) -> dict:
    if params.get("national_sync") == "failed":
        return sync_failed(principal, params, now)
    status = Status(params["status"]) if params.get("status") else None
    overdue = params.get("overdue")
    month = params.get("month") or f"{now.astimezone(VN_TZ):%Y-%m}"
    scope = f"inbox:{principal.agency}:{status}:{overdue}:{month if status else ''}"
    size, start = params.get("page_size", 20), paging.decode(params.get("page_token"), scope)
    if status is not None and not status.is_open:
        items, last = dossier_store.closed_page(principal.agency, status, month, size, start)
    else:
        items, last = dossier_store.open_page(
            principal.agency,
            size,
            start,
            status=status,
            due_before=now if overdue else None,
            due_from=now if overdue is False else None,
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
        "items": [
            summary(DossierSummary.of(dossiers[r.code]), now) for r in failed if r.code in dossiers
        ],
        "next_page_token": paging.scoped(last, scope),
    }
