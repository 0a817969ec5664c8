"""Attachment uploads: a presigned S3 POST per file into quarantine, checked at submission.

A file leaves quarantine only when it is there within its size, its first bytes show the type
it was declared as (one ranged GET), and the malware scanner found it clean
(integrations/malware_scan.py); it is then kept and downloaded under a name whose extension
comes from that type, never from the typed name (domain/file_types.py).

Its copy out of quarantine is made before the transaction that uses it, under a key of that
attempt's own (domain/file_copies.py); an attempt that fails removes the copies it made
(`copies_of_this_attempt`), so a refused submission leaves no file that no dossier references,
and one that commits writes its mark in the same transaction (`Attempt.committed`): the sweep
(services/shared/copy_sweep.py) deletes later the copies of an attempt that never did."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from chalicelib.config import get_settings
from chalicelib.domain import errors, file_copies, file_types
from chalicelib.domain.catalog import Procedure
from chalicelib.domain.errors import FieldError, PayloadTooLarge, ValidationFailed
from chalicelib.domain.principal import Principal
from chalicelib.domain.upload import DOSSIER, Upload
from chalicelib.integrations import malware_scan, storage
from chalicelib.integrations.malware_scan import Verdict
from chalicelib.persistence import copy_store, store, upload_store
from chalicelib.services.catalog import reads as catalog_service
from chalicelib.services.shared import throttle

URL_LIFETIME = timedelta(minutes=15)
RECORD_LIFETIME_SECONDS = 2 * 24 * 3600
QUARANTINE = "quarantine/"
_UNSAFE = re.compile(r"[^\w.\- ]+", re.UNICODE)
log = logging.getLogger(__name__)


def safe_filename(name: str) -> str:
    cleaned = _UNSAFE.sub("_", name.replace("\\", "/").rsplit("/", 1)[-1]).strip(" .")
    return cleaned[:120] or "tep"


def online_procedure(code: str, field: str = "procedure_code") -> Procedure:
    procedure = catalog_service.get_procedure(code)
    if not procedure.is_online:
        raise ValidationFailed(
            "Thủ tục này chưa cung cấp dịch vụ công trực tuyến.",
            [FieldError(field, "Thủ tục không nộp trực tuyến được")],
        )
    return procedure


def create(
    body: dict,
    principal: Principal | None,
    now: datetime,
    online_only: bool = True,
    client_address: str | None = None,
) -> dict:
    """A presigned upload of one component; the desk scans for any procedure, citizens upload
    only for procedures offered online (without signing in, within their address's budget)."""
    procedure = (
        online_procedure(body["procedure_code"])
        if online_only
        else catalog_service.get_procedure(body["procedure_code"])
    )
    component = procedure.component(body["component_code"])
    if component is None:
        raise ValidationFailed(
            "Thành phần hồ sơ không đúng.",
            [FieldError("component_code", f"Thủ tục {procedure.code} không có thành phần này")],
        )
    if body["content_type"] not in component.file_types:
        raise ValidationFailed(
            "Kiểu tệp không được chấp nhận.",
            [FieldError("content_type", "Chỉ nhận: " + ", ".join(component.file_types))],
        )
    if body["size_bytes"] > component.max_size_bytes:
        raise PayloadTooLarge(
            "Tệp quá lớn.",
            [FieldError("size_bytes", f"Tối đa {component.max_size_bytes // (1024 * 1024)} MB")],
        )
    return presign(
        procedure.code, component.code, body, principal, now, client_address=client_address
    )


def presign(
    procedure_code: str | None,
    component_code: str,
    body: dict,
    principal: Principal | None,
    now: datetime,
    purpose: str = DOSSIER,
    client_address: str | None = None,
) -> dict:
    """Record an upload (for a dossier's component of `procedure_code`, or with
    purpose=FEEDBACK for a feedback) and presign its S3 POST. An anonymous one first takes one
    from its client address's budget (docs/security.md), given back if nothing is presigned."""
    attempt = throttle.take_upload(client_address) if principal is None else None
    try:
        return _presign(procedure_code, component_code, body, principal, now, purpose)
    except Exception:
        if attempt is not None:
            attempt.give_back_on_failure()
        raise


def _presign(
    procedure_code: str | None,
    component_code: str,
    body: dict,
    principal: Principal | None,
    now: datetime,
    purpose: str,
) -> dict:
    upload_id = uuid.uuid4().hex
    key = f"{QUARANTINE}{upload_id}/{safe_filename(body['filename'])}"
    expires_at = record(
        upload_id, key, procedure_code, component_code, body, principal, now, purpose
    )
    post = storage.presigned_post(
        get_settings().bucket_uploads,
        key,
        body["content_type"],
        body["size_bytes"],
        int(URL_LIFETIME.total_seconds()),
    )
    return {
        "upload_id": upload_id,
        "url": post["url"],
        "fields": post["fields"],
        "expires_at": expires_at.isoformat(),
        "max_size_bytes": body["size_bytes"],
    }


def record(
    upload_id: str,
    key: str,
    procedure_code: str | None,
    component_code: str,
    body: dict,
    principal: Principal | None,
    now: datetime,
    purpose: str = DOSSIER,
) -> datetime:
    """Keep an upload `{filename, content_type, size_bytes}` headed for `key` in quarantine;
    returns until when its file may arrive."""
    expires_at = now + URL_LIFETIME
    upload = Upload(
        upload_id=upload_id,
        procedure_code=procedure_code,
        component_code=component_code,
        filename=body["filename"],
        content_type=body["content_type"],
        size_bytes=body["size_bytes"],
        key=key,
        owner=principal.subject if principal else None,
        used_by=None,
        purpose=purpose,
    )
    upload_store.add(upload, now, expires_at, int(time.time()) + RECORD_LIFETIME_SECONDS)
    return expires_at


def forget(upload_id: str) -> None:
    """Delete an unused upload: its file in quarantine and its record."""
    found = upload_store.get(upload_id)
    if found is None:
        return
    storage.delete(get_settings().bucket_uploads, found.key)
    upload_store.forget(upload_id)


@dataclass(frozen=True)
class CheckedUpload:
    record: Upload
    attachment: dict


def check(
    attachments: list[dict],
    procedure: Procedure,
    principal: Principal | None,
    problems: list[FieldError],
) -> list[CheckedUpload]:
    """Each attachment must be an upload of this caller, for this procedure and component, not
    used by another dossier, and a file fit to leave quarantine (`released`)."""
    checked = []
    for i, item in enumerate(attachments):
        if "upload_id" not in item:
            continue  # a document reused from the citizen's wallet (services/documents/wallet.py)
        where = f"attachments[{i}]"
        record = upload_store.get(item["upload_id"])
        if record is None:
            problems.append(FieldError(f"{where}.upload_id", "Không tìm thấy tệp đã tải lên"))
            continue
        problem = _mismatch(record, item, procedure, principal)
        if problem:
            problems.append(FieldError(where, problem))
            continue
        component = procedure.component(record.component_code)
        attachment = released(
            record, component.file_types, component.max_size_bytes, where, problems
        )
        if attachment:
            attachment = {"component_code": record.component_code, **attachment, "reused": False}
            checked.append(CheckedUpload(record, attachment))
    return checked


def _mismatch(
    record: Upload, item: dict, procedure: Procedure, principal: Principal | None
) -> str | None:
    if (
        record.purpose != DOSSIER
        or record.procedure_code != procedure.code
        or record.component_code != item["component_code"]
    ):
        return "Tệp này được tải lên cho thủ tục hoặc thành phần khác"
    if record.owner and (principal is None or principal.subject != record.owner):
        return "Tệp này không phải do bạn tải lên"
    if record.used_by:
        return "Tệp này đã được dùng cho một hồ sơ khác"
    return None


_SCAN_PROBLEMS = {
    Verdict.PENDING: (
        "Tệp đang được kiểm tra mã độc; vui lòng gửi lại sau ít giây",
        errors.UploadScanPending.code,
    ),
    Verdict.INFECTED: ("Tệp chứa mã độc nên không được nhận", errors.UPLOAD_INFECTED),
    Verdict.FAILED: (
        "Không kiểm tra được mã độc trong tệp; vui lòng tải lên tệp khác",
        errors.UPLOAD_SCAN_FAILED,
    ),
}


def released(
    record: Upload,
    allowed: tuple[str, ...] | list[str],
    max_bytes: int,
    where: str,
    problems: list[FieldError],
) -> dict | None:
    """The attachment `{upload_id, filename, content_type, size_bytes}` the uploaded file
    becomes out of quarantine, or None with its problem added to `problems`: not there yet, too
    large, of a type not `allowed`, bytes not of its declared type, or not found clean by the
    scan. Its `key` is added when it is copied (`move_out_of_quarantine`): the attempt's own (two
    attempts with one upload never share a copy), so a failed attempt removes its copy without
    touching another's (`copies_of_this_attempt`)."""
    bucket = get_settings().bucket_uploads
    stored = storage.opening(bucket, record.key, file_types.HEAD_BYTES)
    if stored is None:
        problems.append(FieldError(where, "Tệp chưa được tải lên xong"))
        return None
    declared = stored.content_type.split(";")[0].strip().lower()
    if stored.size > min(max_bytes, record.size_bytes):
        problems.append(FieldError(where, "Tệp lớn hơn dung lượng cho phép"))
        return None
    if declared not in allowed:
        problems.append(FieldError(where, "Kiểu tệp không được chấp nhận"))
        return None
    if not file_types.confirms(stored.head, declared):
        message = f"Nội dung tệp không phải {file_types.label(declared)} như đã khai"
        problems.append(FieldError(where, message, errors.UPLOAD_TYPE_MISMATCH))
        return None
    verdict = malware_scan.scanner().verdict(bucket, record.key)
    if verdict is not Verdict.CLEAN:
        problems.append(FieldError(where, *_SCAN_PROBLEMS[verdict]))
        return None
    filename = stored_filename(record.filename, declared)
    return {
        "upload_id": record.upload_id,
        "filename": filename,
        "content_type": declared,
        "size_bytes": stored.size,
    }


def stored_filename(typed: str, content_type: str) -> str:
    """`Giay_khai_sinh.pdf.exe` holding a PDF is kept and downloaded as `Giay_khai_sinh.pdf`."""
    stem = safe_filename(file_types.stem(typed)[:110])
    return f"{stem}.{file_types.EXTENSIONS[content_type]}"


class Attempt:
    """The copies one attempt (a submission, a desk intake, a supplement, a feedback) makes
    before its transaction, each under a key of its own (domain/file_copies.py): `keys`."""

    def __init__(self, now: datetime):
        self.id = uuid.uuid4().hex
        self.day = file_copies.day_of(now)
        self.keys: list[str] = []

    def copy(
        self,
        source_key: str,
        copy_id: str,
        filename: str,
        source_bucket: str | None = None,
        content_type: str | None = None,
    ) -> str:
        """Copy a file into the uploads bucket as `filename` (`copy_id`: 32 hex digits, the
        upload's id or a new one); its key."""
        key = file_copies.key(self.day, self.id, copy_id, filename)
        bucket = get_settings().bucket_uploads
        storage.copy(bucket, source_key, key, source_bucket, content_type)
        self.keys.append(key)
        return key

    def committed(self) -> list[store.Staged]:
        """What the transaction that uses the copies adds: the attempt's mark, which keeps them
        from the sweep (nothing when the attempt copied nothing)."""
        if not self.keys:
            return []
        expires_at = int(time.time() + file_copies.MARK_LIFETIME.total_seconds())
        return [copy_store.stage_mark(self.id, expires_at)]


def move_out_of_quarantine(checked: list[CheckedUpload], attempt: Attempt) -> None:
    """Copy each checked upload to a key of the attempt, served as its checked type, and set
    its attachment's `key`. The quarantined file stays, for a later attempt, until its rule
    expires it."""
    for item in checked:
        target = item.attachment
        target["key"] = attempt.copy(
            item.record.key,
            item.record.upload_id,
            target["filename"],
            content_type=target["content_type"],
        )


@contextmanager
def copies_of_this_attempt(now: datetime) -> Iterator[Attempt]:
    """The attempt whose copies are removed when it fails: each is the attempt's own (`Attempt`,
    wallet.copy_reused), so no committed dossier, feedback or wallet uses it. Kept when the
    transaction may have been written after all (an unanswered commit): the sweep deletes them
    later if it was not (no mark). Removal is best effort: its failure is logged, the attempt's
    own error goes on."""
    attempt = Attempt(now)
    try:
        yield attempt
    except Exception as exc:
        if store.surely_unwritten(exc):
            _remove(attempt.keys)
        elif attempt.keys:
            n = len(attempt.keys)
            log.warning("kept %d file copies: the outcome of their commit is unknown", n)
        raise


def _remove(keys: list[str]) -> None:
    bucket = get_settings().bucket_uploads
    failed = 0
    for key in keys:
        try:
            storage.delete(bucket, key)
        except Exception:  # best effort: the attempt's own error is the answer
            failed += 1
    if failed:
        log.warning("could not remove %d of %d file copies of a failed attempt", failed, len(keys))


def mark_used(checked: list[CheckedUpload], code: str) -> list[store.Staged]:
    """What marks the uploads used inside the transaction that creates `code`."""
    return [upload_store.mark_used([c.record.upload_id for c in checked], code)] if checked else []
