"""Issuing signed documents: the agency signs a dossier's result (PAdES) when a leader approves
or refuses it, and a form when an officer issues it. Nothing is issued unsigned: a file that is
not a readable PDF, an encrypted PDF, or a certificate that is expired, revoked or untrusted
stops the step with a clear error, and the dossier does not change.

The signed file is written under a new document id before the dossier's transaction commits;
if that transaction loses a race, the file is left unreferenced (no record points at it) and
the step can be retried.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from chalicelib.config import get_settings
from chalicelib.domain import documents
from chalicelib.domain.documents import Document
from chalicelib.domain.dossier import Dossier
from chalicelib.domain.errors import FieldError, InvalidTransition, ValidationFailed
from chalicelib.integrations import signing, storage
from chalicelib.persistence import document_store

SIGNING_ACTIONS = frozenset({"approve", "refuse"})
PDF = "application/pdf"


def verification_url(document_id: str) -> str:
    return f"{get_settings().public_base_url}{documents.VERIFY_PATH}{document_id}"


def sign_pdf(
    data: bytes,
    dossier: Dossier,
    *,
    kind: str,
    name: str,
    reason: str,
    now: datetime,
    field: str = "result_document",
    component_code: str | None = None,
) -> Document:
    """Sign `data` as the dossier's agency and store it; the Document to record."""
    from chalicelib.integrations import pades  # ~0.5 s of imports: only on this path

    try:
        pades.open_pdf(data)
    except pades.PdfRejected as exc:
        message = documents.PDF_PROBLEMS[exc.reason]
        raise ValidationFailed(message, [FieldError(field, message)]) from None
    credential = signing.credential(dossier.agency_id)
    try:
        pades.check_certificate(credential, signing.trust(), now)
    except pades.CertificateRejected as exc:
        raise InvalidTransition(documents.CERTIFICATE_PROBLEMS[exc.reason]) from None
    document_id = uuid.uuid4().hex
    try:
        signed = pades.sign(
            data,
            credential,
            url=verification_url(document_id),
            reason=reason,
            location=dossier.procedure.get("agency_name") or dossier.agency_id,
        )
    except pades.PdfRejected as exc:
        message = documents.PDF_PROBLEMS[exc.reason]
        raise ValidationFailed(message, [FieldError(field, message)]) from None
    key = f"documents/{document_id}.pdf"
    storage.put(get_settings().bucket_results, key, signed, PDF)
    return Document(
        document_id=document_id,
        kind=kind,
        name=name,
        dossier_code=dossier.code,
        agency_id=dossier.agency_id,
        owner=dossier.owner,
        bucket="results",
        key=key,
        content_type=PDF,
        size_bytes=len(signed),
        issued_at=now,
        component_code=component_code,
        sha256=documents.sha256(signed),
        signed_by=pades.common_name(credential.certificate),
        signed_at=now,
    )


def sign_result(dossier: Dossier, now: datetime) -> Document | None:
    """Sign the result the officers uploaded, before a leader's decision is committed; None
    when no electronic result was attached (it is then handed over on paper)."""
    attached = dossier.extra.get("result_document")
    if not attached or attached.get("document_id"):
        return None
    data = storage.read(get_settings().bucket_results, attached["key"])
    if data is None:
        message = "Tệp kết quả chưa được tải lên xong; vui lòng đính kèm lại."
        raise ValidationFailed(message, [FieldError("result_document", message)])
    document = sign_pdf(
        data,
        dossier,
        kind=documents.RESULT,
        name=attached["filename"],
        reason=f"Kết quả giải quyết hồ sơ {dossier.code}",
        now=now,
    )
    dossier.extra["result_document"] = {
        **attached,
        "document_id": document.document_id,
        "signed_key": document.key,
        "sha256": document.sha256,
        "signed_by": document.signed_by,
        "signed_at": now.isoformat(),
        "verification_url": documents.VERIFY_PATH + document.document_id,
    }
    return document


def staging(*new: Document | None) -> list:
    """What `dossier_store.save(also=...)` adds: the new documents' records."""
    return [document_store.staged(d) for d in new if d is not None]
