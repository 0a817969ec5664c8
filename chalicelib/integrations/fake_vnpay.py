"""A stand-in for VNPay's hosted payment page and merchant API, for the local stage only.

It follows docs/integrations.md §2 and shares nothing with vnpay.py except the query-string
signature (already checked against the reference test vector). So the adapter's checks run
against a second implementation:
- a payment request is refused unless its signature, terminal and fields are valid;
- finishing one produces the IPN/return query VNPay sends: codes 00/00 when paid, 24/02 when
  cancelled;
- querydr answers with the pipe-joined response checksum. A payment that was never finished
  and has expired is unknown (`91`).

The ledger lives in memory: the local stack is one process, and moto's state is in memory too.
"""

from __future__ import annotations

import hmac
import secrets
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from chalicelib.integrations.vnpay import (
    VnpayConfig,
    format_vn_time,
    parse_vn_time,
    query_request_hash,
    query_response_hash,
    sign,
    verify,
)

_REQUIRED = (
    "vnp_Version", "vnp_Command", "vnp_TmnCode", "vnp_Amount", "vnp_CurrCode", "vnp_TxnRef",
    "vnp_OrderInfo", "vnp_ReturnUrl", "vnp_IpAddr", "vnp_CreateDate", "vnp_ExpireDate",
)  # fmt: skip
# (vnp_ResponseCode, vnp_TransactionStatus) per outcome (docs/integrations.md §2.4).
_CODES = {"paid": ("00", "00"), "cancelled": ("24", "02"), "pending": ("", "01")}


class FakeGatewayError(Exception):
    """Why the fake gateway refuses a request (shown on its page, in Vietnamese)."""


@dataclass
class FakeTransaction:
    request: dict[str, str]
    state: str = "pending"
    transaction_no: str = ""
    pay_date: str = ""

    @property
    def amount_vnd(self) -> int:
        return int(self.request["vnp_Amount"]) // 100

    @property
    def expires_at(self) -> datetime:
        return parse_vn_time(self.request["vnp_ExpireDate"])


class FakeVnpayGateway:
    def __init__(self) -> None:
        self._ledger: dict[str, FakeTransaction] = {}
        self._lock = threading.Lock()

    def open(self, query: Mapping[str, str], config: VnpayConfig, now: datetime) -> FakeTransaction:
        """Check a payment request as VNPay's page does and remember it."""
        query = {k: str(v) for k, v in query.items()}
        if not verify(query, config.hash_secret):
            raise FakeGatewayError("Sai chữ ký (vnp_SecureHash).")
        missing = [name for name in _REQUIRED if not query.get(name)]
        if missing:
            raise FakeGatewayError(f"Thiếu tham số: {', '.join(missing)}.")
        if query["vnp_TmnCode"] != config.tmn_code or query["vnp_Command"] != "pay":
            raise FakeGatewayError("Sai mã đơn vị (vnp_TmnCode) hoặc lệnh (vnp_Command).")
        if not query["vnp_Amount"].isdigit() or int(query["vnp_Amount"]) % 100:
            raise FakeGatewayError("Số tiền không hợp lệ (vnp_Amount).")
        try:
            transaction = FakeTransaction(query)
            expired = transaction.expires_at <= now
        except ValueError:
            raise FakeGatewayError("Thời gian không hợp lệ (vnp_ExpireDate).") from None
        if expired:
            raise FakeGatewayError("Giao dịch đã hết hạn thanh toán.")
        with self._lock:
            known = self._ledger.setdefault(query["vnp_TxnRef"], transaction)
        if known.state != "pending":
            raise FakeGatewayError("Giao dịch này đã được xử lý.")
        return known

    def finish(
        self, txn_ref: str, paid: bool, config: VnpayConfig, now: datetime
    ) -> tuple[dict[str, str], str]:
        """Play the citizen paying (or cancelling): the signed IPN query and the return URL."""
        with self._lock:
            transaction = self._ledger.get(txn_ref)
            if transaction is None or transaction.state != "pending":
                raise FakeGatewayError("Không có giao dịch đang chờ thanh toán với mã này.")
            transaction.state = "paid" if paid else "cancelled"
            transaction.transaction_no = str(secrets.randbelow(10**8)).zfill(8) if paid else "0"
            transaction.pay_date = format_vn_time(now)
        request = transaction.request
        response_code, status = _CODES[transaction.state]
        query = {
            "vnp_Amount": request["vnp_Amount"],
            "vnp_BankCode": "NCB" if paid else "VNPAY",
            "vnp_CardType": "ATM",
            "vnp_OrderInfo": request["vnp_OrderInfo"],
            "vnp_PayDate": transaction.pay_date,
            "vnp_ResponseCode": response_code,
            "vnp_TmnCode": config.tmn_code,
            "vnp_TransactionNo": transaction.transaction_no,
            "vnp_TransactionStatus": status,
            "vnp_TxnRef": txn_ref,
        }
        if paid:
            query["vnp_BankTranNo"] = f"VNP{transaction.transaction_no}"
        query["vnp_SecureHash"] = sign(query, config.hash_secret)
        return query, request["vnp_ReturnUrl"]

    def querydr(self, body: Mapping[str, object], config: VnpayConfig, now: datetime) -> dict:
        """Answer a querydr request (docs/integrations.md §2.6)."""
        body = {k: "" if v is None else str(v) for k, v in dict(body).items()}
        expected = query_request_hash(config.hash_secret, body)
        if not hmac.compare_digest(
            body.get("vnp_SecureHash", "").lower().encode(), expected.encode()
        ):
            return {"vnp_ResponseCode": "97", "vnp_Message": "Invalid Checksum"}
        if body.get("vnp_Command") != "querydr" or body.get("vnp_TmnCode") != config.tmn_code:
            return {"vnp_ResponseCode": "02", "vnp_Message": "Invalid TmnCode or command"}
        with self._lock:
            transaction = self._ledger.get(body.get("vnp_TxnRef", ""))
        answer = {
            "vnp_ResponseId": secrets.token_hex(16),
            "vnp_Command": "querydr",
            "vnp_TmnCode": config.tmn_code,
            "vnp_TxnRef": body.get("vnp_TxnRef", ""),
        }
        if transaction is None or (
            transaction.state == "pending" and transaction.expires_at <= now
        ):
            answer.update(vnp_ResponseCode="91", vnp_Message="Transaction not found")
        else:
            answer.update(_found(transaction))
        answer["vnp_SecureHash"] = query_response_hash(config.hash_secret, answer)
        return answer


def _found(transaction: FakeTransaction) -> dict[str, str]:
    return {
        "vnp_ResponseCode": "00",
        "vnp_Message": "QueryDR Success",
        "vnp_Amount": transaction.request["vnp_Amount"],
        "vnp_BankCode": "NCB" if transaction.state == "paid" else "",
        "vnp_PayDate": transaction.pay_date,
        "vnp_TransactionNo": transaction.transaction_no,
        "vnp_TransactionType": "01",
        "vnp_TransactionStatus": _CODES[transaction.state][1],
        "vnp_OrderInfo": transaction.request["vnp_OrderInfo"],
        "vnp_PromotionCode": "",
        "vnp_PromotionAmount": "",
    }


GATEWAY = FakeVnpayGateway()
