"""Payments in the dossiers table (see dossier_records.py for the rest of the layout):

    PK=PAYMENT#<txn_ref> SK=META             one payment: its dossier, amount, state and what the
                                              gateway reported; while pending it carries
                                              pay_pk/pay_sk, the keys of the sparse index
                                              `pending_payments` (expiry order, in shards) that
                                              the reconciler queries
    PK=DOSSIER#<code>    SK=PAYSLOT#<amount>  the dossier's current payment for that amount, which
                                              makes creating a payment idempotent per dossier
                                              and amount

The IPN reads a payment with one GetItem on its `vnp_TxnRef`. Settling it is a conditional
update (state still pending) committed together with its outbox event, so a duplicate or late
notification can never settle it twice.
"""

from __future__ import annotations

from datetime import datetime

from chalicelib.config import get_settings
from chalicelib.domain.calendar import VN_TZ
from chalicelib.domain.events import Event
from chalicelib.domain.payment import PENDING, Payment
from chalicelib.persistence import dossier_store, store
from chalicelib.persistence.base import bind
from chalicelib.persistence.dossier_records import PaymentRecord, PaymentSlotRecord

PENDING_SHARDS = 16  # sized in bench/keys.py


def models() -> tuple[type[PaymentRecord], type[PaymentSlotRecord]]:
    table = get_settings().table_dossiers
    return bind(PaymentRecord, table), bind(PaymentSlotRecord, table)


def pk(txn_ref: str) -> str:
    return f"PAYMENT#{txn_ref}"


def _slot_key(code: str, amount: int) -> tuple[str, str]:
    return dossier_store.pk(code), f"PAYSLOT#{amount}"


def _sortable(moment: datetime) -> str:
    """One offset for every index key, so that string order is time order."""
    return moment.astimezone(VN_TZ).isoformat()


def _to_record(payment: Payment) -> PaymentRecord:
    model, _ = models()
    pending = payment.state == PENDING
    return model(
        pk(payment.txn_ref),
        "META",
        txn_ref=payment.txn_ref,
        dossier_code=payment.dossier_code,
        amount=payment.amount,
        state=payment.state,
        provider=payment.provider,
        created_at=payment.created_at.isoformat(),
        expires_at=payment.expires_at.isoformat(),
        payment_url=payment.payment_url,
        pay_pk=f"PENDING#{store.shard(payment.txn_ref, PENDING_SHARDS)}" if pending else None,
        pay_sk=f"{_sortable(payment.expires_at)}#{payment.txn_ref}" if pending else None,
    )


def _from_record(record: PaymentRecord) -> Payment:
    return Payment(
        txn_ref=record.txn_ref,
        dossier_code=record.dossier_code,
        amount=int(record.amount),
        state=record.state,
        provider=record.provider,
        created_at=store.parse_time(record.created_at),
        expires_at=store.parse_time(record.expires_at),
        payment_url=record.payment_url,
        gateway_txn_id=record.gateway_txn_id or "",
        result_code=record.result_code or "",
        paid_at=store.parse_time(record.paid_at),
        settled_at=store.parse_time(record.settled_at),
        settled_by=record.settled_by,
    )


def get(txn_ref: str) -> Payment | None:
    model, _ = models()
    try:
        return _from_record(model.get(pk(txn_ref), "META", consistent_read=True))
    except model.DoesNotExist:
        return None


def current(code: str, amount: int) -> Payment | None:
    """The dossier's latest payment for `amount`, whatever its state."""
    _, slot = models()
    try:
        record = slot.get(*_slot_key(code, amount), consistent_read=True)
    except slot.DoesNotExist:
        return None
    return get(record.txn_ref)


def create(payment: Payment, replacing: str | None) -> bool:
    """Store a new pending payment as the dossier's current one for its amount.

    False when another request changed the slot first (it no longer points at `replacing`)."""
    model, slot = models()
    slot_record = slot(*_slot_key(payment.dossier_code, payment.amount), txn_ref=payment.txn_ref)
    slot_condition = slot.PK.does_not_exist() if replacing is None else slot.txn_ref == replacing

    def stage(tx: store.Transaction) -> None:
        tx.save(_to_record(payment), condition=model.PK.does_not_exist(), label="payment")
        tx.save(slot_record, condition=slot_condition, label="slot")

    try:
        store.commit(stage)
    except store.Cancelled:
        return False
    return True


def settle(payment: Payment, event: Event | None) -> bool:
    """Record `payment`'s final state (and its event) if it is still pending; False otherwise."""
    model, _ = models()
    values = [
        (model.state, payment.state),
        (model.gateway_txn_id, payment.gateway_txn_id),
        (model.result_code, payment.result_code),
        (model.paid_at, store.iso(payment.paid_at)),
        (model.settled_at, store.iso(payment.settled_at)),
        (model.settled_by, payment.settled_by),
    ]
    actions = [attribute.set(value) for attribute, value in values if value]
    actions += [model.pay_pk.remove(), model.pay_sk.remove()]

    def stage(tx: store.Transaction) -> None:
        record = model(pk(payment.txn_ref), "META")
        tx.update(record, actions=actions, condition=model.state == PENDING, label="payment")
        dossier_store.stage_events([event] if event is not None else [])(tx)

    try:
        store.commit(stage)
    except store.Cancelled:
        return False
    return True


def expired_pending(cutoff: datetime, limit: int) -> list[Payment]:
    """Pending payments that expired before `cutoff`, oldest first (index Query, no scan)."""
    model, _ = models()
    keys = []
    for shard in range(PENDING_SHARDS):
        before = model.pay_sk < _sortable(cutoff)
        result = model.pending.query(f"PENDING#{shard}", before, limit=limit)
        keys += [(r.PK, r.SK) for r in store.take(result, limit)]
    found = [_from_record(r) for r in model.batch_get(keys)] if keys else []
    return sorted(found, key=lambda p: p.expires_at)[:limit]
