"""One way to call a partner's JSON API (eSMS, VNPay querydr, Zalo OA): what a failure means
for a retry is decided here, the same for every adapter."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported where used: only the calls out need it (cold start)
    import httpx


def post_json(
    http: httpx.Client,
    url: str,
    partner: str,
    errors: tuple[type[Exception], type[Exception]],
    retry_statuses: tuple[int, ...] = (),
    **request: Any,
) -> Any:
    """POST to `partner` and return its decoded JSON answer. `errors` is (temporary, permanent):
    the partner unreachable, an HTTP 5xx (or one of `retry_statuses`) and a non-JSON answer are
    temporary, worth a retry; any other HTTP error is permanent."""
    import httpx

    temporary, permanent = errors
    try:
        response = http.post(url, **request)
    except httpx.RequestError as exc:
        raise temporary(f"{partner} unreachable: {type(exc).__name__}") from exc
    if response.is_error:
        retryable = response.is_server_error or response.status_code in retry_statuses
        raise (temporary if retryable else permanent)(f"{partner} HTTP {response.status_code}")
    try:
        return response.json()
    except ValueError as exc:
        raise temporary(f"{partner} answered with a non-JSON body") from exc
