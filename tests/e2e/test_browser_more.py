"""In a real browser: feedback sent by a citizen, classified, answered and published in the
console; a signed-in citizen answering a supplement request from "Hồ sơ của tôi"."""

from __future__ import annotations

import re
import time

import pytest

from tests.e2e.browser import (
    AGENCY,
    DESKTOP,
    PHONE,
    PROCEDURE,
    RESULT_PDF,
    Recorder,
    new_page,
    officer_act,
    officer_sign_in,
    wait_for_text,
)

pytestmark = pytest.mark.slow


def test_feedback_is_sent_answered_in_the_console_and_published(portal, browser):
    rec = Recorder("feedback")
    citizen = new_page(browser, PHONE)
    title = f"Chậm trả kết quả hồ sơ {int(time.time())}"
    citizen.goto(f"{portal}/phan-anh")
    citizen.get_by_role("button", name="Gửi phản ánh").click()
    citizen.locator("#error-summary").wait_for()
    rec.check(citizen, "feedback-errors")
    citizen.get_by_label("Giải quyết thủ tục hành chính").check()
    citizen.get_by_label("Tiêu đề").fill(title)
    citizen.get_by_role("textbox", name="Nội dung").fill(
        "Hồ sơ của tôi đã quá hẹn hai ngày mà chưa có kết quả."
    )
    citizen.get_by_label("Họ và tên người gửi").fill("Nguyễn Văn Bình")
    citizen.get_by_role("textbox", name="Số điện thoại").fill("0912000111")
    citizen.get_by_label("Cơ quan bị phản ánh").select_option(AGENCY)
    citizen.get_by_role("button", name="Gửi phản ánh").click()
    citizen.get_by_text("Đã gửi phản ánh, kiến nghị").wait_for()
    rec.check(citizen, "feedback-sent")

    desk = new_page(browser, DESKTOP)
    officer_sign_in(desk, portal, rec)
    desk.goto(f"{portal}/can-bo/phan-anh")
    desk.get_by_role("link", name=title).click()
    desk.locator("#feedback-detail").get_by_role("heading", name=title).wait_for()
    rec.check(desk, "officer-feedback")
    desk.get_by_role("button", name="Phân loại").click()
    desk.get_by_label("Phân loại").select_option("within_competence")
    desk.get_by_role("button", name="Xác nhận: Phân loại").click()
    desk.get_by_role("button", name="Trả lời", exact=True).click()
    desk.get_by_label("Nội dung trả lời").fill("Cơ quan đã trả kết quả cho ông vào ngày hôm nay.")
    desk.get_by_role("button", name="Xác nhận: Trả lời").click()
    desk.get_by_role("button", name="Công khai câu trả lời").click()
    desk.get_by_role("button", name="Xác nhận: Công khai câu trả lời").click()
    desk.locator("#feedback-message").get_by_text("Đã thực hiện: Công khai").wait_for()
    rec.check(desk, "officer-feedback-published")

    citizen.goto(f"{portal}/phan-anh")
    wait_for_text(citizen, "#feedback-answers", re.escape(title), reload_with=citizen.reload)
    assert "Cơ quan đã trả kết quả" in citizen.locator("#feedback-answers").inner_text()
    assert "0912000111" not in citizen.locator("#feedback-answers").inner_text()
    rec.check(citizen, "feedback-answers")
    assert not citizen.js_errors and not desk.js_errors, citizen.js_errors + desk.js_errors


def test_a_signed_in_citizen_answers_a_supplement_request_from_my_dossiers(portal, browser):
    rec = Recorder("my-dossiers-supplement")
    citizen = new_page(browser, PHONE)
    citizen.goto(f"{portal}/ho-so-cua-toi")
    citizen.get_by_role("link", name="Đăng nhập").first.click()
    # The local OpenID provider (standing in for VNeID): no /dev/token anywhere.
    citizen.get_by_label("Số định danh cá nhân").fill("001090000001")
    citizen.get_by_label("Mật khẩu").fill("dvc-local")
    rec.shot(citizen, "identity-provider")
    citizen.get_by_role("button", name="Đăng nhập").click()
    citizen.wait_for_url(f"{portal}/ho-so-cua-toi")
    citizen.get_by_text("Bạn chưa nộp hồ sơ nào").wait_for()
    assert "Nguyễn Văn An" in citizen.locator("#who").inner_text()
    rec.check(citizen, "mine-empty")

    # Submit while signed in: the form is prefilled from the identity claims, and the dossier
    # is then the citizen's own.
    citizen.goto(f"{portal}/thu-tuc/{PROCEDURE}/nop-ho-so?agency={AGENCY}")
    citizen.get_by_text("Bạn đã đăng nhập").wait_for()
    rec.check(citizen, "prefilled-form")
    assert citizen.locator("#f-applicant-full_name").input_value() == "Nguyễn Văn An"
    assert citizen.locator("#f-applicant-id_number").input_value() == "001090000001"
    assert citizen.get_by_label("Số điện thoại di động").input_value() == "0912345678"
    assert citizen.locator('[name="form.nguoi_yeu_cau.ngay_sinh"]').input_value() == "1990-05-12"
    assert "Kinh Bắc" in citizen.get_by_label("Nơi cư trú").input_value()
    citizen.get_by_label("Đã đăng ký kết hôn nhưng đã ly hôn").check()
    citizen.get_by_label("Mục đích sử dụng").select_option("Mục đích khác")
    citizen.get_by_role("button", name="Tiếp tục: xem lại hồ sơ").click()
    citizen.get_by_label(re.compile("^Tôi xin cam đoan")).check()
    citizen.get_by_role("button", name="Nộp hồ sơ", exact=True).click()
    # The schema's if/then rule is checked by the server and shown at the right field.
    summary = citizen.locator("#error-summary")
    summary.get_by_text("Ghi rõ mục đích khác").wait_for()
    rec.check(citizen, "server-error-at-field")
    assert citizen.locator("#f-form-ghi_ro_muc_dich-error").is_visible()
    citizen.get_by_label("Ghi rõ mục đích khác").fill("Bổ sung hồ sơ xin việc")
    citizen.get_by_role("button", name="Tiếp tục: xem lại hồ sơ").click()
    citizen.get_by_role("button", name="Nộp hồ sơ", exact=True).click()
    citizen.locator("#step-done").wait_for()
    code = citizen.locator("#done-code").inner_text().strip()
    citizen.goto(f"{portal}/ho-so-cua-toi")
    citizen.get_by_role("link", name="Cấp Giấy xác nhận tình trạng hôn nhân").click()
    citizen.wait_for_url(f"{portal}/ho-so-cua-toi/{code}")
    wait_for_text(citizen, "#dossier-view", "Mới đăng ký")

    # The officer filters the inbox by status and asks for one more document.
    desk = new_page(browser, DESKTOP)
    officer_sign_in(desk, portal, rec)
    desk.get_by_label("Trạng thái").select_option("submitted")
    desk.get_by_role("button", name="Lọc").click()
    desk.wait_for_url(re.compile(r"status=submitted"))
    desk.get_by_role("link", name=code).click()

    def items(page):
        page.get_by_label(re.compile("^Giấy tờ cần bổ sung")).fill("Bản án ly hôn")

    officer_act(desk, "Yêu cầu bổ sung", rec, fill=items)

    # The citizen answers with the missing document.
    citizen.reload()
    wait_for_text(citizen, "#dossier-view", "Bản án ly hôn")
    rec.check(citizen, "supplement-requested")
    citizen.locator("#f-supplement-TP2").set_input_files(
        {"name": "ban-an.pdf", "mimeType": "application/pdf", "buffer": RESULT_PDF}
    )
    citizen.get_by_text("Đã tải lên: ban-an.pdf").wait_for()
    citizen.get_by_role("button", name="Gửi bổ sung").click()
    citizen.get_by_text("Đã gửi hồ sơ bổ sung").wait_for()
    rec.check(citizen, "supplement-sent")
    desk.reload()
    desk.get_by_role("link", name="ban-an.pdf").wait_for()
    assert not citizen.js_errors and not desk.js_errors, citizen.js_errors + desk.js_errors
