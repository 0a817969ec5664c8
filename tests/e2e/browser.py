"""Helpers for the browser tests: Chromium settings, an axe-core scan and numbered screenshots
of every step (test-artifacts/browser/), and the steps the tests share."""

from __future__ import annotations

import re
import time
import unicodedata
from pathlib import Path

from tests.factories import sample_pdf

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "tests" / "e2e" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts" / "browser"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PROCEDURE = "1.004873"  # Cấp Giấy xác nhận tình trạng hôn nhân: level 4, 5.000 đồng online
AGENCY = "ubnd-xa-hop-thinh"
APPLICANT_PHONE = "0978123456"
RESULT_PDF = sample_pdf("Giay xac nhan tinh trang hon nhan (thu)")


class Recorder:
    """Screenshots of every step, numbered in order, and an axe-core scan of every page."""

    def __init__(self, name: str):
        self.folder = ARTIFACTS / name
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob("*.png"):
            old.unlink()
        self.step = 0

    def shot(self, page, label: str) -> None:
        self.step += 1
        page.screenshot(path=str(self.folder / f"{self.step:02d}-{label}.png"), full_page=True)

    def check(self, page, label: str) -> None:
        """Photograph the page and fail on any serious or critical accessibility violation."""
        self.shot(page, label)
        # Evaluated, not added as a <script> tag: the pages' CSP runs only the portal's files.
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
        result = page.evaluate(
            "async () => await axe.run(document, {resultTypes: ['violations'],"
            " runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',"
            " 'best-practice']}})"
        )
        bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
        assert not bad, f"{label} ({page.url}): " + "; ".join(
            f"{v['id']} ({v['impact']}): {v['help']} at "
            + ", ".join(str(n["target"]) for n in v["nodes"][:3])
            for v in bad
        )


def new_page(browser, device: dict):
    context = browser.new_context(locale="vi-VN", accept_downloads=True, **device)
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.js_errors = errors
    return page


def wait_for_text(page, selector: str, pattern: str, reload_with=None, timeout: float = 30):
    """Wait until `selector` shows `pattern`, re-running `reload_with()` meanwhile (the stack
    relays events asynchronously, so a status may take a moment to change)."""
    deadline = time.time() + timeout
    while True:
        text = page.locator(selector).inner_text()
        if re.search(pattern, text):
            return text
        if time.time() > deadline:
            raise AssertionError(f"{selector} never showed {pattern!r}; last: {text!r}")
        if reload_with:
            reload_with()
        page.wait_for_timeout(500)


def officer_sign_in(page, base: str, rec: Recorder, role: str = "admin") -> None:
    """Sign in with the local test officer `<role>.<agency>` of the Cognito pool."""
    page.goto(f"{base}/can-bo")
    page.wait_for_url(re.compile(r"/can-bo/dang-nhap"))
    rec.check(page, "officer-sign-in")
    page.get_by_label("Tên đăng nhập").fill(f"{role}.{AGENCY}")
    page.get_by_label("Mật khẩu").fill("dvc-local")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base}/can-bo/ho-so")


def officer_act(page, action: str, rec: Recorder, fill=None) -> None:
    page.get_by_role("button", name=action, exact=True).click()
    if fill:
        fill(page)
    page.get_by_role("button", name=f"Xác nhận: {action}").click()
    page.locator("#action-message").get_by_text(f"Đã thực hiện: {action}").wait_for()
    ascii_name = unicodedata.normalize("NFKD", action.replace("đ", "d")).encode("ascii", "ignore")
    rec.shot(page, "officer-" + re.sub(r"\W+", "-", ascii_name.decode().lower()))


def look_up(page, base: str, code: str, phone: str) -> None:
    page.goto(f"{base}/tra-cuu?ma={code}")
    page.get_by_label("Số điện thoại đã khai").fill(phone)
    page.get_by_role("button", name="Tra cứu").click()
