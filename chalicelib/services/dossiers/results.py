"""Electronic delivery of the result: a short-lived download link for the applicant only, to
the PDF the agency signed (never the unsigned upload).

The result is released once the dossier has one (approved or refused) and every fee due is
paid. Each download is recorded in the dossier's history. When the applicant chose to receive
the result online, the first download is the hand-over, and the dossier moves to `returned`.
Delivery by post and at the counter is recorded by the officer instead (`return_result`).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from chalicelib.config import get_settings
from chalicelib.domain.dossier import Dossier, Status
from chalicelib.domain.errors import Conflict, InvalidTransition
from chalicelib.domain.payment import check_result_release
from chalicelib.domain.principal import Principal
from chalicelib.integrations import storage
from chalicelib.persistence import dossier_store
from chalicelib.services.dossiers import citizen as dossiers
from chalicelib.services.dossiers import workflow

log = logging.getLogger(__name__)
LINK_SECONDS = 300


def download(
    code: str, principal: Principal | None, phone: str | None, client_ip: str | None, now: datetime
) -> dict:
    dossier = dossiers.authorized(code, principal, phone, client_ip)  # lookup's 404 rules
    document = check_result_release(dossier)
    if not document.get("document_id"):  # nothing is handed over unsigned
        raise InvalidTransition(
            "Kết quả điện tử chưa được cơ quan ký số; kết quả được trả theo hình thức bạn đã "
            "đăng ký."
        )
    bucket = get_settings().bucket_results
    url = storage.download_url(bucket, document["signed_key"], document["filename"], LINK_SECONDS)
    status = _record(dossier, principal, now)
    return {
        "url": url,
        "expires_at": (now + timedelta(seconds=LINK_SECONDS)).isoformat(),
        "filename": document["filename"],
        "content_type": "application/pdf",
        "status": status.value,
        "document_id": document["document_id"],
        "verification_url": document["verification_url"],
    }


def _record(dossier: Dossier, principal: Principal | None, now: datetime) -> Status:
    """The hand-over on the first online download, a history entry for every other one."""
    if dossier.result_delivery == "online" and dossier.status is Status.RESULT_READY:
        try:
            if workflow.apply_system(dossier.code, "return_result", {"via": "online"}, now):
                return Status.RETURNED
        except Conflict:
            pass  # a concurrent download handed it over first
        dossier = dossier_store.get(dossier.code) or dossier
    expected = dossier.version
    dossier.record(
        now,
        "download_result",
        dossier.status,
        "citizen",
        "dossier.result_downloaded",
        agency_id=dossier.agency_id,
        actor_id=principal.subject if principal else None,
        event_data={"via": "online"},
    )
    try:
        dossier_store.save(dossier, expected)
    except Conflict:
        log.info("result download not recorded: the dossier changed meanwhile")
    return dossier.status
