"""The console page of the tracking register (Form 07, Circular 03/2025/TT-VPCP): the desk and
the leaders pick a period and open their agency's book with their session; other officers are
told the book is not theirs to keep."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from chalicelib.domain.calendar import VN_TZ
from tests.factories import submit
from tests.functional.sign_in_flow import Browser

AGENCY = "ubnd-phuong-kinh-bac"
PAGE = "/can-bo/so-theo-doi"
REGISTER = f"/v1/officer/agencies/{AGENCY}/register"


def sign_in(client, username: str) -> Browser:
    """An officer of the local pool signs in to the console (password step)."""
    browser = Browser({})
    answer = client.http.post(
        "/can-bo/dang-nhap",
        body=urlencode({"step": "password", "username": username, "password": "dvc-local"}),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    browser.keep(answer)
    assert answer.status_code == 303
    return browser


def test_the_page_needs_a_signed_in_officer(client):
    response = client.http.get(PAGE)

    assert response.status_code in (302, 303)
    assert f"/can-bo/dang-nhap?next={PAGE}" in response.headers["Location"]


def test_the_desk_opens_its_agency_s_book_with_its_session(client):
    code = submit(client)[1]["code"]
    browser = sign_in(client, f"receptionist.{AGENCY}")
    html = client.http.get(PAGE, headers=browser.header()).body.decode()
    today = datetime.now(VN_TZ).date().isoformat()
    book = client.http.get(f"{REGISTER}?from={today}&to={today}", headers=browser.header())

    assert f'action="{REGISTER}"' in html and f'formaction="{REGISTER}/pdf"' in html
    assert 'href="/can-bo/so-theo-doi"' in html
    assert book.status_code == 200 and code in book.body.decode()


def test_a_specialist_is_told_the_book_is_not_theirs(client):
    browser = sign_in(client, f"specialist.{AGENCY}")
    html = client.http.get(PAGE, headers=browser.header()).body.decode()

    assert "register-form" not in html and 'href="/can-bo/so-theo-doi"' not in html
    assert "không xem được sổ" in html
