"""Email port (docs/integrations.md §5.5): the ABC, the Amazon SES v2 adapter, a fake and the
errors.

Exception hierarchy::

    EmailError                  base; ``code`` is the provider's error code, if any
    ├── EmailTemporaryError     throttled, daily quota reached, SES unreachable: retry later
    └── EmailPermanentError     rejected message, unverified sender, paused or suspended
                                account, bad request: an operator must act
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

logger = logging.getLogger(__name__)

# sesv2 SendEmail's modelled errors that clear with time; the others need a human.
_TEMPORARY_CODES = frozenset({"TooManyRequestsException", "LimitExceededException"})


class EmailError(Exception):
    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.code = code


class EmailTemporaryError(EmailError):
    """Retry later."""


class EmailPermanentError(EmailError):
    """This message will not be accepted as it is."""


class EmailSender(ABC):
    """Template-method port: ``send`` validates and logs, ``_send`` talks to the provider."""

    name: str = "email"

    def send(self, to: str, subject: str, text: str, *, html: str | None = None) -> str:
        """Send one email and return the provider's message id (no address is logged)."""
        if "@" not in to or not subject.strip():
            raise ValueError("a recipient address and a subject are required")
        message_id = self._send(to, subject, text, html)
        logger.info("email accepted", extra={"provider": self.name, "message_id": message_id})
        return message_id

    @abstractmethod
    def _send(self, to: str, subject: str, text: str, html: str | None) -> str: ...


class SesEmailSender(EmailSender):
    """Amazon SES v2 ``send_email``; the caller builds ``boto3.client("sesv2")``."""

    name = "ses"

    def __init__(self, ses_client: Any, sender: str, *, configuration_set: str | None = None):
        self._ses = ses_client
        self._sender = sender
        self._configuration_set = configuration_set

    def _send(self, to: str, subject: str, text: str, html: str | None) -> str:
        body = {"Text": _utf8(text)} | ({"Html": _utf8(html)} if html else {})
        request: dict[str, Any] = {
            "FromEmailAddress": self._sender,
            "Destination": {"ToAddresses": [to]},
            "Content": {"Simple": {"Subject": _utf8(subject), "Body": body}},
        }
        if self._configuration_set:
            # §5.5: bounces and complaints reach the suppression table through this set.
            request["ConfigurationSetName"] = self._configuration_set
        try:
            return str(self._ses.send_email(**request)["MessageId"])
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            error = EmailTemporaryError if code in _TEMPORARY_CODES else EmailPermanentError
            raise error(f"SES refused the email ({code})", code) from exc
        except BotoCoreError as exc:
            raise EmailTemporaryError(f"SES unreachable: {type(exc).__name__}") from exc


def _utf8(data: str) -> dict[str, str]:
    return {"Data": data, "Charset": "UTF-8"}


@dataclass
class FakeEmailSender(EmailSender):
    """Records emails instead of sending them; set ``error`` to make the next sends fail."""

    name = "fake"
    sent: list[tuple[str, str, str, str | None]] = field(default_factory=list)
    error: EmailError | None = None

    def _send(self, to: str, subject: str, text: str, html: str | None) -> str:
        if self.error is not None:
            raise self.error
        self.sent.append((to, subject, text, html))
        return f"fake-email-{len(self.sent)}"
