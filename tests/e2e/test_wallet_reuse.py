"""In a real browser: a signed-in citizen's file joins their wallet ("Kho giấy tờ") once an
officer accepts the dossier; the citizen downloads it from the wallet page, then files a new
dossier reusing it for the same component instead of uploading again, and the officer sees where
it came from. Every page is scanned with axe-core."""

from __future__ import annotations

import re

import pytest

from tests.e2e.browser import (
    AGENCY,
    ARTIFACTS,
    DESKTOP,
    PHONE,
    PROCEDURE,
    RESULT_PDF,
    Recorder,
    new_page,
    officer_act,
    officer_sign_in,
)

pytestmark = pytest.mark.slow
CITIZEN = "001192000002"  # Trần Thị Bình, an account of the local identity provider
FILE = "ban-an-ly-hon.pdf"


def file_dossier(page, portal: str, rec: Recorder, label: str, attach) -> str:
    """Fill the (prefilled) marital status form, attach TP2 with `attach`, submit: the code."""
    page.goto(f"{portal}/thu-tuc/{PROCEDURE}/nop-ho-so?agency={AGENCY}")
    page.get_by_text("Bạn đã đăng nhập").wait_for()
    declaration = page.locator("#f-form")
    declaration.get_by_label("Đã đăng ký kết hôn nhưng đã ly hôn").check()
    declaration.get_by_label("Mục đích sử dụng").select_option("Vay vốn ngân hàng")
    attach(page)
    rec.check(page, f"{label}-filled")
    page.get_by_role("button", name="Tiếp tục: xem lại hồ sơ").click()
    page.locator("#step-review").wait_for()
    assert FILE in page.locator("#review-content").inner_text()
    rec.check(page, f"{label}-review")
    page.get_by_label(re.compile("^Tôi xin cam đoan")).check()
    page.get_by_role("button", name="Nộp hồ sơ", exact=True).click()
    page.locator("#step-done").wait_for()
    return page.locator("#done-code").inner_text().strip()


def upload(page) -> None:
    assert page.locator("#reuse-TP2").count() == 0  # nothing in the wallet yet
    page.locator("#file-TP2").set_input_files(
        {"name": FILE, "mimeType": "application/pdf", "buffer": RESULT_PDF}
    )
    page.get_by_text(f"Đã tải lên: {FILE}").wait_for()


def reuse(page) -> None:
    picker = page.locator("#reuse-TP2")
    document_id = picker.locator("option", has_text=FILE).first.get_attribute("value")
    picker.select_option(document_id)
    page.get_by_text(f"Dùng lại từ kho giấy tờ: {FILE}").wait_for()


def test_a_citizen_reuses_a_wallet_document_when_filing(portal, browser):
    rec = Recorder("wallet-reuse")
    citizen = new_page(browser, PHONE)
    citizen.goto(f"{portal}/kho-giay-to")
    rec.check(citizen, "wallet-signed-out")
    citizen.locator("#signed-out").get_by_role("link", name="Đăng nhập").click()
    citizen.get_by_label("Số định danh cá nhân").fill(CITIZEN)
    citizen.get_by_label("Mật khẩu").fill("dvc-local")
    citizen.get_by_role("button", name="Đăng nhập").click()
    citizen.wait_for_url(f"{portal}/kho-giay-to")
    citizen.locator("#wallet-empty").wait_for()
    rec.check(citizen, "wallet-empty")

    # A first dossier with a new upload; the officer accepts it, and the file joins the wallet.
    first = file_dossier(citizen, portal, rec, "first", upload)
    desk = new_page(browser, DESKTOP)
    officer_sign_in(desk, portal, rec)
    desk.goto(f"{portal}/can-bo/ho-so/{first}")
    officer_act(desk, "Tiếp nhận hồ sơ", rec)

    citizen.goto(f"{portal}/ho-so-cua-toi")
    citizen.get_by_role("link", name="Kho giấy tờ của tôi").click()
    citizen.wait_for_url(f"{portal}/kho-giay-to")
    row = citizen.locator("#wallet-list tbody tr").filter(has_text=first)
    assert FILE in row.inner_text() and "Tệp đã nộp" in row.inner_text()
    rec.check(citizen, "wallet-listed")
    with citizen.expect_download() as download:
        row.get_by_role("button", name=f"Tải về: {FILE}").click()
    saved = ARTIFACTS / "wallet-reuse" / "downloaded.pdf"
    download.value.save_as(str(saved))
    assert saved.read_bytes() == RESULT_PDF

    # A second dossier reuses it for the same component: no upload.
    second = file_dossier(citizen, portal, rec, "second", reuse)
    assert second != first
    rec.check(citizen, "second-receipt")

    desk.goto(f"{portal}/can-bo/ho-so/{second}")
    desk.get_by_text(f"dùng lại từ kho giấy tờ, hồ sơ {first}").wait_for()
    rec.check(desk, "officer-sees-reuse")
    assert not citizen.js_errors and not desk.js_errors, citizen.js_errors + desk.js_errors
