"""Documents the portal keeps for citizens (Decree 45/2020 arts. 10 and 19): results it issued
as signed PDFs, forms it issued the same way, and files accepted in a citizen's dossiers. A
citizen's *wallet* is the set of their documents; a new dossier may reuse one instead of a new
upload, and records the component as reused (Decision 766, digitisation).

Retention (docs/retention.md): a document is kept as long as the dossier it came from. A signed
result or form is never deleted through the portal and stays verifiable for as long as it is
kept; verification shows no personal data. A citizen may take a file they filed out of their
wallet; the dossier keeps its copy.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

RESULT, FORM, ATTACHMENT = "result", "form", "attachment"
SIGNED_KINDS = frozenset({RESULT, FORM})
VERIFY_PATH = "/xac-thuc/"

# Why a file or certificate could not be used, in the words officers read.
PDF_PROBLEMS = {
    "unparsable": "Tệp kết quả không phải tệp PDF đọc được; vui lòng tải lên lại tệp PDF.",
    "encrypted": "Tệp kết quả PDF đang được đặt mật khẩu (mã hóa); vui lòng tải lên bản không "
    "đặt mật khẩu.",
}
CERTIFICATE_PROBLEMS = {
    "expired": "Chứng thư số của cơ quan đã hết hạn; kết quả chưa được ký và chưa được phát hành.",
    "not_yet_valid": "Chứng thư số của cơ quan chưa có hiệu lực; kết quả chưa được ký.",
    "revoked": "Chứng thư số của cơ quan đã bị thu hồi; kết quả chưa được ký và chưa được phát "
    "hành.",
    "untrusted": "Chứng thư số của cơ quan không được tin cậy; kết quả chưa được ký.",
}


@dataclass
class Document:
    document_id: str
    kind: str
    name: str
    dossier_code: str
    agency_id: str
    owner: str | None
    bucket: str  # "results" or "uploads": which of the portal's buckets holds it
    key: str
    content_type: str
    size_bytes: int
    issued_at: datetime
    component_code: str | None = None
    sha256: str | None = None
    signed_by: str | None = None
    signed_at: datetime | None = None
    extra: dict = field(default_factory=dict)

    @property
    def is_signed(self) -> bool:
        return self.kind in SIGNED_KINDS and self.sha256 is not None

    def belongs_to(self, subject: str | None) -> bool:
        return subject is not None and self.owner == subject

    def wallet_item(self) -> dict:
        item = {
            "document_id": self.document_id,
            "kind": self.kind,
            "name": self.name,
            "dossier_code": self.dossier_code,
            "issued_at": self.issued_at.isoformat(),
            "content_type": self.content_type,
            "size_bytes": self.size_bytes,
        }
        if self.component_code:
            item["component_code"] = self.component_code
        if self.is_signed:
            item["verification_url"] = VERIFY_PATH + self.document_id
        return item


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
