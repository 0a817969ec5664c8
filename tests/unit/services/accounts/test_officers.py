"""An officer's sign-in with the user pool: the pool's answer opens a session with the highest
group as role and the agency attribute, or leaves a challenge pending for three minutes under a
random id; a wrong code or a weak password may be tried again; tokens are refreshed before they
expire, and a pool that no longer refreshes them ends the session."""

import time
from types import SimpleNamespace

import pytest

from chalicelib.integrations import cognito
from chalicelib.services.accounts import officers

CLAIMS = {"sub": "u-1", "cognito:username": "chuyenvien1", "name": "Trần Thị B",
          "cognito:groups": ["leader"], "custom:agency": "ubnd-a"}  # fmt: skip
TOKENS = cognito.Tokens("id-token", "access", "refresh", expires_at=2_000_000_000)


class Pool:
    """The user pool as the service sees it: `answers` by step, `errors` (a reason) by step."""

    def __init__(self):
        self.answers = {"sign_in": cognito.Answer(tokens=TOKENS)}
        self.errors: dict[str, str] = {}
        self.claims, self.calls = dict(CLAIMS), []

    def _step(self, name, *args):
        self.calls.append((name, *args))
        if name in self.errors:
            raise cognito.CognitoError(self.errors[name])
        return self.answers.get(name)

    def sign_in(self, username, password):
        return self._step("sign_in", username, password)

    def answer_challenge(self, challenge, session, username, value):
        return self._step("answer", challenge, session, username, value)

    def start_totp_setup(self, session):
        self._step("start_totp", session)
        return "TOTPSECRET", "setup-session"

    def finish_totp_setup(self, session, username, code):
        return self._step("finish_totp", session, username, code)

    def verify(self, id_token):
        self._step("verify", id_token)
        return self.claims

    def refresh(self, refresh_token):
        self._step("refresh", refresh_token)
        return cognito.Tokens("id-2", "access-2", refresh_token, int(time.time()) + 3600)

    def sign_out(self, access_token):
        self._step("sign_out", access_token)


@pytest.fixture
def pool(monkeypatch):
    fake, pending, opened, ended, saved = Pool(), {}, [], [], []

    def put_sign_in(state, data, expires_at):
        pending[state] = {**data, "ttl": expires_at}

    def open_session(principal, profile=None, tokens=None, now=None):
        opened.append(SimpleNamespace(principal=principal, tokens=tokens, cookie="c"))
        return opened[-1]

    monkeypatch.setattr(officers, "pool", lambda: fake)
    monkeypatch.setattr(officers.session_store, "put_sign_in", put_sign_in)
    monkeypatch.setattr(officers.session_store, "take_sign_in", lambda s: pending.pop(s, None))
    monkeypatch.setattr(officers.sessions, "open_session", open_session)
    monkeypatch.setattr(officers.sessions, "end", ended.append)
    monkeypatch.setattr(officers.sessions, "save", saved.append)
    fake.pending, fake.opened, fake.ended, fake.saved = pending, opened, ended, saved
    return fake


def test_a_sign_in_opens_a_session_with_the_group_as_role_and_the_agency(pool):
    step = officers.sign_in("  chuyenvien1 ", "mật khẩu")

    assert pool.calls[0] == ("sign_in", "chuyenvien1", "mật khẩu")
    principal = step.session.principal
    assert (principal.subject, principal.role, principal.agency) == (
        "chuyenvien1",
        "leader",
        "ubnd-a",
    )
    assert step.session.tokens == {"access_token": "access", "refresh_token": "refresh",
                                   "expires_at": 2_000_000_000}  # fmt: skip


def test_of_several_groups_the_highest_is_the_role(pool):
    pool.claims["cognito:groups"] = ["specialist", "leader"]

    assert officers.sign_in("chuyenvien1", "x").session.principal.role == "leader"


@pytest.mark.parametrize(
    "claims", [{"cognito:groups": ["citizen"]}, {"custom:agency": None}, {"cognito:groups": []}]
)
def test_an_officer_without_a_role_or_an_agency_gets_no_session(pool, claims):
    pool.claims.update(claims)

    with pytest.raises(officers.SignInFailed) as refused:
        officers.sign_in("chuyenvien1", "x")
    assert refused.value.reason == "no_role" and pool.opened == []


@pytest.mark.parametrize("username, password", [("  ", "x"), ("a", ""), ("a" * 129, "x")])
def test_an_impossible_username_or_password_never_reaches_the_pool(pool, username, password):
    with pytest.raises(officers.SignInFailed) as refused:
        officers.sign_in(username, password)
    assert refused.value.reason == "wrong_credentials" and pool.calls == []


def test_the_pools_refusal_is_told_in_vietnamese(pool):
    pool.errors["sign_in"] = "disabled"

    with pytest.raises(officers.SignInFailed) as refused:
        officers.sign_in("chuyenvien1", "x")
    assert (refused.value.code, str(refused.value)) == ("UNAUTHENTICATED",
                                                        officers.MESSAGES["disabled"])  # fmt: skip


def test_a_challenge_waits_under_a_random_id_and_is_answered_once(pool):
    pool.answers["sign_in"] = cognito.Answer(challenge="SOFTWARE_TOKEN_MFA", session="cs-1")
    pool.answers["answer"] = cognito.Answer(tokens=TOKENS)

    step = officers.sign_in("chuyenvien1", "x")

    assert (step.session, step.challenge) == (None, "SOFTWARE_TOKEN_MFA")
    stored = pool.pending[f"officer-{step.challenge_id}"]
    assert stored["session"] == "cs-1" and stored["ttl"] <= time.time() + 180
    assert officers.answer(step.challenge_id, " 123456 ").session is not None
    assert pool.calls[-2] == ("answer", "SOFTWARE_TOKEN_MFA", "cs-1", "chuyenvien1", "123456")
    with pytest.raises(officers.SignInFailed) as again:
        officers.answer(step.challenge_id, "123456")
    assert again.value.reason == "expired"


def test_a_new_password_is_taken_as_typed_and_a_weak_one_may_be_retried(pool):
    pool.answers["sign_in"] = cognito.Answer(challenge="NEW_PASSWORD_REQUIRED", session="cs-1")
    pool.errors["answer"] = "password_rejected"
    first = officers.sign_in("chuyenvien1", "tạm thời")

    with pytest.raises(officers.ChallengeRetry) as retry:
        officers.answer(first.challenge_id, " yếu ")

    assert pool.calls[-1][-1] == " yếu "
    assert retry.value.reason == "password_rejected"
    assert retry.value.step.challenge_id != first.challenge_id
    assert list(pool.pending) == [f"officer-{retry.value.step.challenge_id}"]


def test_mfa_setup_hands_the_officer_the_totp_key(pool):
    pool.answers["sign_in"] = cognito.Answer(challenge="MFA_SETUP", session="cs-1")
    pool.answers["finish_totp"] = cognito.Answer(tokens=TOKENS)

    step = officers.sign_in("chuyenvien1", "x")

    assert step.totp_secret == "TOTPSECRET"
    assert pool.pending[f"officer-{step.challenge_id}"]["session"] == "setup-session"
    assert officers.answer(step.challenge_id, "123456").session is not None
    assert ("finish_totp", "setup-session", "chuyenvien1", "123456") in pool.calls


def test_an_unsupported_challenge_is_refused(pool):
    pool.answers["sign_in"] = cognito.Answer(challenge="CUSTOM_CHALLENGE", session="cs-1")

    with pytest.raises(officers.SignInFailed) as refused:
        officers.sign_in("chuyenvien1", "x")
    assert refused.value.reason == "bad_token" and pool.pending == {}


def session(expires_in: int):
    expires_at = int(time.time()) + expires_in
    tokens = {"access_token": "a", "refresh_token": "r", "expires_at": expires_at}
    return SimpleNamespace(cookie="c", tokens=tokens, principal=None)


def test_tokens_are_refreshed_only_near_their_expiry(pool):
    fresh, near = session(3600), session(60)

    assert officers.keep_fresh(fresh) is fresh and pool.calls == []
    assert officers.keep_fresh(near) is near
    assert near.tokens["access_token"] == "access-2" and near.principal.role == "leader"
    assert pool.saved == [near]


def test_a_session_the_pool_no_longer_refreshes_ends(pool):
    pool.errors["refresh"] = "expired"

    assert officers.keep_fresh(session(60)) is None
    assert pool.ended == ["c"] and pool.saved == []


def test_sign_out_revokes_and_ends_even_when_already_revoked(pool):
    pool.errors["sign_out"] = "expired"

    officers.sign_out(session(3600))

    assert pool.calls == [("sign_out", "a")] and pool.ended == ["c"]
