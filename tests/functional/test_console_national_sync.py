"""What the console shows an officer of a dossier's sync with the national portal: the state in
words, the last status sent and when, and for a refusal the portal's reason and what to do; and
the inbox's way to the agency's refused dossiers."""

from __future__ import annotations

import pytest

from chalicelib.domain.national_sync import FAILED_ADVICE
from chalicelib.services.national_portal import gateway
from tests.factories import call, submit
from tests.functional.national_helpers import fault, run_sync, standin_portal
from tests.functional.test_console_register import sign_in
from tests.functional.test_officer_workflow import AGENCY, detail, officer

BLOCK_TITLE = "Đồng bộ Cổng Dịch vụ công quốc gia"
FAILED_LIST = "/can-bo/ho-so?national_sync=failed"


@pytest.fixture(autouse=True)
def portal_is_the_standin(client, monkeypatch):
    monkeypatch.setattr(gateway, "portal", lambda: standin_portal(client))
    yield
    fault(client, "none")


def sync_view(client, code: str) -> dict:
    status, view = detail(client, code, officer(client))
    assert status == 200
    return view["national_sync"]


def test_a_refused_sync_shows_its_reason_and_what_to_do(client):
    code = submit(client)[1]["code"]
    fault(client, "reject", code)
    run_sync(client, code)

    sync = sync_view(client, code)

    assert sync["state"] == "failed" and sync["state_label"] == "Bị từ chối"
    assert sync["status_code"] == 1 and sync["status_label"] == "Mới đăng ký, chờ tiếp nhận"
    assert "422" in sync["reason"] and sync["advice"] == FAILED_ADVICE and sync["at"]


def test_a_synced_dossier_says_so_with_the_last_status_sent(client):
    code = submit(client)[1]["code"]
    run_sync(client, code)

    sync = sync_view(client, code)

    assert sync["state_label"] == "Đã đồng bộ" and sync["at"]
    assert (sync["status_code"], sync["status_label"]) == (1, "Mới đăng ký, chờ tiếp nhận")
    assert "reason" not in sync and "advice" not in sync


def test_a_dossier_not_yet_sent_is_pending(client):
    code = submit(client)[1]["code"]

    sync = sync_view(client, code)

    assert sync["state"] == "pending" and sync["state_label"] == "Đang chờ đồng bộ"
    assert "reason" not in sync and "advice" not in sync


def test_the_console_dossier_page_renders_the_sync_block(client):
    code = submit(client)[1]["code"]
    browser = sign_in(client, f"receptionist.{AGENCY}")
    page = client.http.get(f"/can-bo/ho-so/{code}", headers=browser.header())
    script = client.http.get("/static/console.js").body.decode()

    assert page.status_code == 200 and 'id="officer-dossier"' in page.body.decode()
    assert "nationalSyncSection(d.national_sync)" in script
    for words in (BLOCK_TITLE, "sync.state_label", "sync.reason", "sync.advice", FAILED_LIST):
        assert words in script


def test_the_inbox_links_to_the_agency_s_refused_dossiers(client):
    browser = sign_in(client, f"receptionist.{AGENCY}")
    html = client.http.get("/can-bo/ho-so", headers=browser.header()).body.decode()
    script = client.http.get("/static/console.js").body.decode()

    assert f'href="{FAILED_LIST}"' in html and 'name="national_sync"' in html
    assert "q.set('national_sync', sync.value)" in script


def test_the_refused_list_the_console_links_to_is_the_agency_s_own(client):
    code = submit(client)[1]["code"]
    fault(client, "reject", code)
    run_sync(client, code)
    mine, theirs = officer(client), officer(client, agency="ubnd-phuong-vo-cuong")

    _, page = call(client, "GET", "/v1/officer/dossiers?national_sync=failed", token=mine)
    _, other = call(client, "GET", "/v1/officer/dossiers?national_sync=failed", token=theirs)

    assert code in [d["code"] for d in page["items"]]
    assert code not in [d["code"] for d in other["items"]]
