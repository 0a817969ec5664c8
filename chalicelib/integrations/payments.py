"""Payment-gateway port: the provider-neutral ABC, its value objects, a fake and the error tree.

Adapters (``vnpay.VnpayProvider``; PayGov/LGSP later, docs/integrations.md §2.8) implement the
``_underscore`` primitives; the public methods hold the shared policy (validation, logging).

Exception hierarchy::

    PaymentError                   base: anything the gateway adapter could not do
    ├── PaymentTemporaryError      transport failure, timeout, HTTP 5xx, gateway "99": retry later
    └── PaymentPermanentError      the request or configuration is wrong (bad terminal code,
        │                          bad format, duplicate request id, checksum refused): alert, fix
        └── PaymentSignatureError  a callback or response whose signature is missing or wrong:
                                   never act on its content
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from urllib.parse import urlencode

logger = logging.getLogger(__name__)

# docs/integrations.md §2.2: "typically CreateDate + 15 min".
DEFAULT_PAYMENT_TTL = timedelta(minutes=15)


class PaymentError(Exception):
    """Base class of every payment-adapter error; ``code`` is the gateway's code, if any."""

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.code = code


class PaymentTemporaryError(PaymentError):
    """The gateway could not be reached or answered "try later"."""


class PaymentPermanentError(PaymentError):
    """The gateway refused the request as malformed or unauthorised; retrying will not help."""


class PaymentSignatureError(PaymentPermanentError):
    """The signature of a callback or API response is missing or does not match."""


class PaymentState(StrEnum):
    PAID = "paid"
    FAILED = "failed"
    PENDING = "pending"


@dataclass(frozen=True)
class PaymentOutcome:
    """What a gateway says about one payment, in provider-neutral terms (money is int VND)."""

    txn_ref: str
    amount_vnd: int
    state: PaymentState
    gateway_txn_id: str = ""
    result_code: str = ""
    paid_at: datetime | None = None


@dataclass(frozen=True)
class PaymentRequest:
    """A validated request for a hosted payment page (what ``_create_payment_url`` receives)."""

    txn_ref: str
    amount_vnd: int
    order_info: str
    ip_addr: str
    created_at: datetime
    expires_at: datetime


class PaymentProvider(ABC):
    """Template-method port: public methods validate and log, subclasses talk to the gateway."""

    name: str = "payment"

    def create_payment_url(
        self,
        *,
        txn_ref: str,
        amount_vnd: int,
        order_info: str,
        ip_addr: str,
        now: datetime,
        ttl: timedelta = DEFAULT_PAYMENT_TTL,
    ) -> str:
        """Return the hosted-payment-page URL the citizen's browser is redirected to."""
        if not txn_ref:
            raise ValueError("txn_ref is required")
        if isinstance(amount_vnd, bool) or not isinstance(amount_vnd, int) or amount_vnd <= 0:
            raise ValueError("amount_vnd must be a positive integer number of VND")
        request = PaymentRequest(txn_ref, amount_vnd, order_info, ip_addr, now, now + ttl)
        url = self._create_payment_url(request)
        logger.info("payment url created", extra={"provider": self.name, "txn_ref": txn_ref})
        return url

    def verify_callback(self, query: Mapping[str, str] | None) -> PaymentOutcome:
        """Check the callback's signature and return its outcome.

        Raises ``PaymentSignatureError`` on a forged or unsigned callback and ``ValueError`` when
        a correctly signed callback lacks a field. Whether the order exists, the amount matches
        and the order is still pending is for the service layer to decide.
        """
        try:
            return self._verify_callback(query or {})
        except PaymentSignatureError:
            logger.warning("payment callback has a bad signature", extra={"provider": self.name})
            raise

    def query(
        self, txn_ref: str, *, created_at: datetime, ip_addr: str, now: datetime, request_id: str
    ) -> PaymentOutcome | None:
        """Ask the gateway for a payment's state (reconciliation); ``None`` if it never saw it."""
        outcome = self._query(txn_ref, created_at, ip_addr, now, request_id)
        state = outcome.state if outcome else "unknown to gateway"
        logger.info(
            "payment queried", extra={"provider": self.name, "txn_ref": txn_ref, "state": state}
        )
        return outcome

    @abstractmethod
    def _create_payment_url(self, request: PaymentRequest) -> str: ...

    @abstractmethod
    def _verify_callback(self, query: Mapping[str, str]) -> PaymentOutcome: ...

    @abstractmethod
    def _query(
        self, txn_ref: str, created_at: datetime, ip_addr: str, now: datetime, request_id: str
    ) -> PaymentOutcome | None: ...


class FakePaymentProvider(PaymentProvider):
    """In-memory gateway for tests and ``make local``: ``settle()`` plays the citizen paying."""

    name = "fake"
    SIGNATURE = "fake-signature"

    def __init__(self, base_url: str = "https://pay.example.invalid/fake") -> None:
        self.base_url = base_url
        self.amounts: dict[str, int] = {}
        self.states: dict[str, PaymentState] = {}

    def settle(self, txn_ref: str, state: PaymentState = PaymentState.PAID) -> dict[str, str]:
        """Record the payment's result and return the callback query the gateway would send."""
        self.states[txn_ref] = state
        amount = str(self.amounts[txn_ref])
        return {"txn_ref": txn_ref, "amount_vnd": amount, "state": state, "sig": self.SIGNATURE}

    def _create_payment_url(self, request: PaymentRequest) -> str:
        self.amounts[request.txn_ref] = request.amount_vnd
        self.states[request.txn_ref] = PaymentState.PENDING
        query = {"txn_ref": request.txn_ref, "amount_vnd": request.amount_vnd}
        return f"{self.base_url}?{urlencode(query)}"

    def _verify_callback(self, query: Mapping[str, str]) -> PaymentOutcome:
        if query.get("sig") != self.SIGNATURE:
            raise PaymentSignatureError("fake callback signature mismatch")
        return PaymentOutcome(
            txn_ref=query["txn_ref"],
            amount_vnd=int(query["amount_vnd"]),
            state=PaymentState(query["state"]),
        )

    def _query(self, txn_ref, created_at, ip_addr, now, request_id) -> PaymentOutcome | None:
        if txn_ref not in self.amounts:
            return None
        return PaymentOutcome(txn_ref, self.amounts[txn_ref], self.states[txn_ref])
