"""In a real browser, `make run`'s officer console shows a dossier the national portal refused:
the sync block says so in words with the portal's reason and what to do, and its link leads to
the inbox filtered on the agency's refused dossiers, which lists it. Every page is scanned with
axe-core."""

from __future__ import annotations

import time

import pytest

from infra.local import pay_demo
from tests.e2e.browser import AGENCY, DESKTOP, Recorder, new_page, officer_sign_in

pytestmark = pytest.mark.slow


def refused_sync(base: str, code: str, token: str, seconds: int = 60) -> dict:
    """The officer view's national_sync once the worker has recorded the portal's refusal."""
    deadline = time.monotonic() + seconds
    while True:
        sync = pay_demo.api("GET", f"{base}/v1/officer/dossiers/{code}", token=token)[
            "national_sync"
        ]
        if sync["state"] == "failed" or time.monotonic() > deadline:
            return sync
        time.sleep(0.5)


def test_an_officer_sees_the_national_portals_refusal_and_finds_the_refused_dossiers(
    portal, browser
):
    # the stack is shared with the fuzzer, which may have told the stand-in to fail everything
    pay_demo.api("PUT", f"{portal}/dev/national-portal/faults", {"mode": "none"})
    code = pay_demo.submit(portal)
    applicant_view = pay_demo.api("GET", f"{portal}/v1/dossiers/{code}?phone={pay_demo.PHONE}")
    assert applicant_view["agency"]["id"] == AGENCY  # the console signs in as its officer
    fault = {"dossier_code": code, "mode": "reject"}
    pay_demo.api("PUT", f"{portal}/dev/national-portal/faults", fault)
    desk = pay_demo.api("POST", f"{portal}/dev/token", {"role": "receptionist", "agency": AGENCY})[
        "access_token"
    ]
    try:  # the fault stays until the page is seen: a later sync job would otherwise succeed
        pay_demo.officer_action(portal, code, desk, "accept")
        assert refused_sync(portal, code, desk)["state"] == "failed"
        see_the_refusal_in_the_console(browser, portal, code)
    finally:
        pay_demo.api("PUT", f"{portal}/dev/national-portal/faults", {**fault, "mode": "none"})


def see_the_refusal_in_the_console(browser, portal: str, code: str) -> None:
    rec = Recorder("national-sync-console")
    page = new_page(browser, DESKTOP)
    officer_sign_in(page, portal, rec)
    page.goto(f"{portal}/can-bo/ho-so/{code}")
    block = page.locator("#national-sync")
    block.get_by_role("heading", name="Đồng bộ Cổng Dịch vụ công quốc gia").wait_for()
    text = block.inner_text()
    assert "Bị từ chối" in text
    assert "Lý do Cổng quốc gia trả về:" in text
    rec.check(page, "dossier-sync-refused")

    block.get_by_role("link", name="Hồ sơ bị Cổng quốc gia từ chối").click()
    page.wait_for_url(f"{portal}/can-bo/ho-so?national_sync=failed")
    page.get_by_role("link", name=code).first.wait_for()
    rec.check(page, "inbox-sync-refused")
    assert page.js_errors == []
