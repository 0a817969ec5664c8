"""The one-stop forms of Circular 03/2025/TT-VPCP from a real dossier: every field of Form 01,
guidance contacts on Forms 02 and 03, and each form as an A4 PDF with the Vietnamese font."""

from __future__ import annotations

import io
from datetime import datetime
from urllib.parse import urlsplit

import pytest
from pypdf import PdfReader

from tests.factories import call, submit, token

AGENCY = "ubnd-phuong-kinh-bac"
AGENCY_PHONE = "0222 3825 101"


def officer(client, role="receptionist"):
    return token(client, role=role, agency=AGENCY)


def act(client, code, who, action, **extra):
    _, view = call(client, "GET", f"/v1/officer/dossiers/{code}", token=who)
    status, view = call(
        client,
        "POST",
        f"/v1/officer/dossiers/{code}/actions",
        {"action": action, "version": view["version"], **extra},
        token=who,
    )
    assert status == 200, view
    return view


def form(client, code, number, who, pdf=False):
    suffix = "/pdf" if pdf else ""
    response = client.http.get(
        f"/v1/officer/dossiers/{code}/forms/{number}{suffix}",
        headers={"Authorization": f"Bearer {who}", "Accept": "application/pdf,*/*"},
    )
    assert response.status_code == 200, (number, response.body[:300])
    return response


def pdf_text(response) -> str:
    reader = PdfReader(io.BytesIO(response.body))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def accepted(client):
    body, created = submit(
        client,
        applicant={
            "full_name": "Trần Thị Bích Ngọc",
            "id_number": "001190000123",
            "phone": "0912000111",
            "email": "ngoc@example.vn",
            "address": "Số 5 phố Nguyễn Đăng Đạo, phường Kinh Bắc",
        },
    )
    desk = officer(client)
    view = act(client, created["code"], desk, "accept")
    return created["code"], desk, view


def test_form_01_carries_every_field_of_the_receipt(client, accepted):
    """Circular 03/2025/TT-VPCP, Form 01: applicant address, phone, email, number of sets,
    statutory time limit, book and sequence numbers, place and date, channel of the dossier."""
    code, desk, view = accepted
    html = form(client, code, "01", desk).body.decode()
    text = pdf_text(form(client, code, "01", desk, pdf=True))
    accepted_at = datetime.fromisoformat(view["accepted_at"])
    day, sequence = code.rsplit("-", 2)[1:]

    for shown in (html, text):
        assert "Số 5 phố Nguyễn Đăng Đạo, phường Kinh Bắc" in shown
        assert "0912000111" in shown and "ngoc@example.vn" in shown
        assert "Số lượng hồ sơ: 01 (bộ)" in shown
        assert "Trong ngày làm việc" in shown  # birth registration: same day
        assert f"Quyển số: {day}, Số thứ tự: {sequence}" in shown
        assert (
            f"Kinh Bắc, ngày {accepted_at:%d} tháng {accepted_at:%m} năm {accepted_at:%Y}" in shown
        )
        assert "Trực tuyến qua Cổng Dịch vụ công" in shown
        assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in shown.upper()


def test_forms_02_and_03_give_the_guidance_contacts(client, accepted):
    """Decree 61/2018 art. 15 and Circular 03/2025 Forms 02, 03: where to ask for guidance."""
    code, desk, _ = accepted
    specialist = officer(client, "specialist")
    act(client, code, specialist, "request_supplement", items=["Bản sao giấy chứng sinh rõ nét"])
    supplement = form(client, code, "02", desk).body.decode()

    assert "Bản sao giấy chứng sinh rõ nét" in supplement
    assert AGENCY_PHONE in supplement and "Phường Kinh Bắc, tỉnh Bắc Ninh" in supplement

    body, created = submit(client)
    act(client, created["code"], desk, "reject", note="Không thuộc thẩm quyền giải quyết")
    refusal = pdf_text(form(client, created["code"], "03", desk, pdf=True))
    assert "Không thuộc thẩm quyền giải quyết" in refusal and AGENCY_PHONE in refusal


def test_the_control_slip_is_form_06_and_the_stop_notice_form_05(client, accepted):
    """Circular 03/2025 renumbered the forms: 05 stop notice (new), 06 control slip."""
    code, desk, _ = accepted
    act(client, code, officer(client, "leader"), "stop", note="Theo yêu cầu của cơ quan điều tra")

    slip = pdf_text(form(client, code, "06", desk, pdf=True))
    stop = form(client, code, "05", desk).body.decode()

    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in slip and "Dừng" in slip
    assert "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ" in stop.upper()
    assert "Theo yêu cầu của cơ quan điều tra" in stop


def test_every_form_is_a_private_pdf(client, accepted):
    code, desk, _ = accepted
    for number in ("01", "02", "03", "04", "05", "06"):
        response = form(client, code, number, desk, pdf=True)
        assert response.headers["Content-Type"] == "application/pdf"
        assert response.headers["Cache-Control"] == "no-store"
        assert response.body.startswith(b"%PDF-")


def test_the_citizen_receipt_link_also_gives_the_pdf(client):
    _, created = submit(client)
    status, _ = call(client, "GET", f"/v1/dossiers/{created['code']}/receipt/pdf?t=wrong")
    link = urlsplit(created["receipt_url"])
    response = client.http.get(f"{link.path}/pdf?{link.query}", headers={"Accept": "*/*"})

    assert status == 404
    assert response.status_code == 200 and "Nguyễn Văn An" in pdf_text(response)


def test_the_status_view_names_the_handling_agency_but_no_officer(client, accepted):
    """The citizen's status view names the agency handling the dossier now (after a transfer,
    the other agency) and never an officer: no rule found requires officers' names there."""
    code, desk, _ = accepted
    act(client, code, desk, "transfer", agency="so-tu-phap")
    status, view = call(client, "GET", f"/v1/dossiers/{code}?phone=0912000111")

    assert status == 200
    assert view["agency"] == {"id": "so-tu-phap", "name": "Sở Tư pháp tỉnh Bắc Ninh"}
    assert view["receiving_agency"]["id"] == AGENCY
    assert all(set(step) <= {"at", "action", "action_label", "status", "status_label",
                             "agency", "note"} for step in view["history"])  # fmt: skip
