"""App-wide HTTP middleware: request id, access log, contract-shaped errors for the errors
Chalice produces itself (unsupported media type, method not allowed, unhandled exceptions), and
no answer at all outside the local stage without a real app secret (503 SECRETS_NOT_CONFIGURED;
why per request and not at start-up: chalicelib/integrations/secrets.py), and the security
headers of every HTML answer (the one place they are set), and `no-store` for every answer whose
view did not say it may be cached (entrypoints/caching.py), and no body for a HEAD (every GET
route also answers HEAD: http.route)."""

from __future__ import annotations

import json
import logging
import time
import uuid
from functools import lru_cache

from chalice import Chalice, Response
from chalice.app import handle_extra_types

from chalicelib.domain.errors import SecretsNotConfigured
from chalicelib.entrypoints import caching
from chalicelib.entrypoints.http import JSON_HEADERS, dumps, error_body, error_response
from chalicelib.integrations import secrets, storage
from chalicelib.logs import request_id

log = logging.getLogger("dvc.access")

_CHALICE_ERRORS = {
    "BadRequestError": ("VALIDATION_FAILED", "Yêu cầu không hợp lệ."),
    "UnsupportedMediaType": ("UNSUPPORTED_MEDIA_TYPE", "Kiểu nội dung không được hỗ trợ."),
    "MethodNotAllowedError": (
        "METHOD_NOT_ALLOWED",
        "Phương thức không được hỗ trợ cho đường dẫn này.",
    ),
    "NotFoundError": ("NOT_FOUND", "Không tìm thấy."),
    "UnauthorizedError": ("UNAUTHENTICATED", "Bạn cần đăng nhập để thực hiện thao tác này."),
    "ForbiddenError": ("FORBIDDEN", "Bạn không có quyền thực hiện thao tác này."),
    "TooManyRequestsError": ("RATE_LIMITED", "Quá nhiều yêu cầu. Vui lòng thử lại sau."),
    "RequestTimeoutError": ("SERVICE_UNAVAILABLE", "Hệ thống đang bận. Vui lòng thử lại sau."),
}
_INTERNAL = ("INTERNAL", "Đã có lỗi hệ thống. Vui lòng thử lại sau; dữ liệu của bạn không bị mất.")


def normalize(response: Response, accepted: list[str] | None = None) -> Response:
    """`accepted`: the content types the route takes, named in a 415's message."""
    body = response.body
    if response.status_code < 400 or not isinstance(body, dict) or "Code" not in body:
        return response
    code, message = _CHALICE_ERRORS.get(body["Code"], _INTERNAL)
    if code == "UNSUPPORTED_MEDIA_TYPE" and accepted:
        message = f"{message[:-1]}; hãy gửi {' hoặc '.join(accepted)}."
    headers = {k: v for k, v in (response.headers or {}).items() if k.lower() != "content-type"}
    return Response(
        body=dumps(error_body(code, message)),
        status_code=response.status_code,
        headers={**headers, **JSON_HEADERS},
    )


def _refused() -> Response | None:
    try:
        secrets.app_secrets()
    except SecretsNotConfigured as error:
        return error_response(error, {"Retry-After": str(secrets.REFUSAL_CACHE_SECONDS)})
    return None


@lru_cache(maxsize=1)
def content_security_policy() -> str:
    """Only the portal's own files run or style a page (no inline script, style or handler;
    pages keep their data in `<script type="application/json">` blocks, which never run);
    images may also be inline (QR codes, the favicon); scripts may also upload to S3 with a
    presigned POST."""
    return "; ".join(
        (
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            f"connect-src 'self' {storage.browser_origin()}",
            "object-src 'none'",
            "base-uri 'self'",
            "frame-ancestors 'none'",
        )
    )


def secure(response: Response) -> Response:
    """No answer is sniffed into another type. An HTML answer (page, form, receipt, payment
    return) runs only the portal's own scripts, is never framed, sends only its origin to other
    sites (a receipt link is a capability). Caching is decided for every answer, HTML or not, by
    `caching.enforce`."""
    headers = response.headers
    headers["X-Content-Type-Options"] = "nosniff"
    caching.enforce(response)
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    if not str(content_type).startswith("text/html"):
        return response
    headers["Content-Security-Policy"] = content_security_policy()
    headers["X-Frame-Options"] = "DENY"
    headers["Referrer-Policy"] = "same-origin"
    return response


def without_body(response: Response) -> None:
    """A HEAD answer: the GET's status and headers (its Content-Length too, as HTTP asks of a
    HEAD that sends one), no body; every GET route also answers HEAD (http.route)."""
    body = response.body
    if not isinstance(body, str | bytes):
        body = json.dumps(body, separators=(",", ":"), default=handle_extra_types)
    length = len(body if isinstance(body, bytes) else body.encode("utf-8"))
    response.headers["Content-Length"] = str(length)
    response.body = b"" if isinstance(body, bytes) else ""  # a binary type keeps bytes


def _accepted(app: Chalice, event) -> list[str] | None:
    entry = app.routes.get((event.context or {}).get("resourcePath"), {}).get(event.method)
    return entry.content_types if entry is not None else None


def register(app: Chalice) -> None:
    @app.middleware("http")
    def access(event, get_response):
        rid = (event.context or {}).get("requestId") or uuid.uuid4().hex
        token = request_id.set(rid)
        started = time.perf_counter()
        try:
            response = secure(_refused() or normalize(get_response(event), _accepted(app, event)))
            response.headers["X-Request-Id"] = rid
            if event.method == "HEAD":
                without_body(response)
            log.info(
                "request",
                extra={
                    "method": event.method,
                    "route": (event.context or {}).get("resourcePath"),
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            return response
        finally:
            request_id.reset(token)
