"""In a real browser: "Phản ánh của tôi" (/phan-anh-cua-toi). Signed out, the page sends the
citizen to the sign-in and back; without feedback it says so; a feedback sent from /phan-anh is
listed with its title shown as text (never as markup), its status and whether it is answered and
rated, and links to the page where it is followed and rated; a broken page link gets a clear
page. Every step is scanned with axe-core and photographed (test-artifacts/browser/my-feedback)."""

from __future__ import annotations

import time

import pytest

from tests.e2e.browser import PHONE, Recorder, new_page
from tests.e2e.test_feedback_page_browser import answer

pytestmark = pytest.mark.slow
CITIZEN = "001085000003"  # Lê Văn Cường, an account no other browser test sends feedback with
MARKUP = '<img src=x onerror="window.__xss=1">'


def test_the_citizen_finds_their_feedback_follows_it_and_sees_it_rated(portal, browser):
    rec = Recorder("my-feedback")
    citizen = new_page(browser, PHONE)
    citizen.goto(f"{portal}/phan-anh-cua-toi")
    citizen.get_by_label("Số định danh cá nhân").fill(CITIZEN)
    citizen.get_by_label("Mật khẩu").fill("dvc-local")
    citizen.get_by_role("button", name="Đăng nhập").click()
    citizen.wait_for_url(f"{portal}/phan-anh-cua-toi")
    assert "chưa gửi phản ánh" in citizen.locator("#my-feedback-empty").inner_text()
    rec.check(citizen, "empty")

    citizen.locator("#my-feedback-empty").get_by_role("link").click()
    citizen.wait_for_url(f"{portal}/phan-anh")
    title = f"Cống thoát nước tắc {int(time.time())} {MARKUP}"
    citizen.get_by_label("Cơ sở hạ tầng, giao thông").check()
    citizen.get_by_label("Tiêu đề").fill(title)
    citizen.get_by_role("textbox", name="Nội dung").fill("Cống trước số 3 phố Kinh Bắc bị tắc.")
    citizen.get_by_label("Họ và tên người gửi").fill("Lê Văn Cường")
    citizen.get_by_role("button", name="Gửi phản ánh").click()
    citizen.get_by_text("Đã gửi phản ánh, kiến nghị").wait_for()
    feedback_id = citizen.locator("#feedback-done .dossier-code").inner_text()

    citizen.get_by_role("navigation", name="Điều hướng chính").get_by_role(
        "link", name="Phản ánh của tôi"
    ).click()
    citizen.wait_for_url(f"{portal}/phan-anh-cua-toi")
    row = citizen.locator(f'[data-feedback="{feedback_id}"]')
    assert title in row.inner_text() and "Chưa có câu trả lời" in row.inner_text()
    assert citizen.evaluate("window.__xss") is None
    rec.check(citizen, "listed")

    answer(portal, feedback_id)
    citizen.reload()
    assert "Chưa đánh giá câu trả lời" in row.inner_text()
    rec.check(citizen, "answered")
    row.get_by_role("link", name=title).click()
    citizen.wait_for_url(f"{portal}/phan-anh/tra-cuu?ma={feedback_id}")
    citizen.locator("#rating-form").wait_for()
    citizen.get_by_label("Hài lòng", exact=True).check()
    citizen.get_by_role("button", name="Gửi đánh giá").click()
    citizen.locator("#lookup-message").get_by_text("Cảm ơn bạn đã đánh giá").wait_for()

    citizen.goto(f"{portal}/phan-anh-cua-toi")
    assert "Bạn đã đánh giá câu trả lời" in row.inner_text()
    rec.check(citizen, "rated")

    answered_page = citizen.goto(f"{portal}/phan-anh-cua-toi?tiep=khong-hop-le")
    assert answered_page.status == 400
    assert "không hợp lệ hoặc đã hết hạn" in citizen.locator("#my-feedback-error").inner_text()
    rec.check(citizen, "bad-page-link")
    assert not citizen.js_errors, citizen.js_errors
