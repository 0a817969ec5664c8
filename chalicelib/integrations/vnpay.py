"""VNPay 2.1.0 adapter (docs/integrations.md §2): signing, payment URL, IPN pieces, querydr,
provider.

Configuration arrives as a ``VnpayConfig`` (no environment reads); errors are ``PaymentError``s.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any
from urllib.parse import quote_plus

from chalicelib.domain.calendar import VN_TZ
from chalicelib.domain.text import ascii_fold
from chalicelib.integrations.json_http import post_json
from chalicelib.integrations.payments import (
    PaymentOutcome,
    PaymentPermanentError,
    PaymentProvider,
    PaymentRequest,
    PaymentSignatureError,
    PaymentState,
    PaymentTemporaryError,
)

if TYPE_CHECKING:  # imported where used: only the calls out need it (cold start)
    import httpx

logger = logging.getLogger(__name__)

_DATE_FORMAT = "%Y%m%d%H%M%S"
_UNSIGNED_KEYS = frozenset({"vnp_SecureHash", "vnp_SecureHashType"})
# §2.3: values restricted to this set sign identically in every VNPay port.
_UNSAFE_CHARS = re.compile(r"[^A-Za-z0-9 .,:/_\-]+")
# §2.2: vnp_Amount is Numeric[1,12] and carries VND x 100.
_MAX_AMOUNT_VND = (10**12 - 1) // 100
# §2.6: the querydr checksums sign these values joined by "|", in exactly this order.
_QUERY_REQUEST_FIELDS = (
    "vnp_RequestId", "vnp_Version", "vnp_Command", "vnp_TmnCode", "vnp_TxnRef",
    "vnp_TransactionDate", "vnp_CreateDate", "vnp_IpAddr", "vnp_OrderInfo",
)  # fmt: skip
_QUERY_RESPONSE_FIELDS = (
    "vnp_ResponseId", "vnp_Command", "vnp_ResponseCode", "vnp_Message", "vnp_TmnCode",
    "vnp_TxnRef", "vnp_Amount", "vnp_BankCode", "vnp_PayDate", "vnp_TransactionNo",
    "vnp_TransactionType", "vnp_TransactionStatus", "vnp_OrderInfo", "vnp_PromotionCode",
    "vnp_PromotionAmount",
)  # fmt: skip
# §2.6: "00" found, "91" not found; these two answers must be signed, anything else is an error.
_QUERY_ANSWERS = frozenset({"00", "91"})
# §2.4: status 01 = not completed yet; reversed/refunded/fraud statuses are not a payment.
_QUERY_STATES = {"00": PaymentState.PAID, "01": PaymentState.PENDING}


@dataclass(frozen=True)
class VnpayConfig:
    tmn_code: str
    hash_secret: str = field(repr=False)
    payment_url: str
    api_url: str
    return_url: str
    version: str = "2.1.0"
    locale: str = "vn"
    curr_code: str = "VND"


def canonical_query(params: Mapping[str, Any]) -> str:
    """The §2.3 string: non-empty ``vnp_*`` params, sorted, values form-encoded (``quote_plus``)."""
    items = sorted(
        (key, str(value))
        for key, value in params.items()
        if key.startswith("vnp_") and key not in _UNSIGNED_KEYS and value not in (None, "")
    )
    return "&".join(f"{key}={quote_plus(value)}" for key, value in items)


def sign(params: Mapping[str, Any], secret: str) -> str:
    """``vnp_SecureHash`` of ``params`` (§2.3): lowercase hex HMAC-SHA512 of the canonical query."""
    return _hmac_sha512(secret, canonical_query(params))


def verify(query: Mapping[str, str] | None, secret: str) -> bool:
    """Whether a return-URL or IPN query (already URL-decoded) carries a valid signature."""
    query = query or {}
    return _same_hash(str(query.get("vnp_SecureHash", "")), sign(query, secret))


def ascii_text(text: str) -> str:
    """Vietnamese text folded to the §2.3 safe set ("Hồ sơ đăng ký" -> "Ho so dang ky")."""
    return " ".join(_UNSAFE_CHARS.sub(" ", ascii_fold(text)).split())


def build_payment_url(
    config: VnpayConfig,
    *,
    txn_ref: str,
    amount_vnd: int,
    order_info: str,
    ip_addr: str,
    create_date: datetime,
    expire_date: datetime,
    bank_code: str | None = None,
    order_type: str = "other",
) -> str:
    """The signed redirect URL of §2.2/§2.3 (``vnp_SecureHash`` appended last, unsigned)."""
    # §2.2: some merchants report trouble with anything but [A-Za-z0-9] in vnp_TxnRef.
    if not (txn_ref.isascii() and txn_ref.isalnum()):
        raise ValueError("txn_ref must be ASCII letters and digits only")
    if not 0 < amount_vnd <= _MAX_AMOUNT_VND:
        raise ValueError("amount_vnd out of VNPay's range")
    order_info = ascii_text(order_info)[:255]
    if not order_info:
        raise ValueError("order_info is empty once folded to ASCII")
    params = {
        "vnp_Version": config.version,
        "vnp_Command": "pay",
        "vnp_TmnCode": config.tmn_code,
        "vnp_Amount": str(amount_vnd * 100),
        "vnp_CurrCode": config.curr_code,
        "vnp_TxnRef": txn_ref,
        "vnp_OrderInfo": order_info,
        "vnp_OrderType": order_type,
        "vnp_Locale": config.locale,
        "vnp_ReturnUrl": config.return_url,
        "vnp_IpAddr": ip_addr,
        "vnp_CreateDate": format_vn_time(create_date),
        "vnp_ExpireDate": format_vn_time(expire_date),
        "vnp_BankCode": bank_code,  # §2.2: omitted (None) -> VNPay shows its method picker
    }
    query = canonical_query(params)
    return f"{config.payment_url}?{query}&vnp_SecureHash={_hmac_sha512(config.hash_secret, query)}"


def format_vn_time(moment: datetime) -> str:
    """``yyyyMMddHHmmss`` in GMT+7 (§2.2); naive datetimes are refused rather than guessed."""
    if moment.tzinfo is None:
        raise ValueError("a timezone-aware datetime is required")
    return moment.astimezone(VN_TZ).strftime(_DATE_FORMAT)


def parse_vn_time(value: str) -> datetime | None:
    """Inverse of ``format_vn_time``; ``None`` for an empty value."""
    return datetime.strptime(value, _DATE_FORMAT).replace(tzinfo=VN_TZ) if value else None


@dataclass(frozen=True)
class IpnData:
    """A transaction as VNPay reports it (IPN, return URL, or a querydr answer)."""

    txn_ref: str
    amount_vnd: int
    response_code: str
    transaction_status: str
    transaction_no: str
    bank_code: str
    pay_date: datetime | None

    @property
    def paid(self) -> bool:
        # §2.4: paid only when both codes are "00".
        return self.response_code == "00" and self.transaction_status == "00"


def parse_ipn(query: Mapping[str, str]) -> IpnData:
    """Read the fields the service layer needs; call ``verify`` first.

    Raises ``ValueError`` if ``vnp_TxnRef``/``vnp_Amount``/``vnp_ResponseCode`` is missing or
    the amount is not a whole number of VND (answer ``99``).
    """
    amount = str(query.get("vnp_Amount", ""))
    if not amount.isdigit() or int(amount) % 100:
        raise ValueError("vnp_Amount is not a whole number of VND x 100")
    if not query.get("vnp_TxnRef") or not query.get("vnp_ResponseCode"):
        raise ValueError("vnp_TxnRef and vnp_ResponseCode are required")
    return IpnData(
        txn_ref=str(query["vnp_TxnRef"]),
        amount_vnd=int(amount) // 100,
        response_code=str(query["vnp_ResponseCode"]),
        transaction_status=str(query.get("vnp_TransactionStatus", "")),
        transaction_no=str(query.get("vnp_TransactionNo", "")),
        bank_code=str(query.get("vnp_BankCode", "")),
        pay_date=parse_vn_time(str(query.get("vnp_PayDate", ""))),
    )


class IpnCode(StrEnum):
    CONFIRM_SUCCESS = "00"
    ORDER_NOT_FOUND = "01"
    ORDER_ALREADY_CONFIRMED = "02"
    INVALID_AMOUNT = "04"
    INVALID_SIGNATURE = "97"
    UNKNOWN_ERROR = "99"


# §2.5 verbatim ("Unknow error" is VNPay's demo spelling; the gateway reads RspCode only).
_IPN_MESSAGES = {
    IpnCode.CONFIRM_SUCCESS: "Confirm Success",
    IpnCode.ORDER_NOT_FOUND: "Order not found",
    IpnCode.ORDER_ALREADY_CONFIRMED: "Order already confirmed",
    IpnCode.INVALID_AMOUNT: "Invalid amount",
    IpnCode.INVALID_SIGNATURE: "Invalid signature",
    IpnCode.UNKNOWN_ERROR: "Unknow error",
}


def ipn_answer(code: str) -> dict[str, str]:
    """The JSON body (HTTP 200) answering an IPN; ``"00"`` also acknowledges a failed payment."""
    ipn_code = IpnCode(code)
    return {"RspCode": ipn_code.value, "Message": _IPN_MESSAGES[ipn_code]}


@dataclass(frozen=True)
class QueryResult:
    """A querydr answer: ``response_code`` is the API's (§2.6), ``transaction`` set when found."""

    response_code: str
    message: str
    transaction: IpnData | None

    @property
    def found(self) -> bool:
        return self.transaction is not None

    @property
    def paid(self) -> bool:
        return self.transaction is not None and self.transaction.paid


class VnpayClient:
    """VNPay's merchant web API (``merchant_webapi/api/transaction``).

    Refund is deliberately absent: only the refund *request* checksum is known, not the
    answer's (docs/integrations.md §2.6), and an unverifiable answer must not move money state.
    """

    def __init__(self, config: VnpayConfig, http: httpx.Client) -> None:
        self._config = config
        self._http = http

    def query_transaction(
        self,
        txn_ref: str,
        transaction_date: datetime,
        request_id: str,
        ip_addr: str,
        now: datetime,
    ) -> QueryResult:
        """Ask VNPay for the state of one payment (querydr, §2.6).

        Parameters
        ----------
        txn_ref : str
            The merchant reference sent as ``vnp_TxnRef`` when the payment was created.
        transaction_date : datetime
            The ``vnp_CreateDate`` of that payment (timezone-aware).
        request_id : str
            Unique per call; VNPay answers ``94`` to a reused id.
        ip_addr : str
            The server's IP address.
        now : datetime
            The request's ``vnp_CreateDate`` (timezone-aware).

        Returns
        -------
        QueryResult
            ``found``/``paid`` plus the transaction's fields when VNPay knows it.

        Raises
        ------
        PaymentSignatureError
            A ``00``/``91`` answer whose checksum is missing or wrong.
        PaymentTemporaryError
            Transport failure, HTTP 5xx, a non-JSON body, or response code ``99``.
        PaymentPermanentError
            Any other response code (``02`` terminal, ``03`` format, ``94`` duplicate, ``97``).
        """
        request = self._querydr_body(txn_ref, transaction_date, request_id, ip_addr, now)
        answer = {key: _text(value) for key, value in self._post(request).items()}
        code = answer.get("vnp_ResponseCode", "")
        if code not in _QUERY_ANSWERS:
            error = PaymentTemporaryError if code == "99" else PaymentPermanentError
            logger.warning("vnpay querydr refused", extra={"code": code, "txn_ref": txn_ref})
            raise error(f"querydr answered {code}", code=code)
        self._check_response_hash(answer)
        try:
            transaction = parse_ipn(answer) if code == "00" else None
        except ValueError as exc:
            raise PaymentPermanentError("querydr answer lacks transaction fields", code) from exc
        return QueryResult(code, answer.get("vnp_Message", ""), transaction)

    def _querydr_body(self, txn_ref, transaction_date, request_id, ip_addr, now):
        body = {
            "vnp_RequestId": request_id,
            "vnp_Version": self._config.version,
            "vnp_Command": "querydr",
            "vnp_TmnCode": self._config.tmn_code,
            "vnp_TxnRef": txn_ref,
            "vnp_TransactionDate": format_vn_time(transaction_date),
            "vnp_CreateDate": format_vn_time(now),
            "vnp_IpAddr": ip_addr,
            "vnp_OrderInfo": f"Query {txn_ref}",
        }
        body["vnp_SecureHash"] = query_request_hash(self._config.hash_secret, body)
        return body

    def _check_response_hash(self, answer: Mapping[str, str]) -> None:
        expected = query_response_hash(self._config.hash_secret, answer)
        if not _same_hash(answer.get("vnp_SecureHash", ""), expected):
            logger.warning("vnpay querydr answer has a bad checksum")
            raise PaymentSignatureError("querydr response checksum mismatch")

    def _post(self, body: dict[str, str]) -> dict[str, Any]:
        errors = (PaymentTemporaryError, PaymentPermanentError)
        data = post_json(self._http, self._config.api_url, "vnpay", errors, json=body)
        if not isinstance(data, dict):
            raise PaymentTemporaryError("vnpay answered with an unexpected JSON shape")
        return data


class VnpayProvider(PaymentProvider):
    """``PaymentProvider`` backed by VNPay (redirect + IPN + querydr)."""

    name = "vnpay"

    def __init__(self, config: VnpayConfig, client: VnpayClient) -> None:
        self._config = config
        self._client = client

    def _create_payment_url(self, request: PaymentRequest) -> str:
        return build_payment_url(
            self._config,
            txn_ref=request.txn_ref,
            amount_vnd=request.amount_vnd,
            order_info=request.order_info,
            ip_addr=request.ip_addr,
            create_date=request.created_at,
            expire_date=request.expires_at,
        )

    def _verify_callback(self, query: Mapping[str, str]) -> PaymentOutcome:
        if not verify(query, self._config.hash_secret):
            raise PaymentSignatureError("vnp_SecureHash mismatch")
        ipn = parse_ipn(query)
        # §2.5 step 5: anything but 00/00 is recorded as a failed payment.
        state = PaymentState.PAID if ipn.paid else PaymentState.FAILED
        return _outcome(ipn, state, ipn.response_code)

    def _query(self, txn_ref, created_at, ip_addr, now, request_id) -> PaymentOutcome | None:
        result = self._client.query_transaction(txn_ref, created_at, request_id, ip_addr, now)
        if result.transaction is None:
            return None
        status = result.transaction.transaction_status
        state = _QUERY_STATES.get(status, PaymentState.FAILED)
        return _outcome(result.transaction, state, status)


def _outcome(ipn: IpnData, state: PaymentState, result_code: str) -> PaymentOutcome:
    return PaymentOutcome(
        txn_ref=ipn.txn_ref,
        amount_vnd=ipn.amount_vnd,
        state=state,
        gateway_txn_id=ipn.transaction_no,
        result_code=result_code,
        paid_at=ipn.pay_date if state is PaymentState.PAID else None,
    )


def _hmac_sha512(secret: str, message: str) -> str:
    return hmac.new(secret.encode("utf-8"), message.encode("utf-8"), hashlib.sha512).hexdigest()


def _pipe_hash(secret: str, values: Mapping[str, Any], fields: tuple[str, ...]) -> str:
    # An absent field contributes "" (§2.6).
    return _hmac_sha512(secret, "|".join(_text(values.get(name)) for name in fields))


def query_request_hash(secret: str, values: Mapping[str, Any]) -> str:
    """The querydr request's checksum (§2.6): what the merchant signs, the gateway checks."""
    return _pipe_hash(secret, values, _QUERY_REQUEST_FIELDS)


def query_response_hash(secret: str, values: Mapping[str, Any]) -> str:
    """The querydr answer's checksum (§2.6): what the gateway signs, the merchant checks."""
    return _pipe_hash(secret, values, _QUERY_RESPONSE_FIELDS)


def _same_hash(received: str, expected: str) -> bool:
    # §2.3: compare case-insensitively and in constant time.
    return hmac.compare_digest(received.strip().lower().encode(), expected.encode())


def _text(value: Any) -> str:
    return "" if value is None else str(value)
