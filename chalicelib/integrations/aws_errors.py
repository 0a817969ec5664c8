"""Which AWS failures a caller should simply retry, turned into one domain error.

botocore already retries throttling a few times (standard mode); when it gives up, the request
must not end as a bare 500: the caller gets 503 SERVICE_UNAVAILABLE with a Vietnamese message and
`Retry-After`. Every write that can fail this way is a single DynamoDB call or transaction, so
nothing is half-written and the same request (with its Idempotency-Key) can simply be sent again.
PynamoDB wraps botocore errors (`exc.cause`), so the whole chain of causes is inspected.
"""

from __future__ import annotations

from botocore.exceptions import (
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    CredentialRetrievalError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
    ReadTimeoutError,
)

from chalicelib.domain.errors import ServiceUnavailable

RETRYABLE_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "Throttling",
        "RequestLimitExceeded",
        "RequestThrottled",
        "RequestThrottledException",
        "TooManyRequestsException",
        "SlowDown",
        "ServiceUnavailable",
        "ServiceUnavailableException",
        "InternalServerError",
        "InternalFailure",
        "TransactionInProgressException",
    }
)
# Reasons inside a TransactionCanceledException that mean "try again", not "your data is wrong".
RETRYABLE_REASONS = frozenset(
    {"ThrottlingError", "ProvisionedThroughputExceeded", "TransactionConflict"}
)
RETRYABLE_TRANSPORT = (
    EndpointConnectionError,
    ConnectTimeoutError,
    ReadTimeoutError,
    ConnectionClosedError,
)
MESSAGE = "Hệ thống đang bận. Vui lòng thử lại sau giây lát; dữ liệu của bạn chưa bị thay đổi."
RETRY_AFTER_SECONDS = 1
# Codes that say the caller's credentials are not accepted where the client points.
REFUSED_CREDENTIAL_CODES = frozenset(
    {
        "UnrecognizedClientException",
        "InvalidSignatureException",
        "InvalidClientTokenId",
        "ExpiredTokenException",
        "ExpiredToken",
        "AccessDeniedException",
    }
)


def _chain(exc: BaseException):
    seen: set[int] = set()
    pending: list[BaseException | None] = [exc]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen or len(seen) > 10:
            continue
        seen.add(id(current))
        yield current
        pending += [getattr(current, "cause", None), current.__cause__, current.__context__]


def _cancellation_reasons(exc: BaseException) -> list[str]:
    reasons = getattr(exc, "cancellation_reasons", None)
    if reasons:
        return [r.code for r in reasons if r is not None and r.code]
    if isinstance(exc, ClientError):
        return [r.get("Code", "") for r in exc.response.get("CancellationReasons", [])]
    return []


def aws_error_code(exc: BaseException) -> str | None:
    """The AWS error code behind `exc` (or one of its causes), if any."""
    for current in _chain(exc):
        if isinstance(current, ClientError):
            return current.response.get("Error", {}).get("Code")
    return None


def is_retryable(exc: BaseException) -> bool:
    for current in _chain(exc):
        if isinstance(current, RETRYABLE_TRANSPORT):
            return True
        if RETRYABLE_REASONS & set(_cancellation_reasons(current)):
            return True
        if isinstance(current, ClientError):
            if current.response.get("Error", {}).get("Code") in RETRYABLE_CODES:
                return True
    return False


def as_service_unavailable(exc: BaseException) -> ServiceUnavailable | None:
    """A 503 to answer with when `exc` is a transient AWS failure; None otherwise."""
    if not is_retryable(exc):
        return None
    error = ServiceUnavailable(MESSAGE)
    error.headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    return error


def unreachable(exc: BaseException) -> str | None:
    """What keeps an operator command from reaching AWS at all (no credentials, no region, an
    endpoint that does not answer, credentials refused, the stage's table missing), in Vietnamese;
    None when `exc` is not such a failure."""
    for current in _chain(exc):
        if isinstance(current, NoCredentialsError | PartialCredentialsError):
            return "không tìm thấy thông tin đăng nhập AWS (Unable to locate credentials)."
        if isinstance(current, CredentialRetrievalError):
            return f"không lấy được thông tin đăng nhập AWS ({current})."
        if isinstance(current, NoRegionError):
            return "chưa đặt vùng AWS (AWS_REGION)."
        if isinstance(current, EndpointConnectionError | ConnectTimeoutError):
            endpoint = getattr(current, "kwargs", {}).get("endpoint_url", "")
            return f"không kết nối được tới AWS {endpoint}".rstrip() + "."
        code = aws_error_code(current) if isinstance(current, ClientError) else None
        if code in REFUSED_CREDENTIAL_CODES:
            return f"AWS từ chối thông tin đăng nhập ({code})."
        if code == "ResourceNotFoundException":
            return "không thấy bảng DynamoDB của stage (stage chưa được tạo, hoặc sai địa chỉ AWS)."
    return None
