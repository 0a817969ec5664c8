"""SMS brandname port (docs/integrations.md §5): the ABC, the eSMS.vn adapter, a fake and the
errors.

Exception hierarchy::

    SmsError                    base; ``code`` is the provider's result code, if any
    ├── SmsTemporaryError       transport failure, HTTP 5xx, eSMS "99": retry later
    ├── SmsPermanentError       bad phone, auth failed (101), unknown brandname (104),
    │                           unregistered CSKH template (146), ...: fall back to email
    └── SmsDuplicateError       eSMS "124": this request id was accepted before, so the
                                message is NOT sent again; treat it as already sent
"""

from __future__ import annotations

import logging
import re
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from chalicelib.integrations.json_http import post_json

if TYPE_CHECKING:  # imported where used: only the calls out need it (cold start)
    import httpx

logger = logging.getLogger(__name__)

ESMS_SEND_URL = "https://rest.esms.vn/MainService.svc/json/SendMultipleMessage_V4_post_json/"
# Since the 2018 renumbering every Vietnamese mobile number is 0 + [35789] + 8 digits.
_VN_MOBILE = re.compile(r"84[35789]\d{8}")
_PHONE_NOISE = re.compile(r"[\s.\-()]")


def normalise_vn_mobile(phone: str) -> str:
    """``0912 345 678`` / ``+84912345678`` -> ``84912345678`` (ZNS and eSMS form, §1.7, §5.1).

    Raises ``ValueError`` (without echoing the number) when it is not a Vietnamese mobile.
    """
    digits = _PHONE_NOISE.sub("", phone).removeprefix("+")
    if digits.startswith("0"):
        digits = "84" + digits[1:]
    if not _VN_MOBILE.fullmatch(digits):
        raise ValueError("not a Vietnamese mobile number")
    return digits


class SmsError(Exception):
    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.code = code


class SmsTemporaryError(SmsError):
    """Retry later: the gateway was unreachable or busy."""


class SmsPermanentError(SmsError):
    """This message cannot go out by SMS: use the next channel."""


class SmsDuplicateError(SmsError):
    """The gateway already accepted a message with this ``ref``."""


class SmsGateway(ABC):
    """Template-method port: ``send`` normalises and logs, ``_send`` talks to the provider."""

    name: str = "sms"

    def send(self, phone: str, text: str, ref: str) -> str:
        """Send one SMS and return the provider's message id.

        ``ref`` is the idempotency key (eSMS ``RequestId``, §5.1): reuse it on retries.
        An invalid phone number raises ``SmsPermanentError``.
        """
        if not text.strip():
            raise ValueError("empty SMS text")
        try:
            msisdn = normalise_vn_mobile(phone)
        except ValueError as exc:
            raise SmsPermanentError("invalid phone number") from exc
        message_id = self._send(msisdn, text, ref)
        logger.info("sms accepted", extra={"provider": self.name, "ref": ref})
        return message_id

    @abstractmethod
    def _send(self, msisdn: str, text: str, ref: str) -> str: ...


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


@dataclass(frozen=True)
class DeliveryReport:
    provider_message_id: str
    ref: str
    status: DeliveryStatus
    provider_status: str


# §5.2 SendStatus: 1 pending approval, 2 waiting, 4 rejected, 5 sent OK, 7 awaiting telco report.
_ESMS_STATUSES = {"4": DeliveryStatus.FAILED, "5": DeliveryStatus.DELIVERED}


class EsmsGateway(SmsGateway):
    """eSMS.vn brandname SMS, customer-care/OTP type (§5.2)."""

    name = "esms"

    def __init__(
        self,
        http: httpx.Client,
        api_key: str,
        secret_key: str,
        brandname: str,
        *,
        callback_url: str | None = None,
        sandbox: bool = False,
    ) -> None:
        self._http = http
        self._credentials = {"ApiKey": api_key, "SecretKey": secret_key}
        self._brandname = brandname
        self._callback_url = callback_url
        self._sandbox = sandbox

    def _send(self, msisdn: str, text: str, ref: str) -> str:
        payload = self._credentials | {
            "Phone": msisdn,
            "Content": text,
            "Brandname": self._brandname,
            "SmsType": "2",  # §5.2: 2 = customer care / OTP through the brandname
            # §5.1: Unicode SMS costs more (70 chars per segment), so only when the text needs it.
            "IsUnicode": "0" if text.isascii() else "1",
            "Sandbox": "1" if self._sandbox else "0",
            "RequestId": ref,
        }
        if self._callback_url:
            payload["CallbackUrl"] = self._callback_url
        body = self._post(payload)
        code = str(body.get("CodeResult", ""))
        if code == "100":
            return str(body.get("SMSID", ""))
        logger.warning("esms refused the message", extra={"code": code, "ref": ref})
        raise _esms_error(code)

    @staticmethod
    def parse_callback(query: Mapping[str, str]) -> DeliveryReport:
        """Read eSMS's delivery callback (HTTP GET, §5.2).

        The callback is unsigned: expose it only under an unguessable path or query token and
        match the report to a message on ``ref`` (``RequestId``) or the SMS id.

        Parameters
        ----------
        query : Mapping[str, str]
            The callback's query parameters.

        Returns
        -------
        DeliveryReport
            ``DELIVERED`` for status 5 with no failed send, ``FAILED`` for status 4 or a
            status-5 report counting only failures, ``PENDING`` otherwise.

        Raises
        ------
        ValueError
            Neither ``SMSID`` nor ``RequestId`` is present.
        """
        sms_id, ref = query.get("SMSID", ""), query.get("RequestId", "")
        if not sms_id and not ref:
            raise ValueError("callback carries neither SMSID nor RequestId")
        raw = query.get("SendStatus", "")
        status = _ESMS_STATUSES.get(raw, DeliveryStatus.PENDING)
        only_failures = _count(query, "SendFailed") > 0 and _count(query, "SendSuccess") == 0
        if status is DeliveryStatus.DELIVERED and only_failures:
            status = DeliveryStatus.FAILED
        return DeliveryReport(sms_id, ref, status, raw)

    def _post(self, payload: dict[str, str]) -> dict[str, Any]:
        errors = (SmsTemporaryError, SmsPermanentError)
        body = post_json(self._http, ESMS_SEND_URL, "esms", errors, json=payload)
        return body if isinstance(body, dict) else {}


def _esms_error(code: str) -> SmsError:
    # §5.2: 99 = connection/other (transient); 124 = duplicate RequestId; the rest are
    # configuration or content errors that a retry cannot fix.
    if code == "99":
        return SmsTemporaryError("esms temporary failure", code)
    if code == "124":
        return SmsDuplicateError("esms already has this RequestId", code)
    return SmsPermanentError(f"esms refused the message ({code})", code)


def _count(query: Mapping[str, str], key: str) -> int:
    value = str(query.get(key, "0"))
    return int(value) if value.isdigit() else 0


@dataclass
class FakeSmsGateway(SmsGateway):
    """Records messages instead of sending them; set ``error`` to make the next sends fail."""

    name = "fake"
    sent: list[tuple[str, str, str]] = field(default_factory=list)
    error: SmsError | None = None

    def _send(self, msisdn: str, text: str, ref: str) -> str:
        if self.error is not None:
            raise self.error
        self.sent.append((msisdn, text, ref))
        return f"fake-sms-{len(self.sent)}"
