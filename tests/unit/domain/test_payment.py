"""When a dossier's fee may be paid online, the merchant reference, and when the electronic
result may be released."""

from datetime import datetime, timedelta, timezone

import pytest

from chalicelib.domain import payment
from chalicelib.domain.dossier import Status
from chalicelib.domain.errors import Forbidden, InvalidTransition
from tests import builders

ICT = timezone(timedelta(hours=7))
NOW = datetime(2025, 8, 1, 9, 0, tzinfo=ICT)


def dossier(status=Status.AWAITING_PAYMENT, level=4, fee_due=5000, fee_paid=0, **extra):
    return builders.dossier(
        code="000.00.56.H06-250801-0001",
        procedure={"code": "1.004873", "level": level},
        agency_id="ubnd-xa-hop-thinh",
        applicant={"phone": "0912345678"},
        result_delivery="online",
        status=status,
        submitted_at=NOW,
        acknowledge_by=NOW,
        fee_due=fee_due,
        fee_paid=fee_paid,
        extra=extra,
    )


def test_a_dossier_awaiting_payment_owes_what_is_due_less_what_is_paid():
    assert payment.payable_amount(dossier(fee_due=8000, fee_paid=3000)) == 5000


@pytest.mark.parametrize("status", sorted(payment.PREPAY_STATUSES))
def test_a_level_4_dossier_may_be_paid_ahead_once_accepted(status):
    assert payment.payable_amount(dossier(status)) == 5000


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.STOPPED, Status.RETURNED])
def test_a_level_4_dossier_may_not_be_paid_before_acceptance_or_once_closed(status):
    with pytest.raises(InvalidTransition):
        payment.payable_amount(dossier(status))


def test_a_level_3_dossier_is_paid_online_only_when_payment_is_requested():
    with pytest.raises(InvalidTransition):
        payment.payable_amount(dossier(Status.IN_PROGRESS, level=3))
    assert payment.payable_amount(dossier(Status.AWAITING_PAYMENT, level=3)) == 5000


def test_nothing_is_payable_once_the_fee_is_paid():
    with pytest.raises(InvalidTransition, match="không còn khoản phí"):
        payment.payable_amount(dossier(fee_paid=5000))


def test_the_merchant_reference_keeps_only_letters_and_digits_of_the_code():
    ref = payment.txn_ref("000.00.56.H06-250801-0001", "A1B2C3")

    assert ref == "0000056H062508010001A1B2C3" and ref.isascii() and ref.isalnum()


def test_a_payment_is_usable_while_pending_and_unexpired():
    pending = payment.Payment(
        "REF1", "X", 5000, payment.PENDING, "vnpay", NOW, NOW + timedelta(minutes=15), "u"
    )

    assert pending.is_usable(NOW + timedelta(minutes=14))
    assert not pending.is_usable(NOW + timedelta(minutes=15))
    assert not pending.is_final


def test_the_result_is_released_when_ready_paid_and_attached():
    document = {"key": "results/x.pdf", "filename": "x.pdf", "content_type": "application/pdf"}

    released = dossier(Status.RESULT_READY, fee_paid=5000, result_document=document)

    assert payment.check_result_release(released) == document


def test_an_unpaid_result_is_forbidden_with_the_amount_in_the_message():
    with pytest.raises(Forbidden, match=r"5\.000 đồng"):
        payment.check_result_release(dossier(Status.RESULT_READY, result_document={"key": "k"}))


def test_no_result_before_the_dossier_is_resolved_or_without_a_document():
    with pytest.raises(InvalidTransition):
        payment.check_result_release(dossier(Status.IN_PROGRESS, fee_paid=5000))
    with pytest.raises(InvalidTransition, match="chưa đính kèm"):
        payment.check_result_release(dossier(Status.RETURNED, fee_paid=5000))


def test_amounts_are_written_the_vietnamese_way():
    assert payment.vnd(1200000) == "1.200.000 đồng"
