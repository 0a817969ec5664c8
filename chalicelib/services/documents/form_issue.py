"""Issuing a one-stop form (Forms 01–06 of services/dossiers/forms.py) as a signed document: the
agency holding the dossier signs the form's PDF exactly as it signs a result (PAdES, a QR code to
the verification page). Forms 01–05 are addressed to the applicant and join the owner's wallet;
Form 06, the internal control slip, names officers and stays with the agency (verifiable, in no
wallet). Each issue is a new document; the dossier keeps the latest one of each form."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from chalicelib.documents import pdf
from chalicelib.domain import documents
from chalicelib.domain.principal import Principal
from chalicelib.persistence import dossier_store
from chalicelib.services.documents import issuing
from chalicelib.services.dossiers import forms, workflow

INTERNAL_FORMS = frozenset({"06"})


def issue_form(code: str, number: str, principal: Principal, now: datetime) -> dict:
    dossier = workflow.load_to_decide(code, principal)
    data = pdf.render_pdf(forms.form_document(dossier, number, issuing=True))
    document = issuing.sign_pdf(
        data,
        dossier,
        kind=documents.FORM,
        name=f"mau-so-{number}-{dossier.code}.pdf",
        reason=f"Mẫu số {number}. {forms.TITLES[number]} — hồ sơ {dossier.code}",
        now=now,
        field="number",
    )
    document.extra = {"form_number": number, "issued_by": principal.subject}
    if number in INTERNAL_FORMS:
        document = replace(document, owner=None)
    issued = {
        "number": number,
        "title": forms.TITLES[number],
        "document_id": document.document_id,
        "sha256": document.sha256,
        "signed_by": document.signed_by,
        "signed_at": now.isoformat(),
        "verification_url": documents.VERIFY_PATH + document.document_id,
    }
    expected = dossier.version
    dossier.extra["issued_forms"] = {**dossier.extra.get("issued_forms", {}), number: issued}
    dossier_store.save(dossier, expected, also=issuing.staging(document))
    return {**issued, "in_wallet": document.owner is not None, "version": dossier.version}
