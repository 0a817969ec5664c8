"""Pages an acceptance sweep found failing the accessibility scan (axe-core, WCAG 2.1 AA): the
ones a citizen lands on when something went wrong."""

from __future__ import annotations

import pytest

from tests.e2e.browser import Recorder, new_page

pytestmark = pytest.mark.slow
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def test_the_failed_sign_in_page_passes_the_accessibility_scan(portal, browser):
    """Its "Đăng nhập lại" button inside the error summary took the summary's red link colour
    on the button's blue."""
    page = new_page(browser, PHONE)
    rec = Recorder("acceptance-pages")

    page.goto(f"{portal}/dang-nhap/callback")  # no sign-in under way: the error page
    page.get_by_role("link", name="Đăng nhập lại").wait_for()

    rec.check(page, "failed-sign-in")
    assert not page.js_errors
