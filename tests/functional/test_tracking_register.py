"""Form 07 of Circular 03/2025/TT-VPCP (Annex I), the tracking register (Sổ theo dõi hồ sơ): the
book of the dossiers an agency received, one book per day of receipt, numbered as Form 01 prints
them; kept by the agency's one-stop desk and leaders only."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

import pytest
from pypdf import PdfReader

from chalicelib.domain.calendar import VN_TZ
from tests.factories import call, submit, token

AGENCY = "ubnd-phuong-kinh-bac"  # receives the default test procedure (birth registration)
OTHER_AGENCY = "ubnd-phuong-bac-giang"
REGISTER = f"/v1/officer/agencies/{AGENCY}/register"


def today() -> str:
    return datetime.now(VN_TZ).date().isoformat()


def fetch(client, who, path=REGISTER, start=None, end=None, pdf=False):
    start = start or today()
    end = end or start
    suffix = "/pdf" if pdf else ""
    headers = {"Accept": "application/pdf,*/*"}
    if who:
        headers["Authorization"] = f"Bearer {who}"
    return client.http.get(f"{path}{suffix}?from={start}&to={end}", headers=headers)


@pytest.fixture
def received(client):
    """Two dossiers the agency received today, the first one accepted by the desk."""
    desk = token(client, role="receptionist", agency=AGENCY)
    first = submit(client, applicant={"full_name": "Lê Thị Sổ Một", "phone": "0912000701",
                                      "id_number": "001190000701",
                                      "address": "Số 7 đường Lý Thái Tổ"})[1]  # fmt: skip
    second = submit(client, applicant={"full_name": "Phạm Văn Sổ Hai", "phone": "0912000702",
                                       "id_number": "001190000702"})[1]  # fmt: skip
    _, view = call(client, "GET", f"/v1/officer/dossiers/{first['code']}", token=desk)
    status, _ = call(
        client,
        "POST",
        f"/v1/officer/dossiers/{first['code']}/actions",
        {"action": "accept", "version": view["version"]},
        token=desk,
    )
    assert status == 200
    return desk, first["code"], second["code"]


def test_form_07_lists_the_day_s_dossiers_in_book_order_with_the_register_columns(client, received):
    """Circular 03/2025/TT-VPCP, Form 07 (the register of the former Circular 01/2018 Form 06):
    code, procedure, number of sets, applicant, address and phone, handling agency, receipt,
    appointment, hand-overs and return; the book is the day of receipt, as on Form 01."""
    desk, first, second = received
    response = fetch(client, desk)
    html = response.body.decode()

    assert response.status_code == 200, html[:300]
    assert response.headers["Cache-Control"] == "no-store"
    assert "Sổ theo dõi hồ sơ".upper() in html.upper()
    book, number = first.rsplit("-", 2)[1:]
    assert f"Quyển số: {book}" in html
    assert html.index(first) < html.index(second)  # in the order of the day's numbers
    for shown in ("Lê Thị Sổ Một", "Số 7 đường Lý Thái Tổ; 0912000701", "Phạm Văn Sổ Hai",
                  "Đăng ký khai sinh", "Hẹn trả kết quả", "Ủy ban nhân dân phường Kinh Bắc",
                  f"<td>{number}</td>"):  # fmt: skip
        assert shown in html


def test_form_07_prints_as_a_landscape_a4_pdf_with_the_vietnamese_font(client, received):
    desk, first, _ = received
    response = fetch(client, desk, pdf=True)

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.body))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)  # A4 across
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "SỔ THEO DÕI HỒ SƠ" in text and "Lê Thị Sổ Một" in text
    fonts = {
        str(font.get_object()["/BaseFont"]).split("+")[-1]
        for page in reader.pages
        for font in page["/Resources"].get("/Font", {}).values()
    }
    assert fonts == {"DejaVuSansBook", "DejaVuSansBold"}  # embedded subsets


def test_another_day_s_book_does_not_hold_today_s_dossiers(client, received):
    desk, first, _ = received
    yesterday = (datetime.now(VN_TZ).date() - timedelta(days=1)).isoformat()
    html = fetch(client, desk, start=yesterday).body.decode()

    assert first not in html


@pytest.mark.parametrize("role", ["receptionist", "leader", "admin"])
def test_the_desk_and_the_leaders_of_the_agency_keep_the_register(client, received, role):
    _, first, _ = received
    response = fetch(client, token(client, role=role, agency=AGENCY))

    assert response.status_code == 200 and first in response.body.decode()


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ({"role": "specialist", "agency": AGENCY}, 403),  # not the desk's book to keep
        ({"role": "citizen"}, 403),
        ({"role": "receptionist", "agency": OTHER_AGENCY}, 404),  # another agency's book
        ({"role": "leader", "agency": OTHER_AGENCY}, 404),
        (None, 401),
    ],
)
def test_nobody_else_reads_the_register(client, received, who, expected):
    _, first, _ = received
    caller = token(client, **who) if who else None
    for pdf in (False, True):
        response = fetch(client, caller, pdf=pdf)
        assert response.status_code == expected
        assert b"0912000701" not in response.body and first.encode() not in response.body


def test_an_unknown_agency_is_404(client):
    who = token(client, role="leader", agency=AGENCY)

    assert fetch(client, who, path="/v1/officer/agencies/khong-co/register").status_code == 404


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("2026-01-31", "2026-01-01"),  # backwards
        ("2026-01-01", "2026-02-01"),  # 32 days
        ("2026-02-30", "2026-03-01"),  # no such day
        ("01/02/2026", "2026-02-03"),
    ],
)
def test_a_period_is_real_days_in_order_and_at_most_31_of_them(client, start, end):
    who = token(client, role="leader", agency=AGENCY)
    response = fetch(client, who, start=start, end=end)

    assert response.status_code == 400
    assert b"VALIDATION_FAILED" in response.body


def test_a_book_too_long_for_one_answer_asks_for_fewer_days(client, received, monkeypatch):
    from chalicelib.services.dossiers import register

    monkeypatch.setattr(register, "MAX_ROWS", 1)
    response = fetch(client, token(client, role="leader", agency=AGENCY))

    assert response.status_code == 400 and b"VALIDATION_FAILED" in response.body


def test_a_number_whose_dossier_is_gone_does_not_end_the_book(client, received, monkeypatch):
    """The book runs to the day's last number: a missing dossier (archived, or removed by an
    operator) is skipped, and the dossiers numbered after it are still listed."""
    from chalicelib.persistence import dossier_store

    desk, first, second = received
    model, _, _ = dossier_store.models()
    model.get(dossier_store.pk(first), dossier_store.META).delete()
    monkeypatch.setattr(dossier_store, "REGISTER_BATCH", 1)  # the gap ends a batch of its own
    html = fetch(client, desk).body.decode()

    assert first not in html and second in html
