"""In a real browser: the sender of a feedback opens the link of the "answered" message, types
the phone, reads the answer (what they wrote shown as text, never as markup) and rates it once;
a signed-in sender follows their feedback from its receipt without a phone. Every step is
scanned with axe-core and photographed (test-artifacts/browser/feedback-page*)."""

from __future__ import annotations

import re
import time

import pytest

from tests.e2e.browser import PHONE, Recorder, new_page
from tests.e2e.test_local_stack import request
from tests.e2e.test_notifications_local import dev_messages_for

pytestmark = pytest.mark.slow
CENTRE = "trung-tam-phuc-vu-hanh-chinh-cong"
SENDER_PHONE = "0912000222"
MARKUP = '<img src=x onerror="window.__xss=1">'


def answered_feedback(base: str) -> str:
    """A private feedback with markup in what the sender wrote, answered by the centre."""
    body = {
        "title": f"Đèn đường hỏng {int(time.time())} {MARKUP}",
        "content": f"Đèn đường trước số 12 phố Kinh Bắc hỏng đã một tuần. {MARKUP}",
        "category": "co_so_ha_tang",
        "sender": {"full_name": "Lê Văn Cường", "phone": SENDER_PHONE},
        "public": False,
    }
    status, created = request("POST", f"{base}/v1/feedback", body)
    assert status == 201, created
    answer(base, created["id"])
    return created["id"]


def answer(base: str, feedback_id: str) -> None:
    status, token = request("POST", f"{base}/dev/token", {"role": "leader", "agency": CENTRE})
    assert status == 201, token
    leader = {"Authorization": f"Bearer {token['access_token']}"}
    path = f"{base}/v1/officer/feedback/{feedback_id}"
    for step, params in (
        ("/actions", {"action": "classify", "classification": "within_competence"}),
        ("/answer", {"answer": "Đã thay bóng đèn ngày hôm nay. Cảm ơn ông/bà."}),
    ):
        version = request("GET", path, headers=leader)[1]["version"]
        status, data = request("POST", path + step, {"version": version, **params}, leader)
        assert status == 200, data


def test_the_sender_follows_the_message_link_reads_the_answer_and_rates_it(portal, browser):
    rec = Recorder("feedback-page")
    feedback_id = answered_feedback(portal)
    messages = dev_messages_for(portal, feedback_id, 1)
    assert messages, "no message about the answered feedback"
    link = re.search(r"/phan-anh/tra-cuu\?ma=[\w-]+", messages[0]["text"]).group(0)

    page = new_page(browser, PHONE)
    page.goto(f"{portal}{link}")
    assert page.get_by_label("Mã phản ánh").input_value() == feedback_id
    rec.check(page, "opened-from-the-message")

    page.get_by_role("button", name="Xem phản ánh").click()
    page.locator("#error-summary").wait_for()
    rec.check(page, "phone-missing")

    page.get_by_label("Số điện thoại đã khai").fill("0912000333")
    page.get_by_role("button", name="Xem phản ánh").click()
    page.locator("#lookup-message").get_by_text("Không tìm thấy phản ánh").wait_for()
    rec.check(page, "wrong-phone")

    page.get_by_label("Số điện thoại đã khai").fill(SENDER_PHONE)
    page.get_by_role("button", name="Xem phản ánh").click()
    page.locator("#feedback-view .feedback-answer").get_by_text("Đã thay bóng đèn").wait_for()
    view = page.locator("#feedback-view").inner_text()
    assert MARKUP in view and page.evaluate("window.__xss") is None
    assert "Đã trả lời" in view and "Quá trình xử lý" in view
    rec.check(page, "answer")

    page.get_by_role("button", name="Gửi đánh giá").click()
    page.locator("#f-satisfied-error").wait_for()
    rec.check(page, "rating-missing")
    page.get_by_label("Chưa hài lòng", exact=True).check()
    page.get_by_label("Ý kiến của bạn").fill("Đèn vẫn chập chờn buổi tối.")
    page.get_by_role("button", name="Gửi đánh giá").click()
    page.locator("#lookup-message").get_by_text("Cảm ơn bạn đã đánh giá").wait_for()
    assert "Bạn đã đánh giá câu trả lời: Chưa hài lòng" in page.locator("#rating-done").inner_text()
    assert page.locator("#rating-form").count() == 0
    rec.check(page, "rated")

    page.reload()
    page.get_by_label("Số điện thoại đã khai").fill(SENDER_PHONE)
    page.get_by_role("button", name="Xem phản ánh").click()
    page.locator("#rating-done").wait_for()
    assert page.locator("#rating-form").count() == 0
    assert SENDER_PHONE not in page.url
    assert not page.js_errors, page.js_errors


def test_a_signed_in_sender_follows_the_feedback_from_its_receipt_without_a_phone(portal, browser):
    rec = Recorder("feedback-page-signed-in")
    citizen = new_page(browser, PHONE)
    citizen.goto(f"{portal}/dang-nhap?next=/phan-anh")
    citizen.get_by_label("Số định danh cá nhân").fill("001090000001")
    citizen.get_by_label("Mật khẩu").fill("dvc-local")
    citizen.get_by_role("button", name="Đăng nhập").click()
    citizen.wait_for_url(f"{portal}/phan-anh")
    citizen.get_by_label("Cơ sở hạ tầng, giao thông").check()
    citizen.get_by_label("Tiêu đề").fill(f"Ổ gà trên đường Lý Thái Tổ {int(time.time())}")
    citizen.get_by_role("textbox", name="Nội dung").fill("Ổ gà lớn trước số 8 Lý Thái Tổ.")
    citizen.get_by_label("Họ và tên người gửi").fill("Nguyễn Văn An")
    citizen.get_by_role("button", name="Gửi phản ánh").click()
    citizen.get_by_text("Đã gửi phản ánh, kiến nghị").wait_for()
    feedback_id = citizen.locator("#feedback-done .dossier-code").inner_text()

    citizen.get_by_role("link", name="Theo dõi phản ánh này").click()
    citizen.locator("#feedback-view").get_by_text("Phản ánh chưa có câu trả lời").wait_for()
    rec.check(citizen, "not-answered-yet")

    answer(portal, feedback_id)
    citizen.reload()
    citizen.locator("#rating-form").wait_for()
    rec.check(citizen, "answered")
    citizen.get_by_label("Hài lòng", exact=True).check()
    citizen.get_by_role("button", name="Gửi đánh giá").click()
    citizen.locator("#lookup-message").get_by_text("Cảm ơn bạn đã đánh giá").wait_for()
    assert "Hài lòng" in citizen.locator("#rating-done").inner_text()
    rec.check(citizen, "rated")
    assert not citizen.js_errors, citizen.js_errors
