"""The citizen's document wallet (kho giấy tờ): results issued to them and files accepted in
their earlier dossiers. A new dossier may attach one by `document_id` instead of a new upload;
the dossier keeps a copy, marks the component `reused` and names where it came from. Only the
owner can list, download, reuse or remove a document: anyone else's id is "not found"."""

from __future__ import annotations

import io
import uuid
import zipfile
from datetime import datetime, timedelta

from chalicelib.config import get_settings
from chalicelib.domain import documents
from chalicelib.domain.catalog import Component, Procedure
from chalicelib.domain.documents import Document
from chalicelib.domain.dossier import Dossier
from chalicelib.domain.errors import FieldError, InvalidTransition, NotFound
from chalicelib.domain.principal import Principal
from chalicelib.integrations import storage
from chalicelib.persistence import document_store
from chalicelib.services.shared import paging
from chalicelib.services.shared.uploads import Attempt, safe_filename

LINK_SECONDS = 300
REUSE_CHOICES = 100  # wallet documents the filing page offers to reuse
NOT_YOURS = "Không tìm thấy giấy tờ này trong kho giấy tờ của bạn"


def _bucket(document: Document) -> str:
    settings = get_settings()
    return settings.bucket_results if document.bucket == "results" else settings.bucket_uploads


def mine(principal: Principal, page_size: int, page_token: str | None) -> dict:
    scope = f"wallet:{principal.subject}"
    start = paging.decode(page_token, scope)
    items, last = document_store.wallet_page(principal.subject, page_size, start)
    return {
        "items": [d.wallet_item() for d in items],
        "next_page_token": paging.scoped(last, scope),
    }


def owned(principal: Principal, document_id: str) -> Document:
    document = document_store.get(document_id) if len(document_id) == 32 else None
    if document is None or not document.belongs_to(principal.subject):
        raise NotFound(NOT_YOURS + ".")
    return document


def remove(principal: Principal, document_id: str) -> dict:
    """Take a file the citizen filed earlier out of their wallet (retention policy,
    docs/retention.md): it is no longer listed or reusable, while the dossier it was accepted
    with keeps its copy. Results and forms the agency issued stay: they are the agency's record."""
    document = owned(principal, document_id)
    if document.kind != documents.ATTACHMENT:
        raise InvalidTransition(
            "Kết quả và giấy tờ do cơ quan phát hành được lưu giữ theo quy định và không xóa "
            "được khỏi kho giấy tờ; bạn vẫn tải về được bất cứ lúc nào."
        )
    if not document_store.remove_from_wallet(document_id, principal.subject, documents.ATTACHMENT):
        raise NotFound(NOT_YOURS + ".")
    return {"document_id": document_id, "removed": True}


def download(principal: Principal, document_id: str, now: datetime) -> dict:
    document = owned(principal, document_id)
    return {
        "url": storage.download_url(_bucket(document), document.key, document.name, LINK_SECONDS),
        "expires_at": (now + timedelta(seconds=LINK_SECONDS)).isoformat(),
        "filename": document.name,
        "content_type": document.content_type,
    }


def export(principal: Principal, now: datetime) -> dict:
    """The whole wallet as one ZIP (each file under its dossier's folder), behind a short link."""
    buffer, count, start = io.BytesIO(), 0, None
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        while True:
            items, start = document_store.wallet_page(principal.subject, 100, start)
            for document in items:
                data = storage.read(_bucket(document), document.key)
                if data is not None:
                    name = f"{document.dossier_code}/{document.document_id[:8]}-{document.name}"
                    archive.writestr(safe_filename(name.replace("/", "__")), data)
                    count += 1
            if not start:
                break
    key = f"exports/{uuid.uuid4().hex}/kho-giay-to.zip"
    storage.put(get_settings().bucket_results, key, buffer.getvalue(), "application/zip")
    return {
        "url": storage.download_url(
            get_settings().bucket_results, key, "kho-giay-to.zip", LINK_SECONDS
        ),
        "expires_at": (now + timedelta(seconds=LINK_SECONDS)).isoformat(),
        "count": count,
    }


def _fits(document: Document, component: Component) -> bool:
    return (
        document.content_type in component.file_types
        and document.size_bytes <= component.max_size_bytes
    )


def reusable(principal: Principal, procedure: Procedure) -> dict[str, list[dict]]:
    """For each component of a new dossier, the wallet items it could reuse (the newest
    REUSE_CHOICES documents; those that served the same component first). The agency's forms
    (receipts, notices) are not offered: they are no dossier's component."""
    newest, _ = document_store.wallet_page(principal.subject, REUSE_CHOICES, None)
    offered = [d for d in newest if d.kind != documents.FORM]
    return {
        component.code: sorted(
            (d.wallet_item() for d in offered if _fits(d, component)),
            key=lambda item: item.get("component_code") != component.code,
        )
        for component in procedure.components
    }


def check_reused(
    attachments: list[dict],
    procedure: Procedure,
    principal: Principal | None,
    problems: list[FieldError],
) -> list[tuple[Document, dict]]:
    """The wallet documents a new dossier attaches (`document_id` items): each must be the
    caller's own and fit the component's file types and size."""
    chosen = []
    for i, item in enumerate(attachments):
        if "document_id" not in item:
            continue
        where = f"attachments[{i}].document_id"
        document = document_store.get(item["document_id"])
        if document is None or principal is None or not document.belongs_to(principal.subject):
            problems.append(FieldError(where, NOT_YOURS))
            continue
        component = procedure.component(item["component_code"])
        if component is None:
            continue  # reported with the component codes
        if _fits(document, component):
            chosen.append((document, item))
        elif document.content_type not in component.file_types:
            problems.append(FieldError(where, "Kiểu tệp không được chấp nhận cho thành phần này"))
        else:
            problems.append(FieldError(where, "Tệp lớn hơn dung lượng cho phép"))
    return chosen


def copy_reused(chosen: list[tuple[Document, dict]], attempt: Attempt) -> list[dict]:
    """Copy each reused document into the new dossier's attachments, under a key of the
    attempt's own (uploads.copies_of_this_attempt: a failed attempt removes its copy, never the
    wallet's document); their descriptions."""
    out = []
    for document, item in chosen:
        name = safe_filename(document.name)
        key = attempt.copy(document.key, uuid.uuid4().hex, name, source_bucket=_bucket(document))
        out.append(
            {
                "component_code": item["component_code"],
                "document_id": document.document_id,
                "filename": document.name,
                "content_type": document.content_type,
                "size_bytes": document.size_bytes,
                "key": key,
                "reused": True,
                "origin": {
                    "document_id": document.document_id,
                    "kind": document.kind,
                    "dossier_code": document.dossier_code,
                    "component_code": document.component_code,
                    "issued_at": document.issued_at.isoformat(),
                },
            }
        )
    return out


def accepted_attachments(dossier: Dossier, now: datetime) -> list[Document]:
    """When an owned dossier is accepted, its uploaded files join the owner's wallet."""
    if not dossier.owner:
        return []
    return [
        Document(
            document_id=uuid.uuid4().hex,
            kind=documents.ATTACHMENT,
            name=a["filename"],
            dossier_code=dossier.code,
            agency_id=dossier.agency_id,
            owner=dossier.owner,
            bucket="uploads",
            key=a["key"],
            content_type=a["content_type"],
            size_bytes=int(a["size_bytes"]),
            issued_at=now,
            component_code=a["component_code"],
        )
        for a in dossier.attachments
        if not a.get("reused") and a.get("key")
    ]
