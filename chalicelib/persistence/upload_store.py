"""Upload records in the dossiers table (`PK=UPLOAD#<id>`, see dossier_records.py): written when
the upload is presigned, marked used inside the transaction of the dossier or feedback that
takes it, forgotten by TTL otherwise."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pynamodb.exceptions import DeleteError

from chalicelib.config import get_settings
from chalicelib.domain.upload import Upload
from chalicelib.persistence import store
from chalicelib.persistence.base import bind
from chalicelib.persistence.dossier_records import UploadRecord


def _model() -> type[UploadRecord]:
    return bind(UploadRecord, get_settings().table_dossiers)


def _pk(upload_id: str) -> str:
    return f"UPLOAD#{upload_id}"


def add(upload: Upload, created_at: datetime, expires_at: datetime, ttl: int) -> None:
    _model()(
        _pk(upload.upload_id),
        "META",
        upload_id=upload.upload_id,
        purpose=upload.purpose,
        procedure_code=upload.procedure_code,
        component_code=upload.component_code,
        filename=upload.filename,
        content_type=upload.content_type,
        size_bytes=upload.size_bytes,
        key=upload.key,
        owner=upload.owner,
        created_at=created_at.isoformat(),
        expires_at=expires_at.isoformat(),
        ttl=ttl,
    ).save()


def get(upload_id: str) -> Upload | None:
    model = _model()
    try:
        record = model.get(_pk(upload_id), "META", consistent_read=True)
    except model.DoesNotExist:
        return None
    return store.domain_object(Upload, record, size_bytes=int(record.size_bytes))


def forget(upload_id: str) -> None:
    """Delete the record of an upload no dossier used (a used one stays)."""
    model = _model()
    try:
        model(_pk(upload_id), "META").delete(condition=model.used_by.does_not_exist())
    except DeleteError as exc:
        if not store.condition_failed(exc):
            raise


def mark_used(upload_ids: Sequence[str], by: str) -> store.Staged:
    """Stage "these uploads now belong to `by`" (label "upload"; fails if one is taken)."""
    model = _model()

    def staged(tx: store.Transaction) -> None:
        for upload_id in upload_ids:
            tx.update(
                model(_pk(upload_id), "META"),
                actions=[model.used_by.set(by)],
                condition=model.used_by.does_not_exist(),
                label="upload",
            )

    return staged
