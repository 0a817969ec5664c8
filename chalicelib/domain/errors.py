"""Domain errors; the HTTP layer maps each to the contract's error body.

DomainError
├── ValidationFailed      400 VALIDATION_FAILED (carries field details)
├── Unauthenticated       401 UNAUTHENTICATED
├── Forbidden             403 FORBIDDEN
│   └── TransferredReadOnly 403 TRANSFERRED_READ_ONLY (the agency transferred the dossier away)
├── NotFound              404 NOT_FOUND
├── Conflict              409 CONFLICT (stale version, idempotency key reused)
├── InvalidTransition     409 INVALID_TRANSITION
├── PayloadTooLarge       413 PAYLOAD_TOO_LARGE
├── RateLimited           429 RATE_LIMITED
└── ServiceUnavailable    503 SERVICE_UNAVAILABLE (retryable: throttling, busy counters)
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str

    def to_dict(self) -> dict:
        return {"field": self.field, "message": self.message}


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


class PayloadTooLarge(DomainError):
    code, status = "PAYLOAD_TOO_LARGE", 413
    default_message = "Dữ liệu gửi lên vượt quá dung lượng cho phép."


class RateLimited(DomainError):
    code, status = "RATE_LIMITED", 429
    default_message = "Bạn đã thử quá nhiều lần. Vui lòng thử lại sau ít phút."


class ServiceUnavailable(DomainError):
    code, status = "SERVICE_UNAVAILABLE", 503
    default_message = "Hệ thống đang bận. Vui lòng thử lại sau giây lát."


class DailyLimitReached(DomainError):
    """An agency gave the day's last dossier number: a planned answer until midnight."""

    code, status = "DAILY_LIMIT_REACHED", 503
