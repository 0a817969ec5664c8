"""End to end over HTTP on `make run`'s stack: a dossier handed in at the counter and one that
arrived by post, each from intake to returned (the postal one sent back by post, with the
carrier's tracking number moving), and the receptionist's console page doing a counter intake
and printing Form 01."""

from __future__ import annotations

import re
import urllib.request

import pytest

from tests.e2e.browser import DESKTOP, PROCEDURE, RESULT_PDF, Recorder, new_page
from tests.e2e.browser import officer_sign_in as sign_in
from tests.e2e.test_local_stack import multipart, request

pytestmark = pytest.mark.slow
DESK = "ubnd-phuong-kinh-bac"
BIRTH = "1.001193"


def officer(base, role, agency=DESK):
    status, data = request("POST", f"{base}/dev/token", {"role": role, "agency": agency})
    assert status == 201, data
    return {"Authorization": f"Bearer {data['access_token']}"}


def scanned(base, desk, component):
    status, upload = request(
        "POST",
        f"{base}/v1/officer/uploads",
        {
            "procedure_code": BIRTH,
            "component_code": component,
            "filename": "giay-chung-sinh.pdf",
            "content_type": "application/pdf",
            "size_bytes": len(RESULT_PDF),
        },
        desk,
    )
    assert status == 201, upload
    body, content_type = multipart(upload["fields"], "scan.pdf", RESULT_PDF, "application/pdf")
    post = urllib.request.Request(
        upload["url"], data=body, method="POST", headers={"Content-Type": content_type}
    )
    with urllib.request.urlopen(post, timeout=30) as answer:  # noqa: S310 - loopback only
        assert answer.status in (200, 201, 204)
    return upload["upload_id"]


def act(base, code, who, action, **params):
    _, view = request("GET", f"{base}/v1/officer/dossiers/{code}", headers=who)
    status, view = request(
        "POST",
        f"{base}/v1/officer/dossiers/{code}/actions",
        {"action": action, "version": view["version"], **params},
        who,
    )
    assert status == 200, view
    return view


@pytest.mark.parametrize("channel", ["counter", "post"])
def test_a_paper_dossier_goes_from_the_desk_to_returned(portal, channel):
    desk, leader = officer(portal, "receptionist"), officer(portal, "leader")
    _, form = request("GET", f"{portal}/v1/procedures/{BIRTH}/form")
    body = {
        "procedure_code": BIRTH,
        "channel": channel,
        "applicant": {
            "full_name": "Phạm Văn Đức",
            "id_number": "027095004321",
            "phone": "0987001122",
            "address": "Số 12 phố Ngô Gia Tự, phường Kinh Bắc, tỉnh Bắc Ninh",
        },
        "form": form["examples"][0],
        "attachments": [{"component_code": "TP2", "upload_id": scanned(portal, desk, "TP2")}],
        "result_delivery": "post" if channel == "post" else "counter",
        "notify": ["sms"],
    }
    if channel == "post":
        body["consignment"] = {"carrier": "VNPost", "tracking_number": "RR987654321VN"}

    status, created = request("POST", f"{portal}/v1/officer/dossiers", body, desk)

    assert status == 201, created
    code = created["code"]
    assert created["status"] == "accepted" and code.startswith("000.14.50.H06-")
    act(portal, code, leader, "assign", assignee="specialist-1")
    act(portal, code, leader, "approve")
    returned = act(portal, code, desk, "return_result", via=body["result_delivery"])
    assert returned["status"] == "returned"
    _, found = request("GET", f"{portal}/v1/dossiers/{code}?phone=0987001122")
    assert found["status"] == "returned" and found["channel"] == channel
    if channel == "post":
        assert re.fullmatch(r"EB\d{9}VN", returned["shipment"]["tracking_number"])
        _, moved = request("POST", f"{portal}/v1/officer/dossiers/{code}/shipment", {}, desk)
        assert moved["shipment"]["status"] == "picked_up"


def test_the_desk_receives_a_dossier_in_the_console_and_prints_form_01(portal, browser):
    rec = Recorder("counter-intake")
    page = new_page(browser, DESKTOP)
    sign_in(page, portal, rec)

    page.get_by_role("link", name="Tiếp nhận hồ sơ trực tiếp").click()
    page.get_by_label("Thủ tục", exact=True).select_option(PROCEDURE)
    page.get_by_role("button", name="Chọn thủ tục").click()
    page.wait_for_url(f"{portal}/can-bo/tiep-nhan?thu-tuc={PROCEDURE}")
    page.locator("#intake[data-ready=true]").wait_for()
    rec.check(page, "intake-form")

    page.locator("#f-applicant-full_name").fill("Đỗ Thị Lan")
    page.locator("#f-applicant-id_number").fill("027192007788")
    page.locator("#f-applicant-phone").fill("0966554433")
    declaration = page.locator("#f-form")
    person = "form.nguoi_yeu_cau."
    declaration.locator(f'[name="{person}ho_ten"]').fill("Đỗ Thị Lan")
    declaration.locator(f'[name="{person}so_dinh_danh"]').fill("027192007788")
    declaration.locator(f'[name="{person}so_dien_thoai"]').fill("0966554433")
    declaration.locator(f'[name="{person}ngay_sinh"]').fill("1992-04-12")
    declaration.get_by_label("Nơi cư trú").fill("Thôn Đông, xã Hợp Thịnh, tỉnh Bắc Ninh")
    declaration.get_by_label("Chưa đăng ký kết hôn với ai").check()
    declaration.get_by_label("Mục đích sử dụng").select_option("Vay vốn ngân hàng")

    # The declaration is required: accepting before it is checked and scanned is stopped.
    page.get_by_role("button", name="Tiếp nhận hồ sơ", exact=True).click()
    page.locator("#error-summary").get_by_text("chưa đối chiếu và quét").wait_for()
    rec.check(page, "intake-errors")

    page.locator("#scan-TP1").set_input_files(
        {"name": "to-khai.pdf", "mimeType": "application/pdf", "buffer": RESULT_PDF}
    )
    page.get_by_text("Đã tải lên: to-khai.pdf").wait_for()
    assert page.locator("#scan-TP1-progress").get_attribute("value") == "100"
    assert page.locator("#check-TP1").is_checked()
    page.get_by_role("button", name="Tiếp nhận hồ sơ", exact=True).click()
    done = page.locator("#intake-done")
    done.wait_for()
    code = done.locator("[data-code]").inner_text()
    assert re.fullmatch(r"[0-9A-Z.]+-\d{6}-\d{4}", code)
    rec.check(page, "intake-done")

    with page.expect_popup() as opened:
        page.get_by_role("link", name="In Mẫu 01").click()
    slip = opened.value
    slip.wait_for_url(re.compile(r"^blob:"))  # the tab opens blank, then shows the fetched form
    slip.locator("h1").first.wait_for()
    text = slip.locator("body").inner_text()
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text.upper()
    assert code in text and "Đỗ Thị Lan" in text
    rec.shot(slip, "form-01")
