"""Photos and documents attached to feedback, through the same presigned-upload flow as dossier
attachments (services/shared/uploads.py): a presigned S3 POST into quarantine, an upload
record, and at submission a check that the file is the caller's, not used elsewhere, and fit to
leave quarantine (`uploads.released`: size, type by its first bytes, malware scan); it is then
copied out of quarantine and marked used in the feedback's own transaction. Upload records of
feedback say so (`purpose` "feedback", no procedure)."""

from __future__ import annotations

from datetime import datetime

from chalicelib.domain.errors import FieldError, refusal
from chalicelib.domain.principal import Principal
from chalicelib.domain.upload import FEEDBACK
from chalicelib.persistence import upload_store
from chalicelib.services.shared import uploads
from chalicelib.services.shared.uploads import CheckedUpload

COMPONENT = "feedback"
FILE_TYPES = ("image/jpeg", "image/png", "application/pdf")
MAX_BYTES = 10 * 1024 * 1024


def create(
    body: dict, principal: Principal | None, now: datetime, client_address: str | None = None
) -> dict:
    return uploads.presign(
        None, COMPONENT, body, principal, now, purpose=FEEDBACK, client_address=client_address
    )


def check(items: list[dict], principal: Principal | None) -> list[CheckedUpload]:
    """Every problem at once, by `attachments[i]`; the checked uploads otherwise."""
    checked, problems = [], []
    for i, item in enumerate(items):
        where = f"attachments[{i}]"
        record = upload_store.get(item["upload_id"])
        if record is None:
            problems.append(FieldError(f"{where}.upload_id", "Không tìm thấy tệp đã tải lên"))
            continue
        problem = _mismatch(record, principal)
        if problem:
            problems.append(FieldError(where, problem))
            continue
        attachment = uploads.released(record, FILE_TYPES, MAX_BYTES, where, problems)
        if attachment:
            checked.append(CheckedUpload(record, attachment))
    if problems:
        raise refusal("Tệp đính kèm chưa hợp lệ.", problems)
    return checked


def _mismatch(record, principal: Principal | None) -> str | None:
    if record.purpose != FEEDBACK:
        return "Tệp này được tải lên cho hồ sơ thủ tục, không phải phản ánh"
    if record.owner and (principal is None or principal.subject != record.owner):
        return "Tệp này không phải do bạn tải lên"
    if record.used_by:
        return "Tệp này đã được sử dụng"
    return None
