"""The citizen's answer to a supplement request (Form 02): changed form fields and new files,
checked like a submission, then the `resubmit` transition (the workflow restarts the clock); an
answer that fails removes its files' copies out of quarantine, like a submission."""

from __future__ import annotations

from datetime import datetime

from chalicelib.domain import workflow
from chalicelib.domain.errors import FieldError, InvalidTransition, refusal
from chalicelib.domain.principal import Principal
from chalicelib.persistence import dossier_store
from chalicelib.services.catalog import reads as catalog_service
from chalicelib.services.dossiers import deadlines, receipts
from chalicelib.services.dossiers.citizen import authorized
from chalicelib.services.shared import uploads
from chalicelib.validation import errors_for


def answer(
    code: str, principal: Principal | None, body: dict, client_ip: str | None, now: datetime
) -> dict:
    dossier = authorized(code, principal, body.get("phone"), client_ip)
    if dossier.requested is None or dossier.requested.get("type") != "supplement":
        raise InvalidTransition("Hồ sơ không có yêu cầu bổ sung nào đang chờ.")
    procedure = catalog_service.get_procedure(dossier.procedure["code"])
    form = {**dossier.form, **body.get("form", {})}
    problems = errors_for(form, schema_obj=catalog_service.get_form(procedure.code), prefix="form")
    checked = uploads.check(body.get("attachments", []), procedure, principal, problems)
    if not body.get("form") and not checked and not problems:
        problems.append(FieldError("attachments", "Cần gửi nội dung hoặc tệp bổ sung"))
    if problems:
        raise refusal("Nội dung bổ sung chưa hợp lệ.", problems)
    expected = dossier.version
    dossier.form = form
    workflow.apply(
        dossier,
        workflow.Command(
            "resubmit",
            "citizen",
            principal.subject if principal else None,
            None,
            now,
            note=body.get("note"),
        ),
        deadlines.calendar(dossier.agency_id),
    )
    with uploads.copies_of_this_attempt(now) as attempt:
        uploads.move_out_of_quarantine(checked, attempt)
        dossier.attachments = [*dossier.attachments, *(c.attachment for c in checked)]
        used = uploads.mark_used(checked, dossier.code) + attempt.committed()
        dossier_store.save(dossier, expected, also=used)
    return receipts.status_view(dossier, dossier_store.history(code))
