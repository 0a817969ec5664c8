"""What an acceptance sweep found only a browser shows: a page failing the accessibility scan
(axe-core, WCAG 2.1 AA) and the keyboard's focus lost on the officers' console."""

from __future__ import annotations

import pytest

from bench.common import request, upload_attachments
from tests.e2e.browser import DESKTOP, PHONE, Recorder, new_page

pytestmark = pytest.mark.slow
BIRTH = "1.001193"
DESK_AGENCY = "ubnd-phuong-kinh-bac"
FOCUSED = "[document.activeElement.tagName, document.activeElement.innerText]"


def test_the_failed_sign_in_page_passes_the_accessibility_scan(portal, browser):
    """Its "Đăng nhập lại" button inside the error summary took the summary's red link colour
    on the button's blue."""
    page = new_page(browser, PHONE)
    rec = Recorder("acceptance-pages")

    page.goto(f"{portal}/dang-nhap/callback")  # no sign-in under way: the error page
    page.get_by_role("link", name="Đăng nhập lại").wait_for()

    rec.check(page, "failed-sign-in")
    assert not page.js_errors


def _submitted(base: str) -> str:
    """A birth registration filed over HTTP, waiting for the desk."""
    _, procedure = request("GET", f"{base}/v1/procedures/{BIRTH}")
    _, form = request("GET", f"{base}/v1/procedures/{BIRTH}/form")
    status, created = request("POST", f"{base}/v1/dossiers", {
        "procedure_code": BIRTH, "agency": DESK_AGENCY,
        "applicant": {"full_name": "Nguyễn Văn An", "id_number": "001099012345",
                      "phone": "0912345678"},
        "form": form["examples"][0],
        "attachments": upload_attachments(base, procedure, b"%PDF-1.4 giay chung sinh"),
        "result_delivery": "online", "notify": ["sms"],
    })  # fmt: skip
    assert status == 201, created
    return created["code"]


def _tab_to(page, button: str, limit: int = 100) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused == ["BUTTON", button]:
            return
    pytest.fail(f"the button {button!r} cannot be reached with the keyboard")


def test_after_an_action_the_keyboard_stays_where_the_officer_was(portal, browser):
    """Confirming an action on the console re-draws the dossier: the focus fell back to the
    page's start (document.body), so a keyboard user had to tab through the whole header again
    to hear or reach what changed."""
    code = _submitted(portal)
    page = new_page(browser, DESKTOP)
    page.goto(f"{portal}/can-bo/dang-nhap")
    page.get_by_label("Tên đăng nhập").fill(f"receptionist.{DESK_AGENCY}")
    page.get_by_label("Mật khẩu").fill("dvc-local")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{portal}/can-bo/ho-so")
    page.goto(f"{portal}/can-bo/ho-so/{code}")
    page.get_by_role("button", name="Tiếp nhận hồ sơ", exact=True).wait_for()

    _tab_to(page, "Tiếp nhận hồ sơ")
    page.keyboard.press("Enter")
    _tab_to(page, "Xác nhận: Tiếp nhận hồ sơ", 20)
    page.keyboard.press("Enter")
    page.locator("#action-message").get_by_text("Đã thực hiện: Tiếp nhận hồ sơ").wait_for()

    assert page.evaluate("document.activeElement.id") == "action-message"
    assert not page.js_errors
