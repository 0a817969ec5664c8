"""The national sync record is a pure function of the dossier and its history up to a change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from chalicelib.domain import national_sync
from chalicelib.domain.dossier import Dossier, Status
from chalicelib.validation import errors_for
from tests import builders

VN = timezone(timedelta(hours=7))
T0 = datetime(2025, 3, 3, 8, 5, 9, tzinfo=VN)


def entry(seq, action, status_from, status_to, hours, due=None, role="receptionist"):
    return {
        "seq": seq,
        "at": (T0 + timedelta(hours=hours)).isoformat(),
        "action": action,
        "status_from": status_from,
        "status_to": status_to,
        "actor_role": role,
        "agency_id": "ubnd-phuong-kinh-bac",
        "step_due_at": due.isoformat() if due else None,
        "version": seq,
    }


DUE = T0 + timedelta(days=3)
HISTORY = [
    entry(1, "submit", None, "submitted", 0, T0 + timedelta(hours=8), role="citizen"),
    entry(2, "accept", "submitted", "accepted", 1, DUE),
    entry(3, "assign", "accepted", "in_progress", 2, DUE),
    entry(4, "assign", "in_progress", "in_progress", 3, DUE),
    entry(5, "approve", "in_progress", "result_ready", 4, DUE, role="leader"),
    entry(6, "return_result", "result_ready", "returned", 5, DUE),
]


def dossier(**changes) -> Dossier:
    fields = dict(
        code="000.00.51.H06-250303-0001",
        procedure={
            "code": "1.001193",
            "name": "Đăng ký khai sinh",
            "fees": [
                {"channel": "online", "name": "Lệ phí", "amount": 8000},
                {"channel": "counter", "name": "Lệ phí", "amount": 10000},
            ],
        },
        agency_id="ubnd-phuong-kinh-bac",
        applicant={
            "full_name": "Nguyễn Văn An",
            "id_number": "001090000001",
            "phone": "0912345678",
        },
        attachments=[
            {"component_code": "TP2", "filename": "a.pdf", "key": "k1"},
            {"component_code": "TP3", "filename": "b.pdf", "key": "k2", "document_id": "d1"},
        ],
        result_delivery="counter",
        status=Status.RETURNED,
        submitted_at=T0,
        acknowledge_by=T0 + timedelta(hours=8),
        version=6,
        extra={"payments": [{"channel": "online", "amount": 8000}]},
    )
    return builders.dossier(**{**fields, **changes})


def build(change_seq: int, d: Dossier | None = None) -> dict:
    change = next(e for e in HISTORY if e["seq"] == change_seq)
    return national_sync.build(
        d or dossier(), HISTORY, change, "000.00.51.H06", lambda a: f"https://files.test/{a['key']}"
    )


def test_only_entries_that_change_the_status_are_synchronised():
    assert [e["seq"] for e in national_sync.status_changes(HISTORY)] == [1, 2, 3, 5, 6]
    assert [e["seq"] for e in national_sync.pending_changes(HISTORY, 3)] == [5, 6]


def test_dates_are_vietnam_local_yyyymmddhhmmss():
    utc = datetime(2025, 3, 3, 1, 5, 9, tzinfo=UTC)
    assert national_sync.national_date(utc) == "20250303080509"
    assert national_sync.national_date(None) is None


def test_a_record_describes_the_dossier_as_it_stood_after_its_change():
    accepted = build(2)

    assert accepted["status"] == {"code": 2, "key": "new"}
    assert accepted["version"] == 2 and accepted["step"] == 2
    assert accepted["dates"]["submitted"] == "20250303080509"
    assert accepted["dates"]["received"] == "20250303090509"
    assert accepted["dates"]["appointment"] == DUE.strftime("%Y%m%d%H%M%S")
    assert accepted["dates"]["processing_ended"] is None and accepted["dates"]["returned"] is None
    assert [row["status_code"] for row in accepted["history"]] == [1, 2]
    assert errors_for(accepted, national_sync.RECORD_SCHEMA) == []


def test_the_last_record_has_every_date_history_row_document_flag_and_fee_line():
    done = build(6)

    assert done["status"] == {"code": 10, "key": "done"}
    assert done["dates"]["processing_ended"] == "20250303120509"
    assert done["dates"]["returned"] == "20250303130509"
    assert [row["step"] for row in done["history"]] == [1, 2, 3, 4, 5, 6]
    assert done["history"][4]["handler"] == "leader"
    assert [d["reused"] for d in done["documents"]] == [False, True]
    assert done["documents"][0]["file_url"] == "https://files.test/k1"
    assert done["payment"] == {
        "online": True,
        "due": 0,
        "paid": 0,
        "fees": [{"name": "Lệ phí", "amount": 8000}],
    }
    assert done["applicant"]["type"] == 1 and done["applicant"]["id_type"] == 1
    assert errors_for(done, national_sync.RECORD_SCHEMA) == []


def test_a_refusal_at_intake_carries_its_date_and_the_denied_key():
    history = [HISTORY[0], entry(2, "reject", "submitted", "rejected", 1)]
    record = national_sync.build(
        dossier(status=Status.REJECTED), history, history[1], "X", lambda a: "https://f.test/x"
    )

    assert record["status"] == {"code": 3, "key": "denied"}
    assert record["dates"]["refused"] == "20250303090509"


def test_a_nine_digit_id_is_an_old_identity_card():
    part = national_sync.applicant_part({"full_name": "A", "id_number": "123456789"})
    assert part["id_type"] == 2
