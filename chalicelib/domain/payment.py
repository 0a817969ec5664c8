"""Online payment of a dossier's fees and the release of its electronic result: when a citizen
may pay, how much, the merchant reference sent to the gateway, and when the result may be
downloaded. Pure rules: the gateway adapters live in integrations/, the state in persistence/.

A payment is `pending` until the gateway reports it (IPN, or the reconciler's query when the IPN
was lost); then it is final, `paid` or `failed`, and never changes again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from chalicelib.domain.dossier import Dossier, Status
from chalicelib.domain.errors import Forbidden, InvalidTransition

PENDING, PAID, FAILED = "pending", "paid", "failed"
FINAL = frozenset({PAID, FAILED})
# Level 4 ("toàn trình"): the fee may be paid online once the dossier is accepted, before an
# officer asks for it, and until the result is handed over (it releases the result).
PREPAY_STATUSES = frozenset({Status.ACCEPTED, Status.IN_PROGRESS, Status.RESULT_READY})
RESULT_STATUSES = frozenset({Status.RESULT_READY, Status.RETURNED})
_NOT_ALNUM = re.compile(r"[^A-Za-z0-9]")


@dataclass(frozen=True)
class Payment:
    txn_ref: str
    dossier_code: str
    amount: int
    state: str
    provider: str
    created_at: datetime
    expires_at: datetime
    payment_url: str
    gateway_txn_id: str = ""
    result_code: str = ""
    paid_at: datetime | None = None
    settled_at: datetime | None = None
    settled_by: str | None = None

    @property
    def is_final(self) -> bool:
        return self.state in FINAL

    def is_usable(self, now: datetime) -> bool:
        """Still worth sending the citizen to: pending and the gateway still accepts it."""
        return self.state == PENDING and now < self.expires_at


def owed(dossier: Dossier) -> int:
    return max(dossier.fee_due - dossier.fee_paid, 0)


def payable_amount(dossier: Dossier) -> int:
    """What the citizen may pay online now; INVALID_TRANSITION when nothing may be paid."""
    amount = owed(dossier)
    if amount <= 0:
        raise InvalidTransition("Hồ sơ không còn khoản phí, lệ phí nào phải nộp.")
    if dossier.status is Status.AWAITING_PAYMENT:
        return amount
    if dossier.procedure.get("level", 3) >= 4 and dossier.status in PREPAY_STATUSES:
        return amount
    raise InvalidTransition("Hồ sơ chưa đến bước nộp phí, lệ phí trực tuyến.")


def txn_ref(dossier_code: str, suffix: str) -> str:
    """The merchant reference: the dossier code's letters and digits plus a random suffix
    (docs/integrations.md §2.2: unique per day, and only [A-Za-z0-9] is safe everywhere)."""
    return _NOT_ALNUM.sub("", dossier_code) + suffix


def order_info(dossier: Dossier) -> str:
    return f"Thanh toan phi, le phi ho so {dossier.code}"


def check_result_release(dossier: Dossier) -> dict:
    """The result document the applicant may download now, or why not (409 or 403)."""
    if dossier.status not in RESULT_STATUSES:
        raise InvalidTransition("Hồ sơ chưa có kết quả giải quyết.")
    amount = owed(dossier)
    if amount:
        raise Forbidden(
            f"Vui lòng nộp phí, lệ phí còn thiếu ({vnd(amount)}) trước khi nhận kết quả trực tuyến."
        )
    document = dossier.extra.get("result_document")
    if not document:
        raise InvalidTransition(
            "Cơ quan giải quyết chưa đính kèm kết quả điện tử; kết quả được trả theo hình thức "
            "bạn đã đăng ký."
        )
    return document


def vnd(amount: int) -> str:
    """5000 -> "5.000 đồng" (Vietnamese thousands separator)."""
    return f"{amount:,}".replace(",", ".") + " đồng"
