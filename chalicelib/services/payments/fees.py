"""Online payment of fees (level 4, or whenever an officer asks for payment).

The citizen creates a payment and is sent to the gateway's page. After that, only the gateway
changes the payment's state: its IPN, or the reconciler's query (querydr) when the IPN was lost.
A success commits two things in one DynamoDB transaction: the payment's conditional update
(it must still be pending) and a `payment.confirmed` outbox event. The events consumer
(services/shared/events.py) then moves the dossier on through the workflow. A failure is recorded on
the payment alone; the dossier does not change.
"""

from __future__ import annotations

import logging
import secrets
import uuid
from dataclasses import replace
from datetime import datetime, timedelta

from chalicelib.domain import payment as rules
from chalicelib.domain.errors import Conflict, DomainError, ServiceUnavailable
from chalicelib.domain.events import Event
from chalicelib.domain.payment import Payment
from chalicelib.domain.principal import Principal
from chalicelib.integrations.payments import (
    DEFAULT_PAYMENT_TTL,
    PaymentError,
    PaymentOutcome,
    PaymentProvider,
    PaymentSignatureError,
    PaymentState,
)
from chalicelib.integrations.vnpay import IpnCode, ipn_answer
from chalicelib.persistence import dossier_store, payment_store
from chalicelib.services.dossiers import citizen as dossiers
from chalicelib.services.payments import gateway as payment_gateway

log = logging.getLogger(__name__)
PAYMENT_TTL = DEFAULT_PAYMENT_TTL
# docs/integrations.md §2.6: query only payments stuck past their expiry plus a margin.
RECONCILE_MARGIN = timedelta(minutes=5)
RECONCILE_BATCH = 50
ABANDONED_AFTER = timedelta(days=1)
# vnp_IpAddr of a server-to-server query; VNPay only records it.
SERVER_IP = "127.0.0.1"
UNAVAILABLE = "Chức năng thanh toán trực tuyến tạm thời gián đoạn. Vui lòng thử lại sau."


def create(
    code: str,
    principal: Principal | None,
    phone: str | None,
    client_ip: str | None,
    base_url: str | None,
    now: datetime,
) -> dict:
    """The dossier's payment for what it owes now: the pending one if still usable, else new."""
    dossier = dossiers.authorized(code, principal, phone, client_ip)  # lookup's 404 rules
    amount = rules.payable_amount(dossier)
    for _ in range(3):
        current = payment_store.current(code, amount)
        if current is not None and current.is_usable(now):
            return _created(current)
        if current is not None and current.state == rules.PAID:
            raise Conflict("Khoản phí này đã được thanh toán; hồ sơ đang được cập nhật.")
        payment = _new_payment(dossier, amount, client_ip, base_url, now)
        if payment_store.create(payment, current.txn_ref if current else None):
            log.info("payment created", extra={"txn_ref": payment.txn_ref, "amount": amount})
            return _created(payment)
    raise ServiceUnavailable()


def _new_payment(dossier, amount: int, client_ip, base_url, now: datetime) -> Payment:
    txn_ref = rules.txn_ref(dossier.code, secrets.token_hex(3).upper())
    try:
        gateway = payment_gateway.provider(base_url)
        url = gateway.create_payment_url(
            txn_ref=txn_ref,
            amount_vnd=amount,
            order_info=rules.order_info(dossier),
            ip_addr=client_ip or SERVER_IP,
            now=now,
            ttl=PAYMENT_TTL,
        )
    except PaymentError as exc:
        log.error("payment provider unavailable", extra={"error": type(exc).__name__})
        raise ServiceUnavailable(UNAVAILABLE) from exc
    return Payment(
        txn_ref=txn_ref,
        dossier_code=dossier.code,
        amount=amount,
        state=rules.PENDING,
        provider=gateway.name,
        created_at=now,
        expires_at=now + PAYMENT_TTL,
        payment_url=url,
    )


def _created(payment: Payment) -> dict:
    return {
        "payment_id": payment.txn_ref,
        "dossier_code": payment.dossier_code,
        "amount": payment.amount,
        "status": payment.state,
        "payment_url": payment.payment_url,
        "expires_at": payment.expires_at.isoformat(),
    }


def handle_ipn(query: dict, now: datetime, gateway: PaymentProvider | None = None) -> dict:
    """The gateway's server-to-server notification; answers the JSON the gateway expects."""
    try:
        code = _ipn(query, now, gateway or payment_gateway.provider())
    except Exception:
        log.exception("payment notification failed")
        code = IpnCode.UNKNOWN_ERROR
    return ipn_answer(code)


def _ipn(query: dict, now: datetime, gateway: PaymentProvider) -> IpnCode:
    # docs/integrations.md §2.5: signature -> order exists -> amount -> already final -> record.
    try:
        outcome = gateway.verify_callback(query)
    except PaymentSignatureError:
        return IpnCode.INVALID_SIGNATURE
    except (ValueError, KeyError):
        log.warning("signed payment notification lacks a field")
        return IpnCode.UNKNOWN_ERROR
    payment = payment_store.get(outcome.txn_ref)
    if payment is None:
        return IpnCode.ORDER_NOT_FOUND
    if outcome.amount_vnd != payment.amount:
        log.warning("payment notification with another amount", extra={"txn_ref": payment.txn_ref})
        return IpnCode.INVALID_AMOUNT
    if payment.is_final:
        return IpnCode.ORDER_ALREADY_CONFIRMED
    if outcome.state == PaymentState.PENDING:
        return IpnCode.UNKNOWN_ERROR  # nothing final to record: let the gateway call again
    if not _settle(payment, outcome, "ipn", now):
        return IpnCode.ORDER_ALREADY_CONFIRMED
    return IpnCode.CONFIRM_SUCCESS


def _settle(payment: Payment, outcome: PaymentOutcome, by: str, now: datetime) -> bool:
    paid = outcome.state == PaymentState.PAID
    settled = replace(
        payment,
        state=rules.PAID if paid else rules.FAILED,
        gateway_txn_id=outcome.gateway_txn_id,
        result_code=outcome.result_code,
        paid_at=(outcome.paid_at or now) if paid else None,
        settled_at=now,
        settled_by=by,
    )
    event = None
    if paid:
        event = Event(
            "payment.confirmed",
            payment.dossier_code,
            now,
            {"payment_id": payment.txn_ref, "amount": payment.amount, "provider": payment.provider},
        )
    wanted = not paid or _dossier_takes_payment(payment.dossier_code)
    if not payment_store.settle(settled, event):
        return False
    log.info("payment settled", extra={"txn_ref": settled.txn_ref, "state": settled.state})
    if not wanted:
        # Money taken for a dossier that no longer owes it (stopped, withdrawn, paid twice).
        log.warning(
            "payment received for a dossier that owes nothing; check for a refund",
            extra={"txn_ref": payment.txn_ref},
        )
    return True


def _dossier_takes_payment(code: str) -> bool:
    dossier = dossier_store.get(code)
    try:
        return dossier is not None and rules.payable_amount(dossier) > 0
    except DomainError:
        return False


def return_view(query: dict, gateway: PaymentProvider | None = None) -> dict:
    """What the browser return page shows: the verified outcome. It never changes any state."""
    try:
        outcome = (gateway or payment_gateway.provider()).verify_callback(query)
    except (PaymentError, ValueError, KeyError):
        return {"verified": False}
    payment = payment_store.get(outcome.txn_ref)
    return {
        "verified": True,
        "paid": outcome.state == PaymentState.PAID,
        "result_code": outcome.result_code,
        "amount": outcome.amount_vnd,
        "payment_id": outcome.txn_ref,
        "dossier_code": payment.dossier_code if payment else None,
        "recorded_state": payment.state if payment else None,
    }


def reconcile(now: datetime, gateway: PaymentProvider | None = None) -> dict:
    """Settle payments still pending past expiry by asking the gateway (the IPN was lost)."""
    gateway = gateway or payment_gateway.provider()
    counts = {"paid": 0, "failed": 0, "pending": 0, "skipped": 0, "errors": 0}
    for payment in payment_store.expired_pending(now - RECONCILE_MARGIN, RECONCILE_BATCH):
        counts[_reconcile_one(payment, gateway, now)] += 1
    return counts


def _reconcile_one(payment: Payment, gateway: PaymentProvider, now: datetime) -> str:
    try:
        outcome = gateway.query(
            payment.txn_ref,
            created_at=payment.created_at,
            ip_addr=SERVER_IP,
            now=now,
            request_id=uuid.uuid4().hex,
        )
    except PaymentError as exc:
        log.warning(
            "payment query failed",
            extra={"txn_ref": payment.txn_ref, "error": type(exc).__name__, "code": exc.code},
        )
        return "errors"
    if outcome is None:  # the gateway never saw it: the citizen did not pay before expiry
        outcome = PaymentOutcome(
            payment.txn_ref, payment.amount, PaymentState.FAILED, result_code="expired"
        )
    if outcome.state == PaymentState.PENDING:
        if now - payment.expires_at < ABANDONED_AFTER:
            return "pending"
        # Still "not completed" a day after expiry: the gateway will not complete it any more.
        outcome = replace(outcome, state=PaymentState.FAILED, result_code="abandoned")
    if outcome.amount_vnd != payment.amount:
        log.error("gateway reports another amount", extra={"txn_ref": payment.txn_ref})
        return "errors"
    if not _settle(payment, outcome, "reconciler", now):
        return "skipped"
    return outcome.state.value
