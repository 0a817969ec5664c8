"""Domain objects for the unit tests, built one way: any field of a dossier can be changed,
the rest are plausible defaults (a birth registration at a commune of Bắc Ninh)."""

from __future__ import annotations

from datetime import datetime, timedelta

from chalicelib.domain.calendar import VN_TZ, WorkingCalendar
from chalicelib.domain.documents import ATTACHMENT, Document
from chalicelib.domain.dossier import Dossier, Status, submit
from chalicelib.domain.feedback import Category, Feedback

CALENDAR = WorkingCalendar(holidays=frozenset())
MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=VN_TZ)
FEES = [
    {
        "channel": "online",
        "name": "Lệ phí",
        "amount": 50000,
        "exemptions": None,
        "reductions": [
            {"code": "mien-phi", "name": "Trẻ em", "amount": 0, "legal_basis": "Thông tư X"},
            {"code": "giam", "name": "Sinh viên", "amount": 20000, "legal_basis": "Thông tư X"},
        ],
    }
]


def dossier(**changes) -> Dossier:
    """A dossier as stored, built field by field: `changes` replace the defaults."""
    fields = dict(
        code="000.00.51.H06-250303-0001",
        procedure={"code": "1.001193", "name": "Đăng ký khai sinh", "level": 3},
        agency_id="ubnd-phuong-kinh-bac",
        applicant={"full_name": "Nguyễn Văn An", "phone": "0912345678"},
        owner=None,
        form={},
        attachments=[],
        result_delivery="counter",
        notify=[],
        status=Status.SUBMITTED,
        submitted_at=MONDAY,
        acknowledge_by=MONDAY + timedelta(hours=8),
    )
    fields.update(changes)
    return Dossier(**fields)


def make_dossier(status=Status.SUBMITTED, level=3, days=10, at=MONDAY) -> Dossier:
    procedure = {
        "code": "1.000894",
        "version": 1,
        "name": "Đăng ký kết hôn",
        "agency_id": "ubnd-a",
        "agency_name": "UBND phường A",
        "level": level,
        "processing_time": {"value": days, "unit": "working_days", "same_day": False},
        "fees": FEES,
    }
    dossier = submit(
        "000.00.01.H06-260302-0001",
        procedure,
        {"full_name": "A", "phone": "0912345678"},
        None,
        {},
        [],
        "counter",
        ["sms"],
        at,
        CALENDAR.acknowledge_by(at),
        0,
    )
    dossier.pending_history.clear()
    dossier.pending_events.clear()
    dossier.status = status
    if status not in (Status.SUBMITTED,):
        dossier.accepted_at = at
        dossier.due_at = CALENDAR.due_at(at, days, "working_days")
    if status is Status.AWAITING_PAYMENT:
        dossier.fee_due = 50000
    if status is Status.SUPPLEMENT_REQUESTED:
        dossier.requested = {"type": "supplement", "phase": "appraisal", "items": ["x"]}
    if status is Status.RESULT_READY:
        dossier.fee_due, dossier.outcome = 50000, "approved"
    return dossier


def feedback(**changes) -> Feedback:
    """A feedback (PAKN) as stored, received on Monday: `changes` replace the defaults."""
    fields = dict(
        id="PAKN-260302-ABCDE",
        title="Đèn đường hỏng",
        content="Đèn đường ở ngõ 12 hỏng đã một tuần.",
        category=Category("co_so_ha_tang"),
        agency_id="ubnd-phuong-kinh-bac",
        sender={"full_name": "Nguyễn Văn An", "phone": "0912345678"},
        public=True,
        channel="online",
        received_at=MONDAY,
        agency_received_at=MONDAY,
        forward_by=MONDAY + timedelta(days=3),
        due_at=MONDAY + timedelta(days=10),
        location={"address": "Ngõ 12"},
    )
    fields.update(changes)
    return Feedback(**fields)


def document(**changes) -> Document:
    """A wallet document (a file accepted with an earlier dossier): `changes` replace the
    defaults."""
    fields = dict(
        document_id="0" * 31 + "1",
        kind=ATTACHMENT,
        name="giay-chung-sinh.pdf",
        dossier_code="000.00.51.H06-250303-0001",
        agency_id="ubnd-phuong-kinh-bac",
        owner="citizen-1",
        bucket="uploads",
        key="attachments/a/giay-chung-sinh.pdf",
        content_type="application/pdf",
        size_bytes=120_000,
        issued_at=MONDAY,
        component_code="TP1",
    )
    fields.update(changes)
    return Document(**fields)
