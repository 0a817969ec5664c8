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


class DomainError(Exception):
    code = "INTERNAL"
    status = 500
    default_message = "Đã có lỗi xảy ra."

    def __init__(self, message: str | None = None, details: list[FieldError] | None = None):
        super().__init__(message or self.default_message)
        self.message = message or self.default_message
        self.details = list(details or [])


class ValidationFailed(DomainError):
    code, status = "VALIDATION_FAILED", 400
    default_message = "Dữ liệu gửi lên không hợp lệ."


class UploadRefused(ValidationFailed):
    """Every problem of the request is an uploaded file refused for one reason, named by `code`
    (each detail carries its own code too, see `refusal`)."""

    def __init__(self, code: str, message: str, details: list[FieldError]):
        super().__init__(message, details)
        self.code = code


class Unauthenticated(DomainError):
    code, status = "UNAUTHENTICATED", 401
    default_message = "Bạn cần đăng nhập để thực hiện thao tác này."


class Forbidden(DomainError):
    code, status = "FORBIDDEN", 403
    default_message = "Bạn không có quyền thực hiện thao tác này."


class TransferredReadOnly(Forbidden):
    code = "TRANSFERRED_READ_ONLY"
    default_message = (
        "Hồ sơ đã được chuyển cho cơ quan khác giải quyết; cơ quan của bạn chỉ được xem, "
        "không được thực hiện thao tác."
    )


class NotFound(DomainError):
    code, status = "NOT_FOUND", 404
    default_message = "Không tìm thấy dữ liệu yêu cầu."


class Conflict(DomainError):
    code, status = "CONFLICT", 409
    default_message = "Dữ liệu đã thay đổi hoặc yêu cầu bị trùng. Vui lòng tải lại và thử lại."


class InvalidTransition(DomainError):
    code, status = "INVALID_TRANSITION", 409
    default_message = "Thao tác này không được phép ở trạng thái hiện tại của hồ sơ."


class UploadScanPending(DomainError):
    """An uploaded file is still being scanned for malware: nothing was kept, retry shortly."""

    code, status = "UPLOAD_SCAN_PENDING", 409
    default_message = "Tệp đang được kiểm tra mã độc; vui lòng gửi lại sau ít giây."
    headers = {"Retry-After": "10"}


class PayloadTooLarge(DomainError):
    code, status = "PAYLOAD_TOO_LARGE", 413
    default_message = "Dữ liệu gửi lên vượt quá dung lượng cho phép."


class RateLimited(DomainError):
    code, status = "RATE_LIMITED", 429
    default_message = "Bạn đã thử quá nhiều lần. Vui lòng thử lại sau ít phút."


class ServiceUnavailable(DomainError):
    code, status = "SERVICE_UNAVAILABLE", 503
    default_message = "Hệ thống đang bận. Vui lòng thử lại sau giây lát."


class SecretsNotConfigured(DomainError):
    """Outside the local stage the app secret is missing, unreadable or still a development
    value, so the portal serves nothing (chalicelib/integrations/secrets.py says why)."""

    code, status = "SECRETS_NOT_CONFIGURED", 503
    default_message = (
        "Cổng dịch vụ công tạm ngừng phục vụ vì chưa hoàn tất cấu hình bảo mật. "
        "Vui lòng thử lại sau."
    )


class DailyLimitReached(DomainError):
    """An agency gave the day's last dossier number: a planned answer until midnight."""

    code, status = "DAILY_LIMIT_REACHED", 503


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
