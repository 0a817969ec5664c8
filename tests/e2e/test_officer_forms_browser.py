"""In a real browser, on a stack whose catalog names one agency's handling officer: an officer
issues Form 01 as a signed PDF from the console (refused in Vietnamese before the dossier is
accepted), its verification page says it is valid, the applicant finds it in their wallet and
the downloaded file matches; an officer of another agency neither sees the dossier nor the button.
The status lookup names the handling officer only for the agency whose catalog entry says so.
Every page is scanned with axe-core."""

from __future__ import annotations

import json
import re

import pytest

from tests.e2e.browser import (
    AGENCY,
    DESKTOP,
    PHONE,
    PROCEDURE,
    ROOT,
    Recorder,
    look_up,
    new_page,
    officer_act,
    wait_for_text,
)
from tests.e2e.conftest import running_stack

pytestmark = pytest.mark.slow
NAMING_AGENCY = "ubnd-phuong-kinh-bac"  # its catalog entry names the officer in progress
PUBLIC_NAME = "Nguyễn Văn Bình, công chức Tư pháp - Hộ tịch"
CITIZEN_BINH = "001192000002"  # Trần Thị Bình, an account of the local identity provider
CITIZEN_AN, AN_PHONE = "001090000001", "0912345678"  # Nguyễn Văn An


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    """`make run`'s stack on free ports with the sample catalog, in which NAMING_AGENCY's entry
    names its admin officer at `in_progress` (no sample agency does)."""
    catalog = json.loads((ROOT / "chalicelib/data/catalog/bac-ninh.json").read_text("utf-8"))
    for agency in catalog["agencies"]:
        if agency["id"] == NAMING_AGENCY:
            agency["status_view"] = {
                "officer_named_at": ["in_progress"],
                "officers": [{"username": f"admin.{NAMING_AGENCY}", "name": PUBLIC_NAME}],
            }
    path = tmp_path_factory.mktemp("catalog") / "catalog.json"
    path.write_text(json.dumps(catalog, ensure_ascii=False), encoding="utf-8")
    with running_stack("stack-officer-forms.log", "--catalog", str(path)) as base:
        yield base


def citizen_sign_in(page, base: str, id_number: str) -> None:
    """Through the local OpenID provider (standing in for VNeID), from the wallet page."""
    page.goto(f"{base}/kho-giay-to")
    page.locator("#signed-out").get_by_role("link", name="Đăng nhập").click()
    page.get_by_label("Số định danh cá nhân").fill(id_number)
    page.get_by_label("Mật khẩu").fill("dvc-local")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base}/kho-giay-to")


def officer_sign_in(page, base: str, agency: str) -> None:
    """As the local test officer admin.<agency> of the Cognito pool."""
    page.goto(f"{base}/can-bo")
    page.wait_for_url(re.compile(r"/can-bo/dang-nhap"))
    page.get_by_label("Tên đăng nhập").fill(f"admin.{agency}")
    page.get_by_label("Mật khẩu").fill("dvc-local")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base}/can-bo/ho-so")


def file_dossier(page, base: str, agency: str) -> str:
    """The marital status certificate, prefilled from the signed-in citizen's identity: its code."""
    page.goto(f"{base}/thu-tuc/{PROCEDURE}/nop-ho-so?agency={agency}")
    page.get_by_text("Bạn đã đăng nhập").wait_for()
    page.get_by_label("Đã đăng ký kết hôn nhưng đã ly hôn").check()
    page.get_by_label("Mục đích sử dụng").select_option("Vay vốn ngân hàng")
    page.get_by_role("button", name="Tiếp tục: xem lại hồ sơ").click()
    page.get_by_label(re.compile("^Tôi xin cam đoan")).check()
    page.get_by_role("button", name="Nộp hồ sơ", exact=True).click()
    page.locator("#step-done").wait_for()
    return page.locator("#done-code").inner_text().strip()


def test_an_officer_issues_a_signed_form_the_applicant_finds_in_the_wallet(stack, browser):
    from playwright.sync_api import expect

    rec = Recorder("officer-forms")
    citizen = new_page(browser, PHONE)
    citizen_sign_in(citizen, stack, CITIZEN_BINH)
    code = file_dossier(citizen, stack, AGENCY)

    desk = new_page(browser, DESKTOP)
    officer_sign_in(desk, stack, AGENCY)
    desk.goto(f"{stack}/can-bo/ho-so/{code}")
    message = desk.locator("#action-message")
    # Form 01 records the receipt: before it, the console says why it cannot be issued.
    desk.get_by_role("button", name="Phát hành bản ký số Mẫu 01").click()
    message.get_by_text("Hồ sơ chưa được tiếp nhận").wait_for()
    assert "error" in message.get_attribute("class")
    expect(message).to_be_in_viewport()  # the button is at the foot of the page
    rec.check(desk, "officer-form-refused")

    officer_act(desk, "Tiếp nhận hồ sơ", rec)
    desk.get_by_role("button", name="Phát hành bản ký số Mẫu 01").click()
    message.get_by_text("Đã phát hành Mẫu 01 có chữ ký số của cơ quan").wait_for()
    assert "kho giấy tờ của người nộp" in message.inner_text()
    expect(message).to_be_in_viewport()
    rec.check(desk, "officer-form-issued")
    desk.get_by_role("link", name="Bản ký số Mẫu 01 (xác thực)").click()
    desk.wait_for_url(re.compile(r"/xac-thuc/"))
    assert desk.locator("#verdict").get_attribute("data-valid") == "true"
    assert "Văn bản hợp lệ" in desk.locator("#verdict").inner_text()
    assert desk.locator("#kind").inner_text() == "Mẫu phiếu của Bộ phận Một cửa"
    assert code in desk.locator("dl.facts").inner_text()
    rec.check(desk, "form-verification")

    # Another agency's officer: the dossier is not theirs, so no form and no button.
    other = new_page(browser, DESKTOP)
    officer_sign_in(other, stack, NAMING_AGENCY)
    other.goto(f"{stack}/can-bo/ho-so/{code}")
    other.locator("#action-message").get_by_text(
        "Không tìm thấy hồ sơ trong cơ quan của bạn."
    ).wait_for()
    assert other.get_by_role("button", name=re.compile("Phát hành")).count() == 0
    rec.check(other, "other-agency-refused")

    # The applicant finds the signed form in the wallet; the download is the issued document.
    citizen.goto(f"{stack}/kho-giay-to")
    row = citizen.locator('#wallet-list tr[data-kind="form"]').filter(has_text=code)
    assert "Mẫu phiếu của cơ quan (đã ký số)" in row.inner_text()
    rec.check(citizen, "wallet-form")
    with citizen.expect_download() as download:
        row.get_by_role("button", name=re.compile("^Tải về")).click()
    saved = rec.folder / "form-01.pdf"
    download.value.save_as(str(saved))
    assert saved.read_bytes().startswith(b"%PDF")
    row.get_by_role("link", name=re.compile("^Xác thực")).click()
    citizen.wait_for_url(re.compile(r"/xac-thuc/"))
    assert citizen.locator("#verdict").get_attribute("data-valid") == "true"
    citizen.locator("#f-file").set_input_files(str(saved))
    citizen.get_by_role("button", name="So khớp", exact=True).click()
    citizen.get_by_text("Tệp trùng khớp với văn bản đã phát hành.").wait_for()
    rec.check(citizen, "wallet-form-matches")
    assert not citizen.js_errors and not desk.js_errors and not other.js_errors, (
        citizen.js_errors + desk.js_errors + other.js_errors
    )


def test_the_lookup_names_the_handling_officer_only_where_the_catalog_says_so(stack, browser):
    rec = Recorder("status-officer")
    citizen = new_page(browser, PHONE)
    citizen_sign_in(citizen, stack, CITIZEN_AN)
    named = file_dossier(citizen, stack, NAMING_AGENCY)
    unnamed = file_dossier(citizen, stack, AGENCY)
    for agency, code in ((NAMING_AGENCY, named), (AGENCY, unnamed)):
        desk = new_page(browser, DESKTOP)
        officer_sign_in(desk, stack, agency)
        desk.goto(f"{stack}/can-bo/ho-so/{code}")
        officer_act(desk, "Tiếp nhận hồ sơ", rec)
        officer_act(desk, "Giao chuyên viên xử lý", rec)  # to the officer signed in
        assert not desk.js_errors, desk.js_errors
        desk.context.close()

    visitor = new_page(browser, PHONE)
    look_up(visitor, stack, named, AN_PHONE)
    text = wait_for_text(visitor, "#dossier-view", "Đang xử lý")
    facts = visitor.locator("#dossier-view .facts > div")
    officer = facts.filter(has_text="Cán bộ đang giải quyết")
    assert officer.locator("dd").inner_text() == PUBLIC_NAME
    assert f"admin.{NAMING_AGENCY}" not in text  # the account itself is never shown
    rec.check(visitor, "lookup-officer-named")

    look_up(visitor, stack, unnamed, AN_PHONE)
    text = wait_for_text(visitor, "#dossier-view", "Đang xử lý")
    assert "Cán bộ đang giải quyết" not in text and PUBLIC_NAME not in text
    rec.check(visitor, "lookup-no-officer")
    assert not citizen.js_errors and not visitor.js_errors, citizen.js_errors + visitor.js_errors
