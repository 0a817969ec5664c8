"""A citizen's sign-in at the identity provider: a pending sign-in under a fresh state that works
once, in the browser that started it, before it expires; only a path on this site follows it;
the session's profile is the identity claims under the portal's names."""

from types import SimpleNamespace

import pytest

from chalicelib.domain.errors import Unauthenticated
from chalicelib.integrations.oidc import OidcError
from chalicelib.services.accounts import citizens

BASE = "https://dichvucong.example.vn"
T0 = 1_800_000_000
CLAIMS = {"sub": "079090001234", "name": "Nguyễn Văn An", "phone_number": "+84912345678",
          "address": {"formatted": "Số 1, phường Kinh Bắc"}, "birthdate": "1990-01-02"}  # fmt: skip


class Provider:
    """The identity provider as the service sees it; `fail` names the step that refuses."""

    def __init__(self):
        self.fail, self.calls = None, []

    def _step(self, name, *args):
        self.calls.append((name, *args))
        if self.fail == name:
            raise OidcError(f"{name}_refused")

    def authorization_url(self, state, nonce, verifier):
        self._step("authorize", state, nonce, verifier)
        return f"https://idp.example.vn/auth?state={state}"

    def exchange(self, code, verifier):
        self._step("exchange", code, verifier)
        return {"id_token": "id-token", "access_token": "access"}

    def verify_id_token(self, token, nonce, access_token=None):
        self._step("verify", token, nonce)
        return dict(CLAIMS)


@pytest.fixture
def provider(monkeypatch):
    idp, pending, opened = Provider(), {}, []

    def put_sign_in(state, data, expires_at):
        pending[state] = {**data, "ttl": expires_at}

    def open_session(principal, profile=None, tokens=None, now=None):
        opened.append(SimpleNamespace(principal=principal, profile=profile, now=now))
        return opened[-1]

    monkeypatch.setattr(citizens, "client", lambda base_url: idp)
    monkeypatch.setattr(citizens.session_store, "put_sign_in", put_sign_in)
    monkeypatch.setattr(citizens.session_store, "take_sign_in", lambda s: pending.pop(s, None))
    monkeypatch.setattr(citizens.sessions, "open_session", open_session)
    return SimpleNamespace(idp=idp, pending=pending, opened=opened)


@pytest.mark.parametrize(
    "given, expected",
    [("/ho-so/1?tab=2", "/ho-so/1?tab=2"), (None, "/ho-so-cua-toi"), ("", "/ho-so-cua-toi"),
     ("//evil.example", "/ho-so-cua-toi"), ("https://evil.example/", "/ho-so-cua-toi"),
     ("/\\evil.example", "/ho-so-cua-toi")],
)  # fmt: skip
def test_only_a_path_on_this_site_follows_a_sign_in(given, expected):
    assert citizens.safe_next(given) == expected


def test_start_remembers_a_fresh_state_for_ten_minutes(provider):
    first = citizens.start(BASE, "//evil.example", now=T0)
    second = citizens.start(BASE, "/ho-so/1", now=T0)

    assert first.state != second.state and first.state in first.url
    remembered = provider.pending[first.state]
    assert (remembered["next"], remembered["at"], remembered["ttl"]) == (
        "/ho-so-cua-toi",
        T0,
        T0 + citizens.SIGNIN_SECONDS,
    )
    _, state, nonce, verifier = provider.idp.calls[0]
    assert (state, nonce, verifier) == (first.state, remembered["nonce"], remembered["verifier"])


def test_start_without_the_provider_remembers_nothing(provider):
    provider.idp.fail = "authorize"

    with pytest.raises(citizens.SignInFailed):
        citizens.start(BASE, None, now=T0)
    assert provider.pending == {}


def test_finish_opens_a_session_with_the_profile_and_goes_on(provider):
    started = citizens.start(BASE, "/ho-so/1", now=T0)
    verifier = provider.pending[started.state]["verifier"]
    nonce = provider.pending[started.state]["nonce"]

    session, next_path = citizens.finish(
        BASE, {"state": started.state, "code": "c0de"}, started.state, now=T0 + 60
    )

    assert next_path == "/ho-so/1"
    assert session.principal.subject == "079090001234" and session.principal.is_citizen
    assert session.profile == {
        "full_name": "Nguyễn Văn An",
        "birth_date": "1990-01-02",
        "phone": "0912345678",
        "address": "Số 1, phường Kinh Bắc",
    }
    assert provider.idp.calls[1:] == [("exchange", "c0de", verifier),
                                      ("verify", "id-token", nonce)]  # fmt: skip


@pytest.mark.parametrize(
    "query, browser, later",
    [({"code": "c"}, "S", 60), ({"state": "S", "code": "c"}, None, 60),
     ({"state": "S", "code": "c"}, "T", 60), ({"state": "S", "code": "c"}, "S", 600),
     ({"state": "S"}, "S", 60), ({"state": "S", "error": "access_denied"}, "S", 60)],
)  # fmt: skip
def test_every_bad_callback_is_refused_and_the_state_works_once(provider, query, browser, later):
    provider.pending["S"] = {"nonce": "n", "verifier": "v", "next": "/", "at": T0,
                             "ttl": T0 + citizens.SIGNIN_SECONDS}  # fmt: skip

    with pytest.raises(citizens.SignInFailed) as refused:
        citizens.finish(BASE, query, browser, now=T0 + later)

    assert refused.value.code == "UNAUTHENTICATED"
    assert provider.opened == []
    if browser == query.get("state"):
        assert "S" not in provider.pending  # taken, even when refused afterwards


@pytest.mark.parametrize("step", ["exchange", "verify"])
def test_an_untrusted_answer_of_the_provider_opens_no_session(provider, step):
    started = citizens.start(BASE, None, now=T0)
    provider.idp.fail = step

    with pytest.raises(citizens.SignInFailed):
        citizens.finish(BASE, {"state": started.state, "code": "c"}, started.state, now=T0 + 1)
    assert provider.opened == []


def test_a_bearer_token_is_an_id_token_of_the_provider(provider, monkeypatch):
    monkeypatch.setattr(citizens, "get_settings", lambda: SimpleNamespace(public_base_url=BASE))

    assert citizens.principal_from_token("id-token").subject == "079090001234"
    assert provider.idp.calls[-1] == ("verify", "id-token", "")
    provider.idp.fail = "verify"
    with pytest.raises(Unauthenticated):
        citizens.principal_from_token("forged")
