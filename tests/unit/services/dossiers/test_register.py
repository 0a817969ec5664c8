"""Form 07, the tracking register: only the receiving agency's own officers see its book, at
most 31 days and 2000 dossiers at a time, one book per day of receipt numbered as the codes are;
each row names who decides and notes the outcome or its timeliness."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest

from chalicelib.documents.pdf import Paragraph, Table
from chalicelib.domain.dossier import Status
from chalicelib.domain.errors import NotFound, ValidationFailed
from chalicelib.domain.principal import Principal
from chalicelib.services.dossiers import register
from tests.builders import MONDAY, dossier

AGENCIES = {
    "ubnd-a": SimpleNamespace(id="ubnd-a", id_code="000.00.01.H06", name="UBND phường A"),
    "so-tp": SimpleNamespace(id="so-tp", id_code="000.00.02.H06", name="Sở Tư pháp"),
}
DESK = Principal("receptionist-1", "receptionist", "ubnd-a")
DAY = date(2026, 3, 2)


@pytest.fixture
def received(monkeypatch):
    """The dossiers received per day (Vietnamese midnight), and the calls the store saw."""
    by_day: dict[date, list] = {}
    calls: list[tuple] = []

    def received_on(id_code, day, limit):
        calls.append((id_code, day, limit))
        return by_day.get(day.date(), [])[:limit]

    catalog = SimpleNamespace(agency=AGENCIES.get)
    monkeypatch.setattr(register.catalog_service, "get_catalog", lambda: catalog)
    monkeypatch.setattr(register.dossier_store, "received_on", received_on)
    return SimpleNamespace(by_day=by_day, calls=calls)


def tables(document) -> list[Table]:
    return [b for b in document.blocks if isinstance(b, Table)]


def texts(document) -> list[str]:
    return [b.text for b in document.blocks if isinstance(b, Paragraph)]


def test_another_agencys_register_does_not_exist(received):
    with pytest.raises(NotFound):
        register.register_document("so-tp", DAY, DAY, DESK)
    with pytest.raises(NotFound):
        register.register_document("no-such", DAY, DAY, Principal("x", "receptionist", "no-such"))


def test_one_book_per_day_of_receipt_asked_by_the_agency_code(received):
    received.by_day[DAY] = [dossier(code="000.00.01.H06-260302-0001", agency_id="ubnd-a")]
    received.by_day[DAY + timedelta(days=2)] = [
        dossier(code="000.00.01.H06-260304-0001", agency_id="ubnd-a"),
        dossier(code="000.00.01.H06-260304-0002", agency_id="ubnd-a"),
    ]

    document = register.register_document("ubnd-a", DAY, DAY + timedelta(days=2), DESK)

    assert [c[0] for c in received.calls] == ["000.00.01.H06"] * 3
    assert [c[1].date() for c in received.calls] == [DAY + timedelta(days=n) for n in range(3)]
    assert [[row[:2] for row in t.rows] for t in tables(document)] == [
        [["0001", "000.00.01.H06-260302-0001"]],
        [["0001", "000.00.01.H06-260304-0001"], ["0002", "000.00.01.H06-260304-0002"]],
    ]
    assert "**Quyển số: 260304** (ngày 04/03/2026)" in texts(document)
    assert "Tổng số hồ sơ đã tiếp nhận: 3." in texts(document)
    assert document.landscape


def test_an_empty_period_says_so(received):
    document = register.register_document("ubnd-a", DAY, DAY, DESK)

    assert tables(document) == []
    assert "Không có hồ sơ được tiếp nhận trong khoảng thời gian này." in texts(document)


@pytest.mark.parametrize("end", [DAY - timedelta(days=1), DAY + timedelta(days=31)])
def test_the_period_runs_forward_at_most_31_days(received, end):
    with pytest.raises(ValidationFailed) as refused:
        register.register_document("ubnd-a", DAY, end, DESK)

    assert [d.field for d in refused.value.details] == ["to"]
    assert received.calls == []


def test_more_than_2000_dossiers_is_refused_and_each_day_asks_only_for_what_is_left(
    received, monkeypatch
):
    monkeypatch.setattr(register, "MAX_ROWS", 3)
    received.by_day[DAY] = [dossier(code=f"000.00.01.H06-260302-000{n}") for n in (1, 2)]
    received.by_day[DAY + timedelta(days=1)] = [
        dossier(code=f"000.00.01.H06-260303-000{n}") for n in (1, 2)
    ]

    with pytest.raises(ValidationFailed):
        register.register_document("ubnd-a", DAY, DAY + timedelta(days=1), DESK)
    assert [c[2] for c in received.calls] == [4, 2]


def test_a_row_names_who_decides_and_notes_the_outcome_or_timeliness(received):
    transferred = dossier(
        agency_id="so-tp",
        applicant={"full_name": "Trần Thị B", "address": "Số 1 ngõ 2", "phone": "0912345678"},
        extra={"receiving_agency_id": "ubnd-a", "sets": 2},
        accepted_at=MONDAY,
        due_at=MONDAY + timedelta(days=5),
    )
    came_back = dossier(
        status=Status.RETURNED,
        agency_id="ubnd-a",
        outcome="approved",
        finished_at=MONDAY + timedelta(days=3),
        extra={"former_agency_ids": ["ubnd-a", "so-tp"], "timeliness": "early"},
    )
    refused = dossier(status=Status.RETURNED, outcome="refused", applicant={})

    rows = [register._row(d) for d in (transferred, came_back, refused)]

    assert rows[0][3:7] == ["02", "Trần Thị B", "Số 1 ngõ 2; 0912345678", "Sở Tư pháp"]
    assert rows[0][-1] == Status.SUBMITTED.label
    assert rows[1][3] == "01" and rows[1][6] == "Sở Tư pháp" and rows[1][-1] == "Trước hạn"
    assert rows[1][10] == "09 giờ 00, ngày 05/03/2026"
    assert rows[2][4:6] == ["", "—"] and rows[2][-1] == "Từ chối giải quyết"
