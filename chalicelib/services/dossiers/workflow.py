"""Officers (and the system, for asynchronous updates such as a confirmed payment) move
dossiers through the workflow. An officer changes only dossiers their agency holds; those it
held before and transferred on it reads only (403 TRANSFERRED_READ_ONLY on any change);
everything else is 404, as if it did not exist."""

from __future__ import annotations

import logging
from datetime import datetime

from chalicelib.config import get_settings
from chalicelib.domain import consult, process, workflow
from chalicelib.domain.dossier import Dossier, DossierSummary
from chalicelib.domain.errors import (
    Forbidden,
    InvalidTransition,
    NotFound,
    TransferredReadOnly,
)
from chalicelib.domain.principal import Principal
from chalicelib.integrations import storage
from chalicelib.persistence import dossier_store
from chalicelib.services.documents import issuing, wallet
from chalicelib.services.dossiers import deadlines, forms, shipments
from chalicelib.services.national_portal import sync as national_sync
from chalicelib.services.shared import officer_actions

log = logging.getLogger(__name__)
PARAMS = (
    "items",
    "assignee",
    "agency",
    "amount",
    "new_due_at",
    "fee_collected",
    "via",
    "reduction",
    "step",
    "reply_days",
)


def load_for(code: str, principal: Principal) -> Dossier:
    """The dossier for an officer to read: its holder's or a former holder's."""
    dossier = dossier_store.get(code)
    if dossier is None or not principal.is_officer or not dossier.readable_by(principal.agency):
        raise NotFound("Không tìm thấy hồ sơ trong cơ quan của bạn.")
    return dossier


def load_to_decide(code: str, principal: Principal) -> Dossier:
    """The dossier for an officer to change: only its holder's (every action, the result)."""
    dossier = load_for(code, principal)
    if not dossier.decides(principal.agency):
        raise TransferredReadOnly()
    return dossier


def load_consulted(code: str, principal: Principal) -> Dossier:
    """As `load_for`, and also for an officer of an agency whose opinion the dossier waits on
    (domain/consult.py), who reads it and answers, nothing else."""
    dossier = dossier_store.get(code)
    if dossier is not None and principal.is_officer:
        if consult.is_consulted(dossier, principal.agency):
            return dossier
    return load_for(code, principal)


def _allowed(dossier: Dossier, principal: Principal) -> list[str]:
    """The holder's actions (without answering a consult); a consulted agency only answers."""
    actions = workflow.allowed_actions(dossier, principal.role)
    if consult.is_consulted(dossier, principal.agency):
        return [a for a in actions if a == consult.ANSWER_CONSULT]
    if not dossier.decides(principal.agency):
        return []
    return [a for a in actions if a != consult.ANSWER_CONSULT]


def act(code: str, principal: Principal, body: dict, now: datetime) -> dict:
    dossier = load_consulted(code, principal)
    if body["action"] != consult.ANSWER_CONSULT and not dossier.decides(principal.agency):
        if not dossier.readable_by(principal.agency):
            raise Forbidden("Cơ quan được xin ý kiến chỉ trả lời ý kiến về hồ sơ này.")
        raise TransferredReadOnly()
    body = officer_actions.checked(body, dossier.version, "Hồ sơ")
    params = {k: body[k] for k in PARAMS if k in body}
    if body["action"] == "return_result" and _ships_by_post(dossier, principal, params):
        params["shipment"] = shipments.ship_result(dossier)
    command = workflow.Command(
        body["action"],
        principal.role,
        principal.subject,
        principal.agency,
        now,
        note=body.get("note"),
        params=params,
    )
    expected = dossier.version
    issued: list = []
    allowed = command.action in workflow.allowed_actions(dossier, principal.role)
    if allowed and command.action in issuing.SIGNING_ACTIONS:
        issued.append(issuing.sign_result(dossier, now))  # signed before the decision commits
    workflow.apply(dossier, command, deadlines.calendar(dossier.agency_id))
    if command.action == "accept":
        issued += wallet.accepted_attachments(dossier, now)
    dossier_store.save(dossier, expected, also=issuing.staging(*issued))
    return officer_view(dossier, principal, now)


def _ships_by_post(dossier: Dossier, principal: Principal, params: dict) -> bool:
    """A result returned by post, when the step is allowed: the carrier is asked first."""
    return (
        "return_result" in workflow.allowed_actions(dossier, principal.role)
        and params.get("via", dossier.result_delivery) == "post"
    )


def refresh_shipment(code: str, principal: Principal, now: datetime) -> dict:
    """Record the carrier's latest status of the result's shipment."""
    dossier = load_to_decide(code, principal)
    expected = dossier.version
    latest = shipments.track(dossier)
    if latest != dossier.extra.get("shipment"):
        dossier.extra["shipment"] = latest
        dossier_store.save(dossier, expected)
    return officer_view(dossier, principal, now)


def apply_system(
    code: str, action: str, params: dict, now: datetime, note: str | None = None
) -> bool:
    """Apply an asynchronous update once: a redelivered or late message changes nothing.

    Returns False when the dossier is already past the state the update was for."""
    dossier = dossier_store.get(code)
    if dossier is None:
        log.warning("update for an unknown dossier ignored", extra={"action": action})
        return False
    if action in ("confirm_payment", "record_payment") and any(
        p.get("payment_id") == params.get("payment_id") for p in dossier.extra.get("payments", [])
    ):
        return False
    expected = dossier.version
    try:
        workflow.apply(
            dossier,
            workflow.Command(action, "system", None, None, now, note=note, params=params),
            deadlines.calendar(dossier.agency_id),
        )
    except InvalidTransition:
        return False
    dossier_store.save(dossier, expected)
    return True


def officer_view(dossier: Dossier, principal: Principal, now: datetime) -> dict:
    bucket = get_settings().bucket_uploads
    due = dossier.due_at or dossier.acknowledge_by
    return {
        "code": dossier.code,
        "status": dossier.status.value,
        "status_label": dossier.status.label,
        "national_status_code": dossier.status.national_code,
        "version": dossier.version,
        "agency_id": dossier.agency_id,
        "receiving_agency_id": dossier.extra.get("receiving_agency_id", dossier.agency_id),
        "procedure": dossier.procedure,
        "applicant": dossier.applicant,
        "form": dossier.form,
        "attachments": [
            {
                **{k: v for k, v in a.items() if k != "key"},
                "url": storage.download_url(bucket, a["key"], a["filename"]),
            }
            for a in dossier.attachments
        ],
        "result_delivery": dossier.result_delivery,
        "channel": dossier.channel,
        "consignment": dossier.extra.get("consignment"),
        "shipment": dossier.extra.get("shipment"),
        "notify": dossier.notify,
        "submitted_at": dossier.submitted_at.isoformat(),
        "acknowledge_by": dossier.acknowledge_by.isoformat(),
        "accepted_at": _iso(dossier.accepted_at),
        "due_at": _iso(dossier.due_at),
        "finished_at": _iso(dossier.finished_at),
        "outcome": dossier.outcome,
        "timeliness": dossier.extra.get("timeliness"),
        "overdue": dossier.status.is_open and due < now and dossier.finished_at is None,
        "requested": dossier.requested,
        "fee_due": dossier.fee_due,
        "fee_paid": dossier.fee_paid,
        "extended": dossier.extended,
        "assignee": dossier.assignee,
        "process_step": process.current(dossier, deadlines.calendar(dossier.agency_id)),
        "result_document": dossier.extra.get("result_document"),
        "history": dossier_store.history(dossier.code),
        "national_sync": national_sync.view(dossier.code),
        "read_only": not dossier.decides(principal.agency),
        "consults": dossier.extra.get("consults", []),
        "allowed_actions": _allowed(dossier, principal),
        "forms": {n: f"/v1/officer/dossiers/{dossier.code}/forms/{n}" for n in forms.FORM_NUMBERS},
        "issued_forms": dossier.extra.get("issued_forms", {}),
    }


def summary(dossier: DossierSummary, now: datetime) -> dict:
    due = dossier.due_at or dossier.acknowledge_by
    return {
        "code": dossier.code,
        "status": dossier.status.value,
        "status_label": dossier.status.label,
        "version": dossier.version,
        "procedure": {"code": dossier.procedure_code, "name": dossier.procedure_name},
        "applicant_name": dossier.applicant_name,
        "submitted_at": dossier.submitted_at.isoformat(),
        "acknowledge_by": dossier.acknowledge_by.isoformat(),
        "due_at": _iso(dossier.due_at),
        "overdue": dossier.status.is_open and due < now,
        "assignee": dossier.assignee,
        **(
            {"consult": dossier.requested}
            if (dossier.requested or {}).get("type") == "consult"
            else {}
        ),
    }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


RESULT_URL_SECONDS = 900
# A result is attached before the decision: the leader's approval signs and issues it.
RESULT_STATUSES = frozenset({"accepted", "in_progress", "awaiting_payment"})


def attach_result(code: str, principal: Principal, body: dict, now: datetime) -> dict:
    """A presigned upload of the result document into the (versioned) results bucket."""
    from chalicelib.services.shared.uploads import safe_filename

    dossier = load_to_decide(code, principal)
    if dossier.status.value not in RESULT_STATUSES:
        raise InvalidTransition(
            "Chỉ đính kèm kết quả khi hồ sơ đang được giải quyết (trước khi phê duyệt)."
        )
    key = f"results/{code}/{now:%Y%m%d%H%M%S}/{safe_filename(body['filename'])}"
    post = storage.presigned_post(
        get_settings().bucket_results,
        key,
        body["content_type"],
        body["size_bytes"],
        RESULT_URL_SECONDS,
    )
    expected = dossier.version
    dossier.extra["result_document"] = {
        "key": key,
        "filename": body["filename"],
        "content_type": body["content_type"],
        "size_bytes": body["size_bytes"],
        "attached_by": principal.subject,
        "attached_at": now.isoformat(),
    }
    dossier_store.save(dossier, expected)
    return {
        "url": post["url"],
        "fields": post["fields"],
        "key": key,
        "expires_at": datetime.fromtimestamp(
            now.timestamp() + RESULT_URL_SECONDS, now.tzinfo
        ).isoformat(),
        "version": dossier.version,
    }
