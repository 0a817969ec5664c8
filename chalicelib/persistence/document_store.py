"""Document persistence (see document_records.py for the key layout). A document is written in
the same transaction as the dossier change that produced it (`stage`)."""

from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import DeleteError

from chalicelib.config import get_settings
from chalicelib.domain.documents import Document
from chalicelib.persistence import store
from chalicelib.persistence.base import bind
from chalicelib.persistence.document_records import DocumentRecord


def model() -> type[DocumentRecord]:
    return bind(DocumentRecord, get_settings().table_dossiers)


def pk(document_id: str) -> str:
    return f"DOCUMENT#{document_id}"


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def to_record(document: Document) -> DocumentRecord:
    return model()(
        pk(document.document_id),
        "META",
        document_id=document.document_id,
        kind=document.kind,
        name=document.name,
        dossier_code=document.dossier_code,
        agency_id=document.agency_id,
        owner=document.owner,
        bucket=document.bucket,
        key=document.key,
        content_type=document.content_type,
        size_bytes=document.size_bytes,
        issued_at=document.issued_at.isoformat(),
        component_code=document.component_code,
        sha256=document.sha256,
        signed_by=document.signed_by,
        signed_at=_iso(document.signed_at),
        extra=document.extra or None,
        owner_pk=f"WALLET#{document.owner}" if document.owner else None,
        owner_sk=f"{document.issued_at.isoformat()}#{document.document_id}"
        if document.owner
        else None,
    )


def from_record(record: DocumentRecord) -> Document:
    return store.domain_object(
        Document,
        record,
        size_bytes=int(record.size_bytes),
        extra=record.extra or {},
        **store.times(record, "issued_at", "signed_at"),
    )


def staged(document: Document) -> store.Staged:
    """The new document, for another store's transaction (a document id is never reused)."""

    def stage(tx: store.Transaction) -> None:
        tx.save(to_record(document), condition=model().PK.does_not_exist(), label="document")

    return stage


def get(document_id: str) -> Document | None:
    records = model()
    try:
        return from_record(records.get(pk(document_id), "META", consistent_read=True))
    except records.DoesNotExist:
        return None


def wallet_page(subject: str, limit: int, start: dict | None) -> tuple[list[Document], dict | None]:
    """One page of a citizen's documents, newest first: (documents, last evaluated key). The
    index carries only keys for documents, so a page is one Query and one BatchGet."""
    records = model()
    keys, last = store.page(
        records.wallet, f"WALLET#{subject}", limit, start, lambda r: r.PK, scan_index_forward=False
    )
    found = {r.PK: from_record(r) for r in records.batch_get([(k, "META") for k in keys])}
    return [found[k] for k in keys if k in found], last


def remove_from_wallet(document_id: str, owner: str, kind: str) -> bool:
    """Delete the record of `owner`'s document of `kind`; False when it is not (or no longer)
    theirs. The file it points at is the dossier's and stays."""
    records = model()
    try:
        records(pk(document_id), "META").delete(
            condition=(records.owner == owner) & (records.kind == kind)
        )
    except DeleteError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True
