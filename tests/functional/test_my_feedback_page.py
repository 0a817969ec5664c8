"""The signed-in citizen's own feedback on the portal (/phan-anh-cua-toi).

The API `GET /v1/me/feedback` listed it but no page did: a citizen who sent feedback while signed
in had no way back to it but the message's link. The page lists it from the same service, newest
first, 20 a page, each row linking to the page where it is followed and rated."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta
from html import unescape

import pytest

from chalicelib.entrypoints import feedback_api
from chalicelib.services.shared import clock
from chalicelib.web import portal
from infra.local import citizen_idp as idp
from tests.factories import call
from tests.functional import sign_in_flow as flow
from tests.functional.test_feedback import answer, feedback_body

PAGE = "/phan-anh-cua-toi"
pytestmark = pytest.mark.usefixtures("citizen_idp")


@pytest.fixture
def signed_in(client, citizen_idp, monkeypatch):
    """Sign in a citizen of their own (the tables outlive a test: the local provider's three
    accounts would see each other test's feedback)."""

    def sign_in(name="Nguyễn Thị Hoa"):
        id_number = f"001{secrets.randbelow(10**9):09d}"
        citizen = idp.Citizen(id_number, name, "0912000111", "1991-01-01")
        monkeypatch.setitem(idp.CITIZENS, id_number, citizen)
        browser, _ = flow.sign_in(client, citizen_idp, username=id_number)
        return browser

    return sign_in


def get(client, path, browser=None):
    response = client.http.get(path, headers=browser.header() if browser else {})
    return response, response.body.decode()


def send_as(client, browser, monkeypatch, title, minutes_ago) -> str:
    """`browser`'s citizen sends a feedback, received `minutes_ago` (the list's order)."""
    moment = clock.now() - timedelta(minutes=minutes_ago)
    monkeypatch.setattr(feedback_api, "now", lambda: moment)
    headers = {**browser.header(), "X-CSRF-Token": flow.csrf_token(client, browser)}
    status, created = call(
        client, "POST", "/v1/feedback", feedback_body(title=title), headers=headers
    )
    monkeypatch.setattr(feedback_api, "now", clock.now)
    assert status == 201, created
    return created["id"]


def rows(html) -> list[str]:
    """The feedback ids the page lists, in order."""
    return re.findall(r'<li class="card" data-feedback="([^"]+)"', html)


def card(html, feedback_id) -> str:
    return re.search(rf'data-feedback="{feedback_id}">(.*?)</li>', html, re.S).group(1)


def test_signed_out_the_page_sends_to_the_sign_in_and_back(client):
    response, _ = get(client, PAGE)

    assert response.status_code == 302
    assert response.headers["Location"] == f"/dang-nhap?next={PAGE}"


def test_it_lists_only_the_citizen_s_own_feedback_newest_first(client, signed_in, monkeypatch):
    me, other = signed_in(), signed_in("Trần Văn Bình")
    oldest = send_as(client, me, monkeypatch, "Đèn đường hỏng", minutes_ago=30)
    theirs = send_as(client, other, monkeypatch, "Phản ánh của người khác", minutes_ago=20)
    newest = send_as(client, me, monkeypatch, "Ngập nước ngõ 5", minutes_ago=10)

    response, html = get(client, PAGE, me)
    _, other_html = get(client, PAGE, other)

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert rows(html) == [newest, oldest]
    assert theirs not in html and "Phản ánh của người khác" not in html
    assert rows(other_html) == [theirs] and "Đèn đường hỏng" not in other_html


def test_each_row_shows_title_date_status_and_links_to_its_page(client, signed_in, monkeypatch):
    me = signed_in()
    waiting = send_as(client, me, monkeypatch, "Đèn đường hỏng", minutes_ago=30)
    answered_ = send_as(client, me, monkeypatch, "Ngập nước ngõ 5", minutes_ago=20)
    rated = send_as(client, me, monkeypatch, "Rác thải tồn đọng", minutes_ago=10)
    answer(client, answered_)
    answer(client, rated)
    csrf = flow.csrf_token(client, me)
    status, _ = call(
        client, "POST", f"/v1/feedback/{rated}/rating", {"satisfied": True},
        headers={**me.header(), "X-CSRF-Token": csrf},
    )  # fmt: skip
    assert status == 200

    _, html = get(client, PAGE, me)

    first = card(html, waiting)
    assert f'href="/phan-anh/tra-cuu?ma={waiting}"' in first and "Đèn đường hỏng" in first
    assert "Đã tiếp nhận, chờ phân loại" in first and "Chưa có câu trả lời" in first
    assert f"Gửi ngày {clock.now() - timedelta(minutes=30):%d/%m/%Y}" in first
    assert "Đã trả lời" in card(html, answered_)
    assert "Chưa đánh giá câu trả lời" in card(html, answered_)
    assert "Bạn đã đánh giá câu trả lời" in card(html, rated)
    assert "Chưa đánh giá" not in card(html, rated)


def test_the_api_says_answered_and_rated_too(client, signed_in, monkeypatch):
    me = signed_in()
    sent = send_as(client, me, monkeypatch, "Đèn đường hỏng", minutes_ago=5)
    answer(client, sent)

    status, listing = call(client, "GET", "/v1/me/feedback", headers=me.header())

    assert status == 200
    assert listing["items"][0] | {"answered": True, "rated": False} == listing["items"][0]


def test_it_pages_with_a_next_page_link(client, signed_in, monkeypatch):
    monkeypatch.setattr(portal, "PAGE_SIZE", 2)
    me = signed_in()
    sent = [send_as(client, me, monkeypatch, f"Phản ánh {n}", minutes_ago=50 - n) for n in range(3)]

    _, first = get(client, PAGE, me)
    more = re.search(r'id="my-feedback-more" href="([^"]+)"', first)
    _, second = get(client, unescape(more.group(1)), me)

    assert rows(first) == [sent[2], sent[1]]
    assert more and more.group(1).startswith(f"{PAGE}?tiep=")
    assert rows(second) == [sent[0]]
    assert 'id="my-feedback-more"' not in second


@pytest.mark.parametrize("token", ["abc", "eyJ4IjoxfQ.forged", "%3Cscript%3E"])
def test_an_invalid_page_link_gets_a_clear_error_page(client, signed_in, token):
    me = signed_in()

    response, html = get(client, f"{PAGE}?tiep={token}", me)

    assert response.status_code == 400
    assert "text/html" in response.headers["Content-Type"]
    assert "Đường dẫn trang này không hợp lệ hoặc đã hết hạn" in html
    assert f'href="{PAGE}"' in html and "<script>" not in html


def test_another_citizen_s_page_link_is_refused(client, signed_in, monkeypatch):
    """A page token is bound to the list it was issued for: another citizen's next-page link
    does not page through their feedback."""
    monkeypatch.setattr(portal, "PAGE_SIZE", 1)
    other = signed_in("Trần Văn Bình")
    for n in range(2):
        send_as(client, other, monkeypatch, f"Của người khác {n}", minutes_ago=10 - n)
    _, theirs = get(client, PAGE, other)
    link = unescape(re.search(r'id="my-feedback-more" href="([^"]+)"', theirs).group(1))
    me = signed_in()

    response, html = get(client, link, me)

    assert response.status_code == 400 and "Của người khác" not in html


def test_titles_are_escaped(client, signed_in, monkeypatch):
    me = signed_in()
    send_as(client, me, monkeypatch, '<script>alert("x")</script><b>Đèn</b>', minutes_ago=1)

    _, html = get(client, PAGE, me)

    assert "<script>alert" not in html and "<b>Đèn</b>" not in html
    assert "&lt;script&gt;alert(" in html and "&lt;b&gt;Đèn&lt;/b&gt;" in html


def test_without_feedback_it_says_so_and_links_to_send_one(client, signed_in):
    me = signed_in()

    response, html = get(client, PAGE, me)

    assert response.status_code == 200 and rows(html) == []
    assert "Bạn chưa gửi phản ánh, kiến nghị nào khi đăng nhập." in html
    assert 'href="/phan-anh"' in html


def test_the_citizen_s_pages_link_to_it(client, signed_in):
    me = signed_in()

    pages = {path: get(client, path, me)[1] for path in ("/ho-so-cua-toi", "/phan-anh", PAGE)}
    _, signed_out = get(client, "/phan-anh")

    header = re.compile(rf'<nav aria-label="Điều hướng chính">.*href="{PAGE}"', re.S)
    assert all(header.search(html) for html in pages.values())
    assert f'href="{PAGE}" aria-current="page"' in pages[PAGE]
    assert 'id="to-my-feedback"' in pages["/ho-so-cua-toi"]
    assert f'href="{PAGE}"' not in signed_out  # only a signed-in citizen has such a page


def test_it_is_listed_in_the_api_description(client):
    paths = client.http.get("/openapi.json").json_body["paths"]

    responses = paths[PAGE]["get"]["responses"]
    assert "text/html" in responses["200"]["content"] and "302" in responses
