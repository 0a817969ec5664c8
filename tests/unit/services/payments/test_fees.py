"""The gateway's IPN is the only thing that changes a payment, checked in the order of
docs/integrations.md §2.5: signature, order, amount, already final; a success settles the
payment and publishes `payment.confirmed` in one go, anything odd changes nothing."""

from dataclasses import replace
from datetime import timedelta
from types import SimpleNamespace

import pytest

from chalicelib.domain import payment as rules
from chalicelib.domain.payment import Payment
from chalicelib.integrations.payments import PaymentOutcome, PaymentSignatureError, PaymentState
from chalicelib.services.payments import fees
from tests import builders

NOW = builders.MONDAY
PENDING = Payment("TXN1", "D-1", 8000, rules.PENDING, "vnpay", NOW, NOW + timedelta(minutes=15),
                  "https://pay.test")  # fmt: skip


class Gateway:
    def __init__(self, outcome=None, forged=False):
        self.outcome, self.forged = outcome, forged

    def verify_callback(self, query):
        if self.forged:
            raise PaymentSignatureError("bad hash")
        return self.outcome


@pytest.fixture
def ledger(monkeypatch):
    """Payments by reference; settlements written and events published."""
    state = SimpleNamespace(payments={"TXN1": PENDING}, settled=[], published=[], owes=True)

    def settle(settled, event):
        if state.payments[settled.txn_ref].is_final:
            return False
        state.payments[settled.txn_ref] = settled
        state.settled.append((settled, event))
        if event is not None:
            state.published.append(event)  # committed with the settlement
        return True

    monkeypatch.setattr(fees.payment_store, "get", lambda ref: state.payments.get(ref))
    monkeypatch.setattr(fees.payment_store, "settle", settle)
    monkeypatch.setattr(fees, "_dossier_takes_payment", lambda code: state.owes)
    return state


def ipn(outcome=None, forged=False):
    return fees.handle_ipn({"vnp_TxnRef": "TXN1"}, NOW, Gateway(outcome, forged))["RspCode"]


def paid(**changes):
    return replace(PaymentOutcome("TXN1", 8000, PaymentState.PAID, "14000001", "00"), **changes)


def test_a_paid_notification_settles_the_payment_and_confirms_it_once(ledger):
    assert ipn(paid()) == "00"
    assert ipn(paid()) == "02"  # the gateway retries: already confirmed

    ((settled, event),) = ledger.settled
    assert settled.state == rules.PAID and settled.settled_by == "ipn"
    assert [e.type for e in ledger.published] == ["payment.confirmed"]
    assert event.data == {"payment_id": "TXN1", "amount": 8000, "provider": "vnpay"}


@pytest.mark.parametrize(
    ("outcome", "forged", "code"),
    [
        (paid(), True, "97"),  # a forged signature
        (paid(txn_ref="TXN9"), False, "01"),  # an unknown order
        (paid(amount_vnd=1), False, "04"),  # another amount
        (paid(state=PaymentState.PENDING), False, "99"),  # nothing final yet
    ],
)
def test_anything_odd_changes_nothing(ledger, outcome, forged, code):
    assert ipn(outcome, forged) == code
    assert ledger.settled == [] and ledger.published == []


def test_a_failed_payment_is_recorded_without_an_event(ledger):
    assert ipn(paid(state=PaymentState.FAILED, result_code="24")) == "00"

    assert ledger.payments["TXN1"].state == rules.FAILED and ledger.published == []


def test_a_crash_answers_the_gateways_unknown_error(ledger, monkeypatch):
    monkeypatch.setattr(fees.payment_store, "get", lambda ref: 1 / 0)

    assert ipn(paid()) == "99"


def test_the_return_page_never_changes_anything(ledger):
    view = fees.return_view({}, Gateway(paid()))
    forged = fees.return_view({}, Gateway(paid(), forged=True))

    assert (view["verified"], view["paid"], view["recorded_state"]) == (True, True, rules.PENDING)
    assert forged == {"verified": False} and ledger.settled == []
