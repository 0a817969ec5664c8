"""Other provincial systems (document management, operations) ask the portal to tell an officer,
or an agency's officers, that a document waits for them: one notification per document id and
calling system, delivered to the officers' inbox by the notifications pipeline."""

from __future__ import annotations

from datetime import datetime

from chalicelib.domain import notifications as plan
from chalicelib.domain.errors import Conflict, ServiceUnavailable
from chalicelib.domain.principal import Principal
from chalicelib.persistence import notification_store as store
from chalicelib.services.catalog import reads as catalog_service
from chalicelib.services.notifications import dispatch as notifications
from chalicelib.services.shared import idempotency


def request(principal: Principal, body: dict, now: datetime) -> tuple[dict, bool]:
    """(answer, replayed?): the same document id and body answer the first request again; the
    same id with another body is a 409."""
    if body.get("agency"):
        body = {**body, "agency": catalog_service.agency_id(body["agency"])}
    recipient = (
        f"officer:{body['officer_id']}" if body.get("officer_id") else f"agency:{body['agency']}"
    )
    source = f"document:{principal.subject}:{body['document_id']}"
    notification_id = plan.notification_id(source, recipient, plan.INBOX)
    stored, new = store.claim_document(
        principal.subject, body["document_id"], idempotency.body_hash(body), notification_id, now
    )
    if stored.request_hash != idempotency.body_hash(body):
        raise Conflict("document_id này đã được dùng cho một yêu cầu khác.")
    planned = [plan.Planned(recipient, plan.INBOX, "officer_document", {plan.INBOX: recipient})]
    values = {"title": body["title"], "link": body.get("url") or ""}
    try:
        (record,) = notifications.notify(source, "officer.document", planned, values, "", None, now)
    except notifications.NotQueued as exc:
        raise ServiceUnavailable() from exc  # the caller retries; the record is re-queued then
    answer = {
        "notification_id": record.id,
        "document_id": body["document_id"],
        "recipient": recipient,
        "status": record.state,
    }
    return answer, not new
