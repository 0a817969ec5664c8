"""Dossiers received at the one-stop desk (channel `counter`) or by post (`post`).

The receptionist of the receiving agency scans each component (`POST /v1/officer/uploads`),
types or scans the applicant's data and decides on the spot: accept (Form 01, the clock starts),
refuse (Form 03, with the reason) or ask to supplement (Form 02, everything missing at once).
The dossier is created already decided: its receipt, the decision, its history, events and the
idempotency answer are one transaction, so a failed intake leaves nothing behind (the scans'
copies out of quarantine are removed when it fails: uploads.copies_of_this_attempt). Components are
recorded as digitised at receipt (Decision 766), which the statistics count.
"""

from __future__ import annotations

from datetime import datetime

from chalicelib.domain import dossier as dossier_domain
from chalicelib.domain import workflow as workflow_domain
from chalicelib.domain.catalog import Offering, Procedure
from chalicelib.domain.errors import FieldError, Forbidden, refusal
from chalicelib.domain.principal import Principal
from chalicelib.services.catalog import reads as catalog_service
from chalicelib.services.dossiers import deadlines, receipts, submission
from chalicelib.services.shared import idempotency, uploads
from chalicelib.validation import errors_for

DECISIONS = {
    "accept": "Tiếp nhận hồ sơ (Mẫu 01)",
    "reject": "Từ chối tiếp nhận (Mẫu 03)",
    "request_supplement": "Yêu cầu bổ sung, hoàn thiện (Mẫu 02)",
}
DECISION_FORMS = {"accept": "01", "reject": "03", "request_supplement": "02"}


def receive(
    body: dict, principal: Principal, claim: idempotency.Claim | None, now: datetime
) -> dict:
    procedure = catalog_service.get_procedure(body["procedure_code"])
    offering = receiving_offering(procedure, body.get("agency"), principal)
    decision = body.get("decision", {"action": "accept"})
    problems = _problems(body, procedure, decision["action"])
    checked = uploads.check(body["attachments"], procedure, principal, problems)
    if problems:
        raise refusal("Hồ sơ tiếp nhận chưa hợp lệ; vui lòng sửa các mục được nêu.", problems)
    calendar = deadlines.calendar()

    def build(code: str) -> dossier_domain.Dossier:
        dossier = dossier_domain.receive_at_desk(
            code,
            submission.snapshot(offering),
            body["applicant"],
            body.get("form", {}),
            [{**c.attachment, "digitised_at_receipt": True} for c in checked],
            body["result_delivery"],
            body["notify"],
            now,
            calendar.acknowledge_by(now),
            offering.fee_for(body["channel"]),
            body["channel"],
            principal.subject,
            body.get("consignment"),
        )
        command = workflow_domain.Command(
            decision["action"],
            principal.role,
            principal.subject,
            principal.agency,
            now,
            note=decision.get("note"),
            params={"items": decision["items"]} if decision.get("items") else {},
        )
        return workflow_domain.apply(dossier, command, calendar)

    with uploads.copies_of_this_attempt(now) as attempt:
        uploads.move_out_of_quarantine(checked, attempt)
        committed = submission.commit(
            offering, claim, checked, now, build, _response, copies=attempt
        )
    return committed.response


def receiving_offering(
    procedure: Procedure, agency_ref: str | None, principal: Principal
) -> Offering:
    """The desk receives for its own agency only: a receptionist of another agency is refused."""
    offering = catalog_service.offering_for(procedure, agency_ref or principal.agency)
    if offering.agency.id != principal.agency:
        raise Forbidden(f"Chỉ Bộ phận Một cửa của {offering.agency.name} tiếp nhận hồ sơ này.")
    return offering


def _problems(body: dict, procedure: Procedure, action: str) -> list[FieldError]:
    """Accepting needs a valid declaration and every required component; refusing or asking to
    supplement is exactly for a dossier that lacks something, so only what is given is checked."""
    problems = submission.unknown_components(body, procedure)
    form_schema = procedure.data.get("form_schema")
    if action == "accept":
        problems += submission.missing_components(body, procedure)
        if form_schema:
            problems += errors_for(
                body.get("form", {}),
                schema_obj=catalog_service.get_form(procedure.code),
                prefix="form",
            )
    if body["result_delivery"] not in procedure.data.get("delivery_options", []):
        problems.append(
            FieldError("result_delivery", "Thủ tục không trả kết quả theo hình thức này")
        )
    if body["result_delivery"] == "post" and not body["applicant"].get("address"):
        problems.append(FieldError("applicant.address", "Cần địa chỉ để gửi kết quả qua bưu chính"))
    if body["channel"] == "post" and not body.get("consignment"):
        problems.append(FieldError("consignment", "Hồ sơ qua bưu chính cần số hiệu bưu gửi"))
    if body.get("citizen"):
        problems.append(FieldError("citizen", "Chỉ dùng khi hỗ trợ công dân nộp trực tuyến"))
    if body["channel"] == "counter" and body.get("consignment"):
        problems.append(FieldError("consignment", "Chỉ ghi bưu gửi với hồ sơ nhận qua bưu chính"))
    if "email" in body["notify"] and not body["applicant"].get("email"):
        problems.append(FieldError("applicant.email", "Cần email để nhận thông báo qua email"))
    return problems


def _response(dossier: dossier_domain.Dossier, offering: Offering) -> dict:
    decision = dossier.pending_history[-1].action
    form = DECISION_FORMS[decision]
    return {
        "code": dossier.code,
        "status": dossier.status.value,
        "national_status_code": dossier.status.national_code,
        "channel": dossier.channel,
        "agency": offering.agency.ref(),
        "submitted_at": dossier.submitted_at.isoformat(),
        "accepted_at": dossier.accepted_at.isoformat() if dossier.accepted_at else None,
        "due_at": dossier.due_at.isoformat() if dossier.due_at else None,
        "fee_due": dossier.fee_due,
        "digitised_components": [a["component_code"] for a in dossier.attachments],
        "decision": {"action": decision, "label": DECISIONS[decision], "form": form},
        "form_url": f"/v1/officer/dossiers/{dossier.code}/forms/{form}",
        "receipt_url": receipts.receipt_url(dossier.code),
        "lookup_url": receipts.lookup_url(dossier.code),
    }
