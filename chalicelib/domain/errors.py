"""Domain errors; the HTTP layer maps each to the contract's error body.

DomainError
├── ValidationFailed      400 VALIDATION_FAILED (carries field details)
│   └── UploadRefused     400 UPLOAD_TYPE_MISMATCH | UPLOAD_INFECTED | UPLOAD_SCAN_FAILED
├── Unauthenticated       401 UNAUTHENTICATED
├── Forbidden             403 FORBIDDEN
│   └── TransferredReadOnly 403 TRANSFERRED_READ_ONLY (the agency transferred the dossier away)
├── NotFound              404 NOT_FOUND
├── Conflict              409 CONFLICT (stale version, idempotency key reused)
├── InvalidTransition     409 INVALID_TRANSITION
├── UploadScanPending     409 UPLOAD_SCAN_PENDING (retry: the malware scan has not answered yet)
├── PayloadTooLarge       413 PAYLOAD_TOO_LARGE
├── RateLimited           429 RATE_LIMITED
├── ServiceUnavailable    503 SERVICE_UNAVAILABLE (retryable: throttling, busy counters)
└── SecretsNotConfigured  503 SECRETS_NOT_CONFIGURED (outside the local stage, no real app secret)
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str
    code: str | None = None  # a stable code for programs, where the problem has one

    def to_dict(self) -> dict:
        found = {"field": self.field, "message": self.message}
        return found | {"code": self.code} if self.code else found


# The default message of each stable code (user-facing Vietnamese text, one place for all).
MESSAGES = {
    "INTERNAL": "Đã có lỗi xảy ra.",
    "VALIDATION_FAILED": "Dữ liệu gửi lên không hợp lệ.",
    "UNAUTHENTICATED": "Bạn cần đăng nhập để thực hiện thao tác này.",
    "FORBIDDEN": "Bạn không có quyền thực hiện thao tác này.",
    "TRANSFERRED_READ_ONLY": (
        "Hồ sơ đã được chuyển cho cơ quan khác giải quyết; cơ quan của bạn chỉ được xem, "
        "không được thực hiện thao tác."
    ),
    "NOT_FOUND": "Không tìm thấy dữ liệu yêu cầu.",
    "CONFLICT": "Dữ liệu đã thay đổi hoặc yêu cầu bị trùng. Vui lòng tải lại và thử lại.",
    "INVALID_TRANSITION": "Thao tác này không được phép ở trạng thái hiện tại của hồ sơ.",
    "UPLOAD_SCAN_PENDING": "Tệp đang được kiểm tra mã độc; vui lòng gửi lại sau ít giây.",
    "PAYLOAD_TOO_LARGE": "Dữ liệu gửi lên vượt quá dung lượng cho phép.",
    "RATE_LIMITED": "Bạn đã thử quá nhiều lần. Vui lòng thử lại sau ít phút.",
    "SERVICE_UNAVAILABLE": "Hệ thống đang bận. Vui lòng thử lại sau giây lát.",
    "SECRETS_NOT_CONFIGURED": (
        "Cổng dịch vụ công tạm ngừng phục vụ vì chưa hoàn tất cấu hình bảo mật. "
        "Vui lòng thử lại sau."
    ),
}


class DomainError(Exception):
    """A refusal the contract names. A subclass declares its stable code and HTTP status in its
    class statement (`class NotFound(DomainError, code="NOT_FOUND", status=404)`); its default
    message is the code's row in MESSAGES."""

    code = "INTERNAL"
    status = 500
    default_message = MESSAGES["INTERNAL"]

    def __init_subclass__(cls, code: str | None = None, status: int | None = None, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.code = code or cls.code
        cls.status = status or cls.status
        if "default_message" not in vars(cls):
            cls.default_message = MESSAGES.get(cls.code, cls.default_message)

    def __init__(self, message: str | None = None, details: list[FieldError] | None = None):
        super().__init__(message or self.default_message)
        self.message = message or self.default_message
        self.details = list(details or [])


class ValidationFailed(DomainError, code="VALIDATION_FAILED", status=400):
    """A body, query or form breaks its schema or a rule; `details` name the fields."""


class UploadRefused(ValidationFailed):
    """Every problem of the request is an uploaded file refused for one reason, named by `code`
    (each detail carries its own code too, see `refusal`)."""

    def __init__(self, code: str, message: str, details: list[FieldError]):
        super().__init__(message, details)
        self.code = code


class Unauthenticated(DomainError, code="UNAUTHENTICATED", status=401):
    """No valid session or token where the route needs one."""


class Forbidden(DomainError, code="FORBIDDEN", status=403):
    """Signed in, but the role or the agency does not allow this."""


class TransferredReadOnly(Forbidden, code="TRANSFERRED_READ_ONLY"):
    """The agency transferred the dossier away and may only read it now."""


class NotFound(DomainError, code="NOT_FOUND", status=404):
    """Nothing by that id, or nothing the caller may know exists."""


class Conflict(DomainError, code="CONFLICT", status=409):
    """A stale version, a duplicate, or an idempotency key reused with another body."""


class InvalidTransition(DomainError, code="INVALID_TRANSITION", status=409):
    """The action is not allowed in the dossier's (or feedback's) current state."""


class UploadScanPending(DomainError, code="UPLOAD_SCAN_PENDING", status=409):
    """An uploaded file is still being scanned for malware: nothing was kept, retry shortly."""

    headers = {"Retry-After": "10"}


class PayloadTooLarge(DomainError, code="PAYLOAD_TOO_LARGE", status=413):
    """A body or an upload over its size limit."""


class RateLimited(DomainError, code="RATE_LIMITED", status=429):
    """Too many tries from one caller (lookups, sign-in, submissions)."""


class ServiceUnavailable(DomainError, code="SERVICE_UNAVAILABLE", status=503):
    """Retryable: AWS throttling, busy counters."""


class SecretsNotConfigured(DomainError, code="SECRETS_NOT_CONFIGURED", status=503):
    """Outside the local stage the app secret is missing, unreadable or still a development
    value, so the portal serves nothing (chalicelib/integrations/secrets.py says why)."""


class DailyLimitReached(DomainError, code="DAILY_LIMIT_REACHED", status=503):
    """An agency gave the day's last dossier number: a planned answer until midnight."""


UPLOAD_TYPE_MISMATCH = "UPLOAD_TYPE_MISMATCH"  # its bytes are not the declared type
UPLOAD_INFECTED = "UPLOAD_INFECTED"  # the malware scan found a threat
UPLOAD_SCAN_FAILED = "UPLOAD_SCAN_FAILED"  # the file could not be scanned
UPLOAD_REFUSALS = (UPLOAD_TYPE_MISMATCH, UPLOAD_INFECTED, UPLOAD_SCAN_FAILED)


def refusal(message: str, problems: list[FieldError]) -> DomainError:
    """The error for a request refused for `problems`: files still being scanned and nothing
    else wrong ask for a retry; problems that are all one kind of refused file carry its code;
    anything else is VALIDATION_FAILED (each detail keeps its own code)."""
    codes = {p.code for p in problems}
    if codes == {UploadScanPending.code}:
        return UploadScanPending(details=problems)
    if len(codes) == 1 and (code := codes.pop()) in UPLOAD_REFUSALS:
        return UploadRefused(code, message, problems)
    return ValidationFailed(message, problems)
