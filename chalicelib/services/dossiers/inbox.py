"""The agency inbox: one index Query per page, soonest due first.

Without a status it lists the agency's open dossiers (the sparse `inbox` index); with a status,
that status only (`by_status`). `overdue` splits on the due time with a key condition, so it
costs nothing extra."""

from __future__ import annotations

from datetime import datetime

from chalicelib.domain.principal import Principal
from chalicelib.persistence import dossier_store
from chalicelib.services.dossiers.workflow import summary
from chalicelib.services.shared import paging


def inbox(principal: Principal, params: dict, now: datetime) -> dict:
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
