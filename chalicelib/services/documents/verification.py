"""Public verification of a signed document, by its id (the QR code on the document): valid or
not, who signed and when, its SHA-256 and dossier code, nothing personal. A file can be checked
against the record: a copy that differs in a single byte does not match."""

from __future__ import annotations

import re

from chalicelib.config import get_settings
from chalicelib.domain import documents
from chalicelib.domain.documents import Document
from chalicelib.domain.errors import NotFound
from chalicelib.integrations import signing, storage
from chalicelib.persistence import document_store

_ID = re.compile(r"^[0-9a-f]{32}$")
MAX_FILE_BYTES = 5 * 1024 * 1024  # what one request may carry, with room to spare


def signed_document(document_id: str) -> Document:
    document = document_store.get(document_id) if _ID.match(document_id or "") else None
    if document is None or not document.is_signed:
        raise NotFound("Không tìm thấy văn bản điện tử có mã này.")
    return document


def _verdict(data: bytes | None, document: Document):
    from chalicelib.integrations import pades  # ~0.5 s of imports: only on this path

    if data is None:
        return None
    return pades.verify(data, signing.trust(), document.signed_at)


def verification(document_id: str) -> dict:
    document = signed_document(document_id)
    stored = storage.read(get_settings().bucket_results, document.key)
    verdict = _verdict(stored, document)
    intact_copy = stored is not None and documents.sha256(stored) == document.sha256
    return _view(document, bool(verdict and verdict.valid and intact_copy))


def compare(document_id: str, data: bytes) -> dict:
    """Check a file someone holds against the issued document."""
    document = signed_document(document_id)
    digest = documents.sha256(data)
    verdict = _verdict(data, document)
    matches = digest == document.sha256
    return {
        **verification(document_id),
        "matches": matches,
        "file_sha256": digest,
        "file_signature_valid": bool(verdict and verdict.valid),
    }


def _view(document: Document, valid: bool) -> dict:
    return {
        "document_id": document.document_id,
        "valid": valid,
        "kind": document.kind,
        "signed_by": document.signed_by,
        "signed_at": document.signed_at.isoformat() if document.signed_at else None,
        "sha256": document.sha256,
        "dossier_code": document.dossier_code,
    }
