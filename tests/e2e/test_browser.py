"""The portal and the officer console in a real browser (Debian's Chromium driven by Playwright)
against the local stack, as `make run` starts it: a citizen on a phone finds a level-4
procedure, fills the form, uploads a file, submits, pays on the fake gateway and downloads the
result after an officer, in the console, accepts, approves and returns it. Every page visited
is scanned with axe-core (no serious or critical violation allowed) and photographed into
test-artifacts/browser/."""

from __future__ import annotations

import re

import pytest

from tests.e2e.browser import (
    AGENCY,
    APPLICANT_PHONE,
    ARTIFACTS,
    DESKTOP,
    PHONE,
    PROCEDURE,
    RESULT_PDF,
    Recorder,
    look_up,
    new_page,
    officer_act,
    officer_sign_in,
    wait_for_text,
)

pytestmark = pytest.mark.slow


def test_citizen_applies_pays_and_gets_the_result_an_officer_approved(portal, browser):
    rec = Recorder("citizen-journey")
    phone = new_page(browser, PHONE)

    # Find the procedure from the home page by searching without diacritics.
    phone.goto(portal + "/")
    rec.check(phone, "home")
    phone.get_by_label("Bạn cần làm thủ tục gì?").fill("xac nhan tinh trang hon nhan")
    phone.get_by_role("button", name="Tìm kiếm").click()
    rec.check(phone, "search-results")
    phone.get_by_role("link", name="Cấp Giấy xác nhận tình trạng hôn nhân").first.click()
    rec.check(phone, "procedure")
    assert phone.get_by_text("Căn cứ pháp lý").is_visible()
    # Every commune performs it: the citizen picks where to submit.
    phone.get_by_label("Nơi nộp hồ sơ").select_option(AGENCY)
    phone.get_by_role("button", name="Xem tại nơi đã chọn").click()
    phone.get_by_role("link", name="Nộp hồ sơ trực tuyến").first.click()
    phone.wait_for_url(f"{portal}/thu-tuc/{PROCEDURE}/nop-ho-so?agency={AGENCY}")
    assert phone.get_by_label("Nơi nộp hồ sơ").input_value() == AGENCY
    rec.check(phone, "apply-form")

    # Trying to continue with nothing filled shows an error summary linking to the fields.
    phone.get_by_role("button", name="Tiếp tục: xem lại hồ sơ").click()
    summary = phone.locator("#error-summary")
    summary.wait_for()
    rec.check(phone, "apply-errors")
    summary.get_by_role("link", name=re.compile("^Họ và tên")).click()
    assert phone.evaluate("document.activeElement.id") == "f-applicant-full_name"

    phone.get_by_label("Họ và tên").fill("Hoàng Thị Mai")
    phone.get_by_label("Số định danh cá nhân (CCCD)").fill("024197005566")
    phone.get_by_label("Số điện thoại di động").fill(APPLICANT_PHONE)
    declaration = phone.locator("#f-form")
    requester = "form.nguoi_yeu_cau."
    declaration.locator(f'[name="{requester}ngay_sinh"]').fill("1997-06-21")
    assert declaration.locator(f'[name="{requester}ho_ten"]').input_value() == "Hoàng Thị Mai"
    assert (
        declaration.locator(f'[name="{requester}so_dien_thoai"]').input_value() == APPLICANT_PHONE
    )
    declaration.get_by_label("Nơi cư trú").fill("Thôn Trung, xã Hợp Thịnh, tỉnh Bắc Ninh")
    declaration.get_by_label("Chưa đăng ký kết hôn với ai").check()
    declaration.get_by_label("Mục đích sử dụng").select_option("Vay vốn ngân hàng")
    phone.locator("#file-TP3").set_input_files(
        {"name": "giay-xac-nhan-cu.pdf", "mimeType": "application/pdf", "buffer": RESULT_PDF}
    )
    phone.get_by_text("Đã tải lên: giay-xac-nhan-cu.pdf").wait_for()
    assert phone.locator("#file-TP3-progress").get_attribute("value") == "100"
    rec.shot(phone, "apply-filled")

    phone.get_by_role("button", name="Tiếp tục: xem lại hồ sơ").click()
    phone.locator("#step-review").wait_for()
    assert "Vay vốn ngân hàng" in phone.locator("#review-content").inner_text()
    rec.check(phone, "review")
    phone.get_by_label(re.compile("^Tôi xin cam đoan")).check()
    phone.get_by_role("button", name="Nộp hồ sơ", exact=True).click()
    phone.locator("#step-done").wait_for()
    code = phone.locator("#done-code").inner_text().strip()
    assert re.fullmatch(r"[0-9A-Z.]+-\d{6}-\d{4}", code), code
    rec.check(phone, "receipt")
    assert APPLICANT_PHONE not in phone.url

    # The officer signs in to the console, finds it in the inbox and accepts it.
    desk = new_page(browser, DESKTOP)
    officer_sign_in(desk, portal, rec)
    desk.get_by_role("link", name=code).wait_for()
    rec.check(desk, "officer-inbox")
    desk.get_by_role("link", name=code).click()
    desk.get_by_role("heading", name="Thao tác").wait_for()
    rec.check(desk, "officer-dossier")
    assert desk.get_by_role("link", name="giay-xac-nhan-cu.pdf").is_visible()
    assert not desk.get_by_role("button", name="Phê duyệt kết quả").is_visible()
    officer_act(desk, "Tiếp nhận hồ sơ", rec)
    with desk.expect_popup() as popup:
        desk.get_by_role("link", name=re.compile("^Mẫu 01")).click()
    popup.value.wait_for_url(re.compile("^blob:"))
    popup.value.wait_for_load_state()
    assert code in popup.value.content()
    rec.shot(popup.value, "officer-printable-form-01")
    popup.value.close()

    # The citizen looks the dossier up and pays the fee on the (fake) gateway.
    look_up(phone, portal, code, APPLICANT_PHONE)
    wait_for_text(phone, "#dossier-view", "Đã tiếp nhận")
    rec.check(phone, "lookup-accepted")
    assert APPLICANT_PHONE not in phone.url
    phone.get_by_role("button", name="Nộp phí trực tuyến").click()
    phone.get_by_role("button", name="Thanh toán thành công").wait_for()
    rec.shot(phone, "fake-gateway")
    phone.get_by_role("button", name="Thanh toán thành công").click()
    phone.get_by_text("Thanh toán thành công.").wait_for()
    rec.shot(phone, "payment-return")
    look_up(phone, portal, code, APPLICANT_PHONE)
    wait_for_text(
        phone,
        "#dossier-view",
        "đã nộp 5.000 đồng",
        reload_with=lambda: phone.get_by_role("button", name="Tra cứu").click(),
    )

    # The officer assigns, attaches the result, approves and returns it.
    desk.reload()
    officer_act(desk, "Giao chuyên viên xử lý", rec)
    desk.get_by_label(re.compile("^Đính kèm văn bản kết quả")).set_input_files(
        {"name": "giay-xac-nhan.pdf", "mimeType": "application/pdf", "buffer": RESULT_PDF}
    )
    desk.get_by_text("Đã đính kèm: giay-xac-nhan.pdf").wait_for()
    officer_act(desk, "Phê duyệt kết quả", rec)
    officer_act(desk, "Trả kết quả", rec)
    rec.check(desk, "officer-returned")

    # The citizen downloads the result and rates the service.
    look_up(phone, portal, code, APPLICANT_PHONE)
    wait_for_text(phone, "#dossier-view", "Đã trả kết quả")
    rec.check(phone, "lookup-returned")
    with phone.expect_download() as download:
        phone.get_by_role("button", name="Tải kết quả điện tử").click()
    saved = ARTIFACTS / "citizen-journey" / "downloaded-result.pdf"
    download.value.save_as(str(saved))
    assert saved.read_bytes().startswith(RESULT_PDF)  # the upload, signed incrementally
    rating = phone.locator("#rating-form")
    for legend in ("Đánh giá chung", "Sự thuận tiện", "Thời gian giải quyết", "Thái độ"):
        rating.get_by_role("group", name=re.compile("^" + legend)).get_by_label(
            "Rất hài lòng"
        ).check()
    rating.get_by_role("button", name="Gửi đánh giá").click()
    phone.get_by_text("Cảm ơn bạn đã đánh giá").wait_for()
    rec.shot(phone, "rated")
    assert not phone.js_errors and not desk.js_errors, phone.js_errors + desk.js_errors


def test_lookup_with_a_wrong_phone_shows_a_friendly_error(portal, browser):
    rec = Recorder("lookup-wrong-phone")
    page = new_page(browser, PHONE)
    page.goto(f"{portal}/tra-cuu")
    rec.check(page, "lookup")
    page.get_by_label("Mã hồ sơ").fill("000.00.21.H06-261127-0001")
    page.get_by_label("Số điện thoại đã khai").fill("0999999999")
    page.get_by_role("button", name="Tra cứu").click()
    message = page.locator("#lookup-message")
    message.get_by_text("Không tìm thấy hồ sơ").wait_for()
    assert "kiểm tra lại" in message.inner_text()
    assert "0999999999" not in page.url
    rec.check(page, "lookup-not-found")

    page.get_by_label("Số điện thoại đã khai").fill("12345")
    page.get_by_role("button", name="Tra cứu").click()
    page.locator("#error-summary").get_by_text("Số điện thoại").wait_for()
    rec.check(page, "lookup-invalid-phone")
    assert not page.js_errors, page.js_errors


def test_every_public_page_passes_the_accessibility_scan(portal, browser):
    rec = Recorder("pages")
    page = new_page(browser, PHONE)
    for path, label in (
        ("/thu-tuc", "browse"),
        ("/thu-tuc?field=ho-tich", "browse-field"),
        ("/thu-tuc?q=khong+co+thu+tuc+nay", "browse-empty"),
        ("/thu-tuc/2.000815", "procedure-counter-only"),
        ("/thu-tuc/2.002043/nop-ho-so", "apply-repeatable-groups"),
        ("/dang-nhap", "sign-in"),
        ("/ho-so-cua-toi", "mine-signed-out"),
        ("/phan-anh", "feedback"),
        ("/thong-ke", "stats"),
        ("/thu-tuc/9.999999", "not-found"),
    ):
        page.goto(portal + path)
        page.wait_for_load_state("networkidle")
        rec.check(page, label)
    assert not page.js_errors, page.js_errors
