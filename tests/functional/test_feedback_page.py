"""The page where a feedback's sender follows it and rates its answer (/phan-anh/tra-cuu).

Its messages linked to the JSON route /v1/feedback/{id}: a citizen tapping the link saw JSON or
a 400. The page takes the id from the link; its script sends the phone (or the session cookie
and CSRF token) to the same JSON API, whose 404, guess limits and one-time rating it keeps:
these tests walk the calls the page makes. The browser test covers the script itself."""

from __future__ import annotations

import re

import pytest

from tests.factories import call, random_phone
from tests.functional import sign_in_flow as flow
from tests.functional.notify_helpers import dev_messages, drain, outbox_events, run_events
from tests.functional.test_feedback import answer, answered, feedback_body

FIXED_LAMP = "Đã sửa đèn đường."  # an answer not published

PAGE = "/phan-anh/tra-cuu"
OTHER_CITIZEN = "001192000002"


def page(client, path, headers=None) -> tuple[int, str]:
    response = client.http.get(path, headers=headers or {})
    return response.status_code, response.body.decode()


def rate(client, feedback_id, body, headers=None):
    return call(client, "POST", f"/v1/feedback/{feedback_id}/rating", body, headers=headers)


def other_phone(right: str) -> str:
    while (phone := random_phone()) == right:
        pass
    return phone


class TestTheMessageLinksToThePage:
    def test_the_answered_message_opens_the_page_with_the_id_filled_in(self, client):
        _, created = answered(client)
        feedback_id = created["id"]

        run_events(client, outbox_events(feedback_id))
        drain(client)

        texts = [
            m["text"]
            for m in dev_messages(client)
            if m["template"] == "feedback_answered" and feedback_id in m["text"]
        ]
        assert texts and all(f"{PAGE}?ma={feedback_id}" in t for t in texts)
        assert not any("/v1/" in t for t in texts)
        link = re.search(rf"(?:https?://[^/\s]+)?({re.escape(PAGE)}\?ma=[\w-]+)", texts[0]).group(1)
        status, html = page(client, link)
        assert status == 200
        assert re.search(rf'id="f-code"[^>]*value="{feedback_id}"', html)
        assert "feedback_lookup.js" in html and 'id="f-phone"' in html


class TestTheSenderWithThePhone:
    def test_sees_the_answer_and_rates_once(self, client):
        phone = random_phone()
        _, created = answered(client, feedback_body(phone=phone))
        feedback_id = created["id"]

        status, view = call(client, "GET", f"/v1/feedback/{feedback_id}?phone={phone}")
        rated, after = rate(client, feedback_id, {"satisfied": True, "phone": phone})
        again, refused = rate(client, feedback_id, {"satisfied": False, "phone": phone})

        assert status == 200 and view["can_rate"] is True
        assert view["answer"]["text"] == "Đã thu gom rác và nhắc nhở hộ dân."
        assert view["status_label"] == "Đã trả lời và công khai"
        assert rated == 200 and after["rating"]["satisfied"] is True and after["can_rate"] is False
        assert again == 409 and refused["error"]["message"] == "Bạn đã đánh giá câu trả lời này."

    def test_a_wrong_phone_is_answered_as_an_unknown_id(self, client):
        phone = random_phone()
        _, created = answered(client, feedback_body(phone=phone, public=False), publish=False)
        feedback_id, wrong = created["id"], other_phone(phone)

        read_wrong = call(client, "GET", f"/v1/feedback/{feedback_id}?phone={wrong}")
        read_unknown = call(client, "GET", f"/v1/feedback/PAKN-000000-ZZZZZ?phone={wrong}")
        rate_wrong = rate(client, feedback_id, {"satisfied": True, "phone": wrong})
        rate_unknown = rate(client, "PAKN-000000-ZZZZZ", {"satisfied": True, "phone": wrong})

        assert read_wrong == read_unknown and read_wrong[0] == 404
        assert rate_wrong == rate_unknown and rate_wrong[0] == 404

    def test_the_page_s_lookups_are_guesses_under_the_api_s_limits(self, client, limits):
        limits(LOOKUP_FAILURES_PER_CODE_AND_IP=2)
        phone = random_phone()
        _, created = answered(client, feedback_body(phone=phone), publish=False)
        feedback_id, wrong = created["id"], other_phone(phone)

        wrongs = [
            call(client, "GET", f"/v1/feedback/{feedback_id}?phone={wrong}")[0] for _ in range(3)
        ]
        right_when_spent, _ = rate(client, feedback_id, {"satisfied": True, "phone": phone})

        assert wrongs == [404, 404, 429] and right_when_spent == 429

    def test_the_page_never_echoes_a_phone_posted_without_a_script(self, client):
        response = client.http.post(
            PAGE,
            body=b"code=PAKN-261203-ABCDE&phone=0912345678",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )

        assert response.status_code == 200
        assert "JavaScript" in response.body.decode()
        assert "0912345678" not in response.body.decode()


@pytest.mark.usefixtures("citizen_idp")
class TestSignedIn:
    def sent_and_answered(self, client, browser) -> str:
        headers = {**browser.header(), "X-CSRF-Token": flow.csrf_token(client, browser)}
        status, created = call(client, "POST", "/v1/feedback", feedback_body(), headers=headers)
        assert status == 201, created
        answer(client, created["id"], FIXED_LAMP)
        return created["id"]

    def test_the_sender_needs_no_phone_and_rates_with_the_csrf_token(self, client, citizen_idp):
        browser, _ = flow.sign_in(client, citizen_idp)
        feedback_id = self.sent_and_answered(client, browser)

        status, html = page(client, f"{PAGE}?ma={feedback_id}", browser.header())
        read, view = call(client, "GET", f"/v1/feedback/{feedback_id}", headers=browser.header())
        csrf = re.search(r'<meta name="csrf-token" content="([^"]+)"', html).group(1)
        headers = {**browser.header(), "X-CSRF-Token": csrf}
        rated, after = rate(client, feedback_id, {"satisfied": False}, headers)

        assert status == 200 and "data-signed-in" in html
        assert read == 200 and view["can_rate"] is True and view["answer"]["text"]
        assert rated == 200 and after["rating"]["satisfied"] is False

    def test_a_signed_in_citizen_can_send_feedback_from_the_feedback_page(
        self, client, citizen_idp
    ):
        """/phan-anh was rendered without the session: no CSRF token for its script, so a
        signed-in citizen's feedback was refused (403) and never reached the tracking page."""
        browser, _ = flow.sign_in(client, citizen_idp)
        html = client.http.get("/phan-anh", headers=browser.header()).body.decode()
        csrf = re.search(r'<meta name="csrf-token" content="([^"]+)"', html).group(1)

        headers = {**browser.header(), "X-CSRF-Token": csrf}
        status, created = call(client, "POST", "/v1/feedback", feedback_body(), headers=headers)

        assert status == 201, created
        assert "Đăng xuất" in html

    def test_a_rating_without_the_csrf_token_is_refused_and_changes_nothing(
        self, client, citizen_idp
    ):
        browser, _ = flow.sign_in(client, citizen_idp)
        feedback_id = self.sent_and_answered(client, browser)

        refused, data = rate(client, feedback_id, {"satisfied": True}, browser.header())
        forged, _ = rate(
            client, feedback_id, {"satisfied": True}, {**browser.header(), "X-CSRF-Token": "x"}
        )
        _, view = call(client, "GET", f"/v1/feedback/{feedback_id}", headers=browser.header())

        assert refused == 403 and forged == 403
        assert "chống giả mạo" in data["error"]["message"]
        assert view["rating"] is None and view["can_rate"] is True

    def test_another_citizen_sees_no_more_than_the_api_shows_and_cannot_rate(
        self, client, citizen_idp
    ):
        sender, _ = flow.sign_in(client, citizen_idp)
        feedback_id = self.sent_and_answered(client, sender)
        other, _ = flow.sign_in(client, citizen_idp, username=OTHER_CITIZEN)
        headers = {**other.header(), "X-CSRF-Token": flow.csrf_token(client, other)}

        read, _ = call(client, "GET", f"/v1/feedback/{feedback_id}", headers=other.header())
        rated, data = rate(client, feedback_id, {"satisfied": False}, headers)
        status, html = page(client, f"{PAGE}?ma={feedback_id}", other.header())
        _, view = call(client, "GET", f"/v1/feedback/{feedback_id}", headers=sender.header())

        assert read == 404 and rated == 404  # not published: as an unknown id
        assert data["error"]["code"] == "NOT_FOUND"
        assert status == 200 and "Đã sửa đèn đường" not in html
        assert view["rating"] is None


@pytest.mark.usefixtures("citizen_idp")
def test_a_published_answer_shows_others_no_sender_data_and_no_rating(client, citizen_idp):
    phone = random_phone()
    body, created = answered(client, feedback_body(phone=phone))
    other, _ = flow.sign_in(client, citizen_idp, username=OTHER_CITIZEN)

    status, view = call(client, "GET", f"/v1/feedback/{created['id']}", headers=other.header())

    assert status == 200 and view["answer"]["text"]
    assert "can_rate" not in view and "sender" not in view and "history" not in view
    assert phone not in str(view) and body["sender"]["full_name"] not in str(view)


class TestThePageItself:
    def test_the_id_from_the_link_is_escaped(self, client):
        status, html = page(client, f"{PAGE}?ma=%22%3E%3Cscript%3Ealert(1)%3C/script%3E")

        assert status == 200
        assert "<SCRIPT>" not in html.upper().replace("<SCRIPT SRC", "")
        assert "&#34;&gt;&lt;SCRIPT&gt;" in html or "&quot;&gt;&lt;SCRIPT&gt;" in html

    def test_it_is_private_and_listed_in_the_api_description(self, client):
        response = client.http.get(f"{PAGE}?ma=PAKN-261203-ABCDE")
        paths = client.http.get("/openapi.json").json_body["paths"]

        assert response.headers["Cache-Control"] == "no-store"
        assert "text/html" in paths[PAGE]["get"]["responses"]["200"]["content"]

    def test_the_feedback_page_links_to_it(self, client):
        _, html = page(client, "/phan-anh")

        assert f'href="{PAGE}"' in html
