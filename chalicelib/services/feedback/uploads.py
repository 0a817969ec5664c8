"""Photos and documents attached to feedback, through the same presigned-upload flow as dossier
attachments (services/shared/uploads.py): a presigned S3 POST into quarantine, an upload
record, and at submission a check that the file is there, of its declared type and size, the
caller's, and not used elsewhere; it is then copied out of quarantine and marked used in the
feedback's own transaction. Upload records of feedback carry the pseudo procedure code `PAKN`."""

from __future__ import annotations

from datetime import datetime

from chalicelib.config import get_settings
from chalicelib.domain.errors import FieldError, ValidationFailed
from chalicelib.domain.principal import Principal
from chalicelib.integrations import storage
from chalicelib.persistence import upload_store
from chalicelib.services.shared import uploads
from chalicelib.services.shared.uploads import CheckedUpload, safe_filename

PURPOSE = "PAKN"
COMPONENT = "feedback"
FILE_TYPES = ("image/jpeg", "image/png", "application/pdf")
MAX_BYTES = 10 * 1024 * 1024


def create(body: dict, principal: Principal | None, now: datetime) -> dict:
    return uploads.presign(PURPOSE, COMPONENT, body, principal, now)


def check(items: list[dict], principal: Principal | None) -> list[CheckedUpload]:
    """Every problem at once, by `attachments[i]`; the checked uploads otherwise."""
    checked, problems = [], []
    for i, item in enumerate(items):
        where = f"attachments[{i}]"
        record = upload_store.get(item["upload_id"])
        if record is None:
            problems.append(FieldError(f"{where}.upload_id", "Không tìm thấy tệp đã tải lên"))
            continue
        problem, stored = _problem(record, principal)
        if problem:
            problems.append(FieldError(where, problem))
            continue
        checked.append(
            CheckedUpload(
                record,
                {
                    "upload_id": record.upload_id,
                    "filename": record.filename,
                    "content_type": stored.content_type,
                    "size_bytes": stored.size,
                    "key": f"attachments/{record.upload_id}/{safe_filename(record.filename)}",
                },
            )
        )
    if problems:
        raise ValidationFailed("Tệp đính kèm chưa hợp lệ.", problems)
    return checked


def _problem(record, principal: Principal | None):
    if record.procedure_code != PURPOSE:
        return "Tệp này được tải lên cho hồ sơ thủ tục, không phải phản ánh", None
    if record.owner and (principal is None or principal.subject != record.owner):
        return "Tệp này không phải do bạn tải lên", None
    if record.used_by:
        return "Tệp này đã được sử dụng", None
    stored = storage.head(get_settings().bucket_uploads, record.key)
    if stored is None:
        return "Tệp chưa được tải lên xong", None
    if stored.size > min(MAX_BYTES, record.size_bytes):
        return "Tệp lớn hơn dung lượng cho phép", stored
    if stored.content_type.split(";")[0] not in FILE_TYPES:
        return "Kiểu tệp không được chấp nhận", stored
    return None, stored
