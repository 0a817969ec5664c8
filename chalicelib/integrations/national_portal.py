"""Port to the national public-service portal's dossier sync service, and its httpx adapter.

    NationalPortalError
    ├── NationalPortalTemporaryError   transport failure, timeout, HTTP 408/429/5xx: retry later
    └── NationalPortalPermanentError   any other 4xx (the record or the credentials are wrong):
                                       retrying the same record cannot help

The adapter POSTs one sync record as JSON to `<url>/dossiers/<code>/statuses` with HTTP Basic
credentials (the client id and secret the Government Office issues). The HTTP client is
injected, so tests give it an `httpx.MockTransport` and the local stage points it at the
stand-in the app serves itself.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol
from urllib.parse import quote

if TYPE_CHECKING:  # imported where used: only the calls out need it (cold start)
    import httpx

TEMPORARY_STATUSES = frozenset({408, 425, 429})


class NationalPortalError(Exception):
    pass


class NationalPortalTemporaryError(NationalPortalError):
    pass


class NationalPortalPermanentError(NationalPortalError):
    pass


class NationalPortal(Protocol):
    def send(self, record: dict) -> None:
        """Deliver one sync record; raises a NationalPortalError subclass when it did not."""


@dataclass(frozen=True)
class NationalPortalConfig:
    url: str
    client_id: str
    client_secret: str


class HttpNationalPortal:
    def __init__(self, config: NationalPortalConfig, http: httpx.Client):
        self.config = config
        self.http = http

    def send(self, record: dict) -> None:
        import httpx

        url = f"{self.config.url.rstrip('/')}/dossiers/{quote(record['dossier_code'])}/statuses"
        try:
            answer = self.http.post(
                url,
                content=json.dumps(record, ensure_ascii=False).encode("utf-8"),
                headers={"Content-Type": "application/json; charset=utf-8"},
                auth=(self.config.client_id, self.config.client_secret),
            )
        except httpx.TimeoutException as exc:
            raise NationalPortalTemporaryError("timeout") from exc
        except httpx.HTTPError as exc:
            raise NationalPortalTemporaryError(f"transport: {type(exc).__name__}") from exc
        if answer.is_success:
            return
        reason = f"HTTP {answer.status_code}: {_reason(answer)}"
        if answer.status_code >= 500 or answer.status_code in TEMPORARY_STATUSES:
            raise NationalPortalTemporaryError(reason)
        raise NationalPortalPermanentError(reason)


def _reason(answer: httpx.Response) -> str:
    """The national side's explanation (its error body), short and without the record."""
    try:
        body = answer.json()
    except ValueError:
        return answer.text[:300]
    error = body.get("error", body) if isinstance(body, dict) else body
    if isinstance(error, dict):
        details = "; ".join(
            f"{d.get('field')}: {d.get('message')}"
            for d in error.get("details", [])
            if isinstance(d, dict)
        )
        message = str(error.get("message", ""))
        return f"{message} ({details})"[:300] if details else message[:300]
    return str(error)[:300]
