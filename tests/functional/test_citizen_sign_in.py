"""Citizens' sign-in through the local OpenID provider: PKCE, state and nonce, the session
cookie, prefilled forms, "Hồ sơ của tôi", sign-out, CSRF, and every bad answer refused."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlparse

import pytest

from infra.local.citizen_idp import CITIZENS
from tests.factories import PROCEDURE, call, submission, token
from tests.functional import sign_in_flow as flow

pytestmark = pytest.mark.usefixtures("citizen_idp")
AN = CITIZENS["001090000001"]


def me(client, browser, headers=None):
    return call(client, "GET", "/v1/me", headers={**browser.header(), **(headers or {})})


def refused(answer) -> None:
    """A clear Vietnamese page, and no session."""
    assert answer.status_code == 400
    assert "Chưa đăng nhập được" in answer.body.decode()
    assert not any(c.startswith("dvc_session=") for c in flow.set_cookies(answer))


class TestSigningIn:
    def test_the_authorization_request_uses_pkce_s256_state_and_nonce(self, client):
        browser = flow.Browser({})
        url = flow.start(client, browser)

        query = {k: v[0] for k, v in parse_qs(urlparse(url).query).items()}
        assert url.startswith("http://citizen-idp.test/authorize?")
        assert query["response_type"] == "code" and "openid" in query["scope"].split()
        assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) == 43
        assert query["state"] == browser.cookies["dvc_signin"] and len(query["nonce"]) >= 32
        assert query["redirect_uri"] == "http://localhost/dang-nhap/callback"

    def test_a_citizen_signs_in_and_gets_a_server_side_session(self, client, citizen_idp):
        browser, answer = flow.sign_in(client, citizen_idp)

        assert answer.headers["Location"] == "/ho-so-cua-toi"
        cookie = next(c for c in flow.set_cookies(answer) if c.startswith("dvc_session="))
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
        assert "Secure" not in cookie  # plain-HTTP loopback on the local stage only
        status, who = me(client, browser)
        assert status == 200
        assert who == {"subject": AN.id_number, "role": "citizen", "name": AN.name, "session": True}

    def test_the_session_cookie_is_secure_outside_the_local_stage(self, monkeypatch):
        from chalicelib.config import reset_settings
        from chalicelib.services.accounts import sessions

        monkeypatch.setenv("STAGE", "prod")
        reset_settings()
        try:
            assert "Secure" in sessions.set_cookie("dvc_session", "x", 60)
        finally:
            monkeypatch.undo()
            reset_settings()

    def test_my_dossiers_page_and_the_prefilled_form(self, client, citizen_idp):
        browser, _ = flow.sign_in(client, citizen_idp)

        mine = client.http.get("/ho-so-cua-toi", headers=browser.header()).body.decode()
        form = client.http.get(f"/thu-tuc/{PROCEDURE}/nop-ho-so", headers=browser.header())
        html = form.body.decode()

        assert f"Bạn đang đăng nhập với tên {AN.name}" in mine and "Đăng xuất" in mine
        assert form.headers["Cache-Control"] == "no-store"
        assert re.search(rf'id="f-applicant-full_name"[^>]*value="{AN.name}" readonly', html)
        assert re.search(rf'id="f-applicant-id_number"[^>]*value="{AN.id_number}" readonly', html)
        assert re.search(rf'id="f-applicant-phone"[^>]*value="{AN.phone}"', html)
        assert re.search(r'id="f-applicant-address"[^>]*value="Số 8 Lý Thái Tổ', html)
        assert re.search(rf'id="f-form-nguoi_yeu_cau-ho_ten"[^>]*value="{AN.name}"', html)
        assert 'name="csrf-token"' in html and "access_token" not in html

    def test_a_dossier_submitted_while_signed_in_belongs_to_the_citizen(self, client, citizen_idp):
        browser, _ = flow.sign_in(client, citizen_idp)
        csrf = flow.csrf_token(client, browser)
        body = submission(client)
        headers = {**browser.header(), "X-CSRF-Token": csrf}

        status, created = call(client, "POST", "/v1/dossiers", body, headers=headers)
        status_mine, mine = call(client, "GET", "/v1/me/dossiers", headers=browser.header())

        assert status == 201, created
        assert status_mine == 200
        assert created["code"] in [d["code"] for d in mine["items"]]

    @pytest.mark.parametrize("next_path", ["//evil.example/x", "https://evil.example/"])
    def test_sign_in_never_sends_the_browser_to_another_site(self, client, citizen_idp, next_path):
        _, answer = flow.sign_in(client, citizen_idp, next_path=next_path)

        assert answer.headers["Location"] == "/ho-so-cua-toi"


class TestBadAnswersOpenNoSession:
    def test_a_tampered_state(self, client, citizen_idp):
        browser = flow.Browser({})
        query = flow.callback_query(flow.authorize(citizen_idp, flow.start(client, browser)))

        refused(flow.callback(client, browser, {**query, "state": query["state"][:-2] + "xx"}))

    def test_a_callback_in_another_browser(self, client, citizen_idp):
        query = flow.callback_query(
            flow.authorize(citizen_idp, flow.start(client, flow.Browser({})))
        )

        refused(flow.callback(client, flow.Browser({}), query))

    def test_an_expired_state(self, client, citizen_idp, monkeypatch):
        from chalicelib.services.accounts import citizens

        monkeypatch.setattr(citizens, "SIGNIN_SECONDS", -1)
        browser = flow.Browser({})
        query = flow.callback_query(flow.authorize(citizen_idp, flow.start(client, browser)))

        refused(flow.callback(client, browser, query))

    def test_a_replayed_callback(self, client, citizen_idp):
        browser = flow.Browser({})
        query = flow.callback_query(flow.authorize(citizen_idp, flow.start(client, browser)))
        state_cookie = browser.cookies["dvc_signin"]
        assert flow.callback(client, browser, query).status_code == 302

        refused(flow.callback(client, flow.Browser({"dvc_signin": state_cookie}), query))

    def test_a_replayed_code(self, client, citizen_idp):
        first = flow.Browser({})
        used = flow.callback_query(flow.authorize(citizen_idp, flow.start(client, first)))
        assert flow.callback(client, first, used).status_code == 302
        second = flow.Browser({})
        fresh = flow.callback_query(flow.authorize(citizen_idp, flow.start(client, second)))

        refused(flow.callback(client, second, {**fresh, "code": used["code"]}))

    def test_a_wrong_nonce(self, client, citizen_idp, monkeypatch):
        issue = citizen_idp.id_token
        monkeypatch.setattr(
            citizen_idp, "id_token", lambda c, a, nonce, **k: issue(c, a, "another-nonce", **k)
        )
        browser = flow.Browser({})
        query = flow.callback_query(flow.authorize(citizen_idp, flow.start(client, browser)))

        refused(flow.callback(client, browser, query))

    def test_a_token_from_another_issuer(self, client, citizen_idp, monkeypatch):
        issue = citizen_idp.id_token
        monkeypatch.setattr(
            citizen_idp,
            "id_token",
            lambda c, a, n, **k: issue(c, a, n, issuer="http://evil.test", **k),
        )
        browser = flow.Browser({})
        query = flow.callback_query(flow.authorize(citizen_idp, flow.start(client, browser)))

        refused(flow.callback(client, browser, query))

    def test_a_token_signed_with_another_key(self, client, citizen_idp, monkeypatch):
        from joserfc.jwk import RSAKey

        other = RSAKey.generate_key(2048, parameters={"kid": citizen_idp.key.kid})
        issue = citizen_idp.id_token
        monkeypatch.setattr(
            citizen_idp, "id_token", lambda c, a, n, **k: issue(c, a, n, key=other, **k)
        )
        browser = flow.Browser({})
        query = flow.callback_query(flow.authorize(citizen_idp, flow.start(client, browser)))

        refused(flow.callback(client, browser, query))

    def test_the_citizen_declines_at_the_provider(self, client):
        browser = flow.Browser({})
        url = flow.start(client, browser)
        state = parse_qs(urlparse(url).query)["state"][0]

        answer = flow.callback(client, browser, {"error": "access_denied", "state": state})

        assert answer.status_code == 400
        assert "Bạn chưa hoàn tất đăng nhập" in answer.body.decode()

    def test_a_wrong_password_stays_on_the_providers_page(self, client, citizen_idp):
        answer = flow.authorize(citizen_idp, flow.start(client, flow.Browser({})), password="x")

        assert answer.status_code == 401
        assert "Số định danh hoặc mật khẩu không đúng." in answer.text
        assert "location" not in answer.headers

    def test_the_provider_refuses_an_unregistered_redirect_uri(self, citizen_idp):
        with flow.provider_http(citizen_idp) as http:
            url = (
                "/authorize?response_type=code&client_id=dvc-portal-local&scope=openid"
                "&redirect_uri=http://evil.test/cb&state=s&nonce=n"
                "&code_challenge=" + "a" * 43 + "&code_challenge_method=S256"
            )
            answer = http.get(url)

        assert answer.status_code == 400 and "location" not in answer.headers

    def test_the_provider_refuses_a_code_without_the_pkce_verifier(self, client, citizen_idp):
        query = flow.callback_query(
            flow.authorize(citizen_idp, flow.start(client, flow.Browser({})))
        )
        with flow.provider_http(citizen_idp) as http:
            answer = http.post(
                "/token",
                data={
                    "grant_type": "authorization_code",
                    "code": query["code"],
                    "client_id": "dvc-portal-local",
                    "redirect_uri": "http://localhost/dang-nhap/callback",
                    "code_verifier": "not-the-verifier-" + "x" * 40,
                },
            )

        assert answer.status_code == 400 and answer.json()["error"] == "invalid_grant"

    def test_an_unreachable_provider_gets_a_clear_page(self, client, monkeypatch):
        import httpx

        from chalicelib.services.accounts import citizens

        monkeypatch.setattr(
            citizens, "TRANSPORT", httpx.MockTransport(lambda request: httpx.Response(503))
        )

        answer = client.http.get("/dang-nhap")

        assert answer.status_code == 503
        assert "Chưa kết nối được với hệ thống định danh điện tử" in answer.body.decode()
        assert not flow.set_cookies(answer)


class TestSessions:
    def test_sign_out_ends_the_session(self, client, citizen_idp):
        browser, _ = flow.sign_in(client, citizen_idp)
        csrf = flow.csrf_token(client, browser)
        cookie = dict(browser.cookies)

        answer = client.http.post(
            "/dang-xuat",
            body=f"csrf_token={csrf}".encode(),
            headers={**browser.header(), "Content-Type": "application/x-www-form-urlencoded"},
        )

        assert answer.status_code == 303 and answer.headers["Location"] == "/"
        assert any("Max-Age=0" in c for c in flow.set_cookies(answer))
        assert me(client, flow.Browser(cookie))[0] == 401

    def test_a_cross_site_sign_out_is_refused(self, client, citizen_idp):
        browser, _ = flow.sign_in(client, citizen_idp)

        answer = client.http.post(
            "/dang-xuat",
            body=b"",
            headers={**browser.header(), "Content-Type": "application/x-www-form-urlencoded"},
        )

        assert answer.status_code == 403
        assert me(client, browser)[0] == 200

    def test_a_cross_site_post_with_the_cookie_is_refused_and_changes_nothing(
        self, client, citizen_idp
    ):
        browser, _ = flow.sign_in(client, citizen_idp, username="001192000002")
        before = call(client, "GET", "/v1/me/dossiers", headers=browser.header())[1]["items"]

        status, body = call(
            client, "POST", "/v1/dossiers", submission(client), headers=browser.header()
        )

        assert status == 403 and body["error"]["code"] == "FORBIDDEN"
        after = call(client, "GET", "/v1/me/dossiers", headers=browser.header())[1]["items"]
        assert after == before

    def test_an_idle_session_is_over(self, client, citizen_idp, monkeypatch):
        from chalicelib.config import reset_settings

        browser, _ = flow.sign_in(client, citizen_idp)
        monkeypatch.setenv("SESSION_IDLE_MINUTES", "0")
        reset_settings()

        assert me(client, browser)[0] == 401
        monkeypatch.delenv("SESSION_IDLE_MINUTES")
        reset_settings()
        assert me(client, browser)[0] == 401  # and deleted, not merely hidden

    def test_a_session_past_its_absolute_expiry_is_over(self, client, citizen_idp, monkeypatch):
        from chalicelib.config import reset_settings

        monkeypatch.setenv("SESSION_MAX_HOURS", "0")
        reset_settings()
        browser, _ = flow.sign_in(client, citizen_idp)

        assert me(client, browser)[0] == 401

    def test_a_made_up_cookie_is_nobody(self, client):
        assert me(client, flow.Browser({"dvc_session": "made-up"}))[0] == 401


class TestBearerTokens:
    def test_me_answers_for_a_bearer_token(self, client):
        status, who = call(client, "GET", "/v1/me", token=token(client, subject="cccd-1"))

        assert status == 200 and who["subject"] == "cccd-1" and who["session"] is False

    def test_the_providers_id_token_works_as_a_bearer_token(self, client, citizen_idp):
        id_token = citizen_idp.id_token(AN, "dvc-portal-local", "n")

        status, who = call(client, "GET", "/v1/me", token=id_token)

        assert status == 200 and who["role"] == "citizen" and who["subject"] == AN.id_number

    def test_a_bearer_token_for_another_client_is_refused(self, client, citizen_idp):
        id_token = citizen_idp.id_token(AN, "another-client", "n")

        status, body = call(client, "GET", "/v1/me", token=id_token)

        assert status == 401 and body["error"]["code"] == "UNAUTHENTICATED"

    def test_nobody_without_credentials(self, client):
        status, body = call(client, "GET", "/v1/me")

        assert status == 401 and json.dumps(body, ensure_ascii=False).count("UNAUTHENTICATED")
