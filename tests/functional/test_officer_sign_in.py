"""Officers sign in to the console with the Cognito user pool (moto's, provisioned like `make
run`'s): password, new password at first sign-in, TOTP; refresh before expiry; sign-out
revokes; a disabled officer is refused; the agency admin manages officer accounts, audited."""

from __future__ import annotations

import re
import time
import uuid

import boto3
import pytest

from chalicelib.persistence import session_store
from tests.factories import call, submit
from tests.functional.sign_in_flow import Browser, set_cookies

AGENCY = "ubnd-phuong-kinh-bac"
OTHER = "ubnd-phuong-vo-cuong"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def pool_id() -> str:
    from chalicelib.config import get_settings

    return get_settings().cognito_user_pool_id


def client_id() -> str:
    from chalicelib.config import get_settings

    return get_settings().cognito_client_id


def post_form(client, path, fields: dict, browser: Browser):
    from urllib.parse import urlencode

    answer = client.http.post(
        path, body=urlencode(fields).encode(), headers={**FORM, **browser.header()}
    )
    browser.keep(answer)
    return answer


def sign_in(client, username, password="dvc-local", browser=None):  # noqa: S107
    browser = browser or Browser({})
    answer = post_form(
        client,
        "/can-bo/dang-nhap",
        {"step": "password", "username": username, "password": password},
        browser,
    )
    return browser, answer


def csrf(client, browser) -> str:
    html = client.http.get("/can-bo/ho-so", headers=browser.header()).body.decode()
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', html).group(1)


def me(client, browser):
    return call(client, "GET", "/v1/me", headers=browser.header())


def new_officer(role="specialist", agency=AGENCY, temporary=None) -> str:
    """An officer made straight in the pool (as an admin would), with a temporary password."""
    idp = boto3.client("cognito-idp")
    username = f"{role}.{uuid.uuid4().hex[:8]}"
    idp.admin_create_user(
        UserPoolId=pool_id(),
        Username=username,
        TemporaryPassword=temporary or "tam-thoi-123",
        MessageAction="SUPPRESS",
        UserAttributes=[
            {"Name": "email", "Value": f"{username}@example.invalid"},
            {"Name": "custom:agency", "Value": agency},
        ],
    )
    idp.admin_add_user_to_group(UserPoolId=pool_id(), Username=username, GroupName=role)
    return username


def refused(answer, text) -> None:
    assert answer.status_code == 401
    assert text in answer.body.decode()
    assert not any(
        c.startswith("dvc_session=") and "Max-Age=0" not in c for c in set_cookies(answer)
    )


class TestSigningIn:
    def test_an_officer_signs_in_and_acts_on_a_dossier_with_the_session(self, client):
        code = submit(client)[1]["code"]
        browser, answer = sign_in(client, f"receptionist.{AGENCY}")

        assert answer.status_code == 303 and answer.headers["Location"] == "/can-bo/ho-so"
        status, who = me(client, browser)
        assert status == 200
        assert who["role"] == "receptionist" and who["agency"] == AGENCY
        assert who["subject"] == f"receptionist.{AGENCY}" and who["session"] is True
        status, dossier = call(
            client, "GET", f"/v1/officer/dossiers/{code}", headers=browser.header()
        )
        assert status == 200
        status, acted = call(
            client,
            "POST",
            f"/v1/officer/dossiers/{code}/actions",
            {"action": "accept", "version": dossier["version"]},
            headers={**browser.header(), "X-CSRF-Token": csrf(client, browser)},
        )
        assert status == 200, acted
        assert acted["status"] == "accepted"

    def test_the_console_page_never_carries_the_pools_tokens(self, client):
        browser, _ = sign_in(client, f"leader.{AGENCY}")
        session = session_store.get_session(browser.cookies["dvc_session"])

        html = client.http.get("/can-bo/ho-so", headers=browser.header()).body.decode()

        assert session["tokens"]["access_token"] not in html
        assert session["tokens"]["refresh_token"] not in html
        assert f"leader.{AGENCY}" in html and "Đăng xuất" in html

    def test_a_cross_site_action_with_the_cookie_is_refused(self, client):
        code = submit(client)[1]["code"]
        browser, _ = sign_in(client, f"receptionist.{AGENCY}")
        version = call(client, "GET", f"/v1/officer/dossiers/{code}", headers=browser.header())[1][
            "version"
        ]

        status, body = call(
            client,
            "POST",
            f"/v1/officer/dossiers/{code}/actions",
            {"action": "accept", "version": version},
            headers=browser.header(),
        )

        assert status == 403 and body["error"]["code"] == "FORBIDDEN"
        after = call(client, "GET", f"/v1/officer/dossiers/{code}", headers=browser.header())[1]
        assert after["status"] == "submitted" and after["version"] == version

    def test_console_pages_send_a_signed_out_visitor_to_the_sign_in_page(self, client):
        answer = client.http.get("/can-bo/ho-so")

        assert answer.status_code == 302
        assert answer.headers["Location"].startswith("/can-bo/dang-nhap?next=")

    def test_the_sign_in_page_has_username_and_password_fields(self, client):
        html = client.http.get("/can-bo/dang-nhap").body.decode()

        assert 'name="username"' in html and 'name="password"' in html


class TestBadInput:
    def test_a_wrong_password(self, client):
        _, answer = sign_in(client, f"receptionist.{AGENCY}", "sai-mat-khau")

        refused(answer, "Tên đăng nhập hoặc mật khẩu không đúng.")

    def test_an_unknown_officer_reads_the_same_as_a_wrong_password(self, client):
        _, answer = sign_in(client, "khong.co.ai")

        refused(answer, "Tên đăng nhập hoặc mật khẩu không đúng.")

    def test_a_disabled_officer(self, client):
        username = new_officer()
        idp = boto3.client("cognito-idp")
        idp.admin_set_user_password(
            UserPoolId=pool_id(), Username=username, Password="dvc-local", Permanent=True
        )
        idp.admin_disable_user(UserPoolId=pool_id(), Username=username)

        _, answer = sign_in(client, username)

        refused(answer, "Tài khoản này đã bị khóa.")

    def test_a_challenge_answer_without_its_pending_sign_in(self, client):
        answer = post_form(
            client, "/can-bo/dang-nhap", {"step": "totp", "code": "123456"}, Browser({})
        )

        refused(answer, "Phiên đăng nhập đã hết hạn.")


class TestChallenges:
    def test_first_sign_in_asks_for_a_new_password(self, client):
        username = new_officer()
        browser, first = sign_in(client, username, "tam-thoi-123")
        assert first.status_code == 200 and 'name="new_password"' in first.body.decode()

        weak = post_form(
            client, "/can-bo/dang-nhap", {"step": "new_password", "new_password": "ngan"}, browser
        )
        assert weak.status_code == 401 and "chưa đủ mạnh" in weak.body.decode()
        done = post_form(
            client,
            "/can-bo/dang-nhap",
            {"step": "new_password", "new_password": "mat-khau-moi-dai"},
            browser,
        )

        assert done.status_code == 303
        assert me(client, browser)[1]["subject"] == username

    def test_an_officer_with_totp_is_asked_for_the_code(self, client, monkeypatch):
        monkeypatch.setenv("MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP", "true")
        username = new_officer()
        idp = boto3.client("cognito-idp")
        idp.admin_set_user_password(
            UserPoolId=pool_id(), Username=username, Password="dvc-local", Permanent=True
        )
        access = idp.initiate_auth(
            ClientId=client_id(),
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": username, "PASSWORD": "dvc-local"},
        )["AuthenticationResult"]["AccessToken"]
        idp.associate_software_token(AccessToken=access)
        idp.verify_software_token(AccessToken=access, UserCode=totp_code())
        idp.admin_set_user_mfa_preference(
            UserPoolId=pool_id(),
            Username=username,
            SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True},
        )
        browser, first = sign_in(client, username)
        assert first.status_code == 200 and 'name="code"' in first.body.decode()

        wrong = post_form(
            client, "/can-bo/dang-nhap", {"step": "totp", "code": wrong_code()}, browser
        )
        assert wrong.status_code == 401 and "Mã xác thực không đúng" in wrong.body.decode()
        code = totp_code()
        done = post_form(client, "/can-bo/dang-nhap", {"step": "totp", "code": code}, browser)

        assert done.status_code == 303
        assert me(client, browser)[1]["subject"] == username

    def test_a_pool_that_requires_mfa_has_a_new_officer_enrol_an_authenticator(
        self, client, monkeypatch
    ):
        from moto.cognitoidp.models import COGNITO_TOTP_MFA_SECRET

        monkeypatch.setenv("MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP", "true")
        idp = boto3.client("cognito-idp")
        idp.set_user_pool_mfa_config(
            UserPoolId=pool_id(),
            MfaConfiguration="ON",
            SoftwareTokenMfaConfiguration={"Enabled": True},
        )
        try:
            username = new_officer()
            browser, _ = sign_in(client, username, "tam-thoi-123")
            setup = post_form(
                client,
                "/can-bo/dang-nhap",
                {"step": "new_password", "new_password": "mat-khau-moi-dai"},
                browser,
            )
            assert setup.status_code == 200
            assert COGNITO_TOTP_MFA_SECRET in setup.body.decode()
            code = totp_code()
            done = post_form(client, "/can-bo/dang-nhap", {"step": "totp", "code": code}, browser)
        finally:
            idp.set_user_pool_mfa_config(
                UserPoolId=pool_id(),
                MfaConfiguration="OPTIONAL",
                SoftwareTokenMfaConfiguration={"Enabled": True},
            )

        assert done.status_code == 303
        assert me(client, browser)[1]["subject"] == username


TOTP_STEP = 30  # seconds, as the emulated pool checks codes: the current step only


def totp_code() -> str:
    """The emulated authenticator's code, read at least 5 s before its step ends: a code read
    in a step's last moment is checked in the next step and refused (a timing flake)."""
    from moto.cognitoidp.models import COGNITO_TOTP_MFA_SECRET
    from moto.cognitoidp.utils import cognito_totp

    left = TOTP_STEP - time.time() % TOTP_STEP
    if left < 5:
        time.sleep(left + 0.1)
    return cognito_totp(COGNITO_TOTP_MFA_SECRET).generate(time.time()).decode()


def wrong_code() -> str:
    """A code that is surely wrong: not "000000", which is right once in a million steps."""
    right = int(totp_code())
    return f"{(right + 500_000) % 1_000_000:06d}"


def expire_tokens_soon(browser) -> None:
    cookie = browser.cookies["dvc_session"]
    data = session_store.get_session(cookie)
    data["tokens"]["expires_at"] = int(time.time()) + 10
    session_store.put_session(cookie, data, data["expires_at"])


class TestTokens:
    def test_tokens_are_refreshed_before_they_expire(self, client):
        browser, _ = sign_in(client, f"specialist.{AGENCY}")
        expire_tokens_soon(browser)

        assert me(client, browser)[0] == 200
        tokens = session_store.get_session(browser.cookies["dvc_session"])["tokens"]
        assert tokens["expires_at"] > int(time.time()) + 600

    def test_sign_out_revokes_the_tokens_and_ends_the_session(self, client):
        from chalicelib.integrations import cognito
        from chalicelib.services.accounts import officers

        browser, _ = sign_in(client, f"specialist.{AGENCY}")
        cookie = dict(browser.cookies)
        refresh = session_store.get_session(cookie["dvc_session"])["tokens"]["refresh_token"]

        answer = post_form(client, "/dang-xuat", {"csrf_token": csrf(client, browser)}, browser)

        assert answer.status_code == 303 and answer.headers["Location"] == "/can-bo/dang-nhap"
        assert me(client, Browser(cookie))[0] == 401
        with pytest.raises(cognito.CognitoError):
            officers.pool().refresh(refresh)

    def test_a_disabled_officers_session_ends_at_the_next_refresh(self, client):
        username = new_officer()
        idp = boto3.client("cognito-idp")
        idp.admin_set_user_password(
            UserPoolId=pool_id(), Username=username, Password="dvc-local", Permanent=True
        )
        browser, _ = sign_in(client, username)
        admin, _ = sign_in(client, f"admin.{AGENCY}")
        post_form(
            client,
            "/can-bo/tai-khoan",
            {"csrf_token": csrf(client, admin), "action": "disable", "username": username},
            admin,
        )
        expire_tokens_soon(browser)

        assert me(client, browser)[0] == 401


class TestAdministration:
    def change(self, client, browser, **fields):
        return post_form(
            client, "/can-bo/tai-khoan", {"csrf_token": csrf(client, browser), **fields}, browser
        )

    def test_an_admin_creates_re_roles_and_disables_an_officer_audited(self, client):
        admin, _ = sign_in(client, f"admin.{AGENCY}")
        username = f"can-bo-{uuid.uuid4().hex[:6]}"

        created = self.change(
            client,
            admin,
            action="create",
            username=username,
            email=f"{username}@example.invalid",
            role="receptionist",
        )
        re_roled = self.change(client, admin, action="set_role", username=username, role="leader")
        disabled = self.change(client, admin, action="disable", username=username)

        for answer in (created, re_roled, disabled):
            assert answer.status_code == 200 and "Đã thực hiện" in answer.body.decode()
        user = boto3.client("cognito-idp").admin_get_user(UserPoolId=pool_id(), Username=username)
        assert user["Enabled"] is False and user["UserStatus"] == "FORCE_CHANGE_PASSWORD"
        groups = boto3.client("cognito-idp").admin_list_groups_for_user(
            UserPoolId=pool_id(), Username=username
        )["Groups"]
        assert [g["GroupName"] for g in groups] == ["leader"]
        page = client.http.get("/can-bo/tai-khoan", headers=admin.header()).body.decode()
        assert page.count(username) >= 3 and f"admin.{AGENCY}" in page

    def test_an_admin_cannot_touch_another_agencys_officer(self, client):
        admin, _ = sign_in(client, f"admin.{AGENCY}")

        answer = self.change(client, admin, action="disable", username=f"specialist.{OTHER}")

        assert answer.status_code == 404
        user = boto3.client("cognito-idp").admin_get_user(
            UserPoolId=pool_id(), Username=f"specialist.{OTHER}"
        )
        assert user["Enabled"] is True

    def test_only_admins_manage_accounts(self, client):
        leader, _ = sign_in(client, f"leader.{AGENCY}")

        assert client.http.get("/can-bo/tai-khoan", headers=leader.header()).status_code == 403
        answer = self.change(client, leader, action="disable", username=f"receptionist.{AGENCY}")
        assert answer.status_code == 403

    def test_a_change_without_the_csrf_token_is_refused(self, client):
        admin, _ = sign_in(client, f"admin.{AGENCY}")

        answer = post_form(
            client,
            "/can-bo/tai-khoan",
            {"action": "disable", "username": f"receptionist.{AGENCY}"},
            admin,
        )

        assert answer.status_code == 403

    def test_bad_input_is_named(self, client):
        admin, _ = sign_in(client, f"admin.{AGENCY}")

        answer = self.change(client, admin, action="create", username="A B", role="chief")

        assert answer.status_code == 400
        assert "Thông tin tài khoản cán bộ chưa hợp lệ" in answer.body.decode()

    def test_the_operator_command_creates_an_agencys_first_admin(self, client):
        from chalicelib.domain.principal import Principal
        from chalicelib.entrypoints import cli
        from chalicelib.services.accounts import officer_admin

        username = f"quan-tri-{uuid.uuid4().hex[:6]}"
        status = cli.main(
            [
                "officers",
                "create",
                "--agency",
                OTHER,
                "--username",
                username,
                "--email",
                f"{username}@example.invalid",
                "--role",
                "admin",
            ]
        )

        assert status == 0
        entries, _ = officer_admin.audit(Principal("x", "admin", OTHER))
        assert entries[0]["username"] == username and entries[0]["role"] == "admin"
