"""Server-side sessions: the cookie is only a random key; a session ends when idle or at its
absolute expiry; the idle clock is written at most once a minute; CSRF is compared safely."""

from types import SimpleNamespace

import pytest

from chalicelib.domain.principal import Principal
from chalicelib.services.accounts import sessions

OFFICER = Principal("specialist-1", "specialist", "ubnd-phuong-kinh-bac")
T0 = 1_800_000_000


@pytest.fixture
def stored(monkeypatch):
    """Session records by cookie, with 1 h absolute and 15 min idle limits."""
    records, writes = {}, []

    def put_session(cookie, data, expires_at):
        records[cookie] = data
        writes.append(cookie)

    monkeypatch.setattr(sessions.session_store, "put_session", put_session)
    monkeypatch.setattr(sessions.session_store, "get_session", records.get)
    monkeypatch.setattr(sessions.session_store, "delete_session", records.pop)
    limits = SimpleNamespace(session_max_seconds=3600, session_idle_seconds=900, is_local=False)
    monkeypatch.setattr(sessions, "get_settings", lambda: limits)
    return SimpleNamespace(records=records, writes=writes)


def test_a_session_is_found_by_its_cookie_until_idle(stored):
    opened = sessions.open_session(OFFICER, now=T0)

    assert sessions.find(opened.cookie, now=T0 + 899).principal == OFFICER
    assert sessions.find(opened.cookie, now=T0 + 899 + 900) is None
    assert opened.cookie not in stored.records  # an expired session is deleted


def test_activity_keeps_it_alive_until_the_absolute_expiry(stored):
    opened = sessions.open_session(OFFICER, now=T0)

    for minutes in range(10, 60, 10):
        assert sessions.find(opened.cookie, now=T0 + minutes * 60) is not None
    assert sessions.find(opened.cookie, now=T0 + 3600) is None


def test_the_idle_clock_is_written_at_most_once_a_minute(stored):
    opened = sessions.open_session(OFFICER, now=T0)

    for seconds in (10, 20, 59, 61, 70):
        sessions.find(opened.cookie, now=T0 + seconds)

    assert len(stored.writes) == 2  # opened, then touched at 61 s


@pytest.mark.parametrize("cookie", [None, "", "x" * 201, "unknown"])
def test_no_or_odd_cookies_find_nothing(stored, cookie):
    assert sessions.find(cookie, now=T0) is None


def test_the_cookie_holds_no_data_and_is_secure_outside_the_local_stage(stored):
    opened = sessions.open_session(OFFICER, now=T0)

    header = sessions.session_cookie(opened)

    assert header.startswith(f"{sessions.COOKIE}={opened.cookie}; Path=/; Max-Age=3600")
    assert "HttpOnly" in header and "SameSite=Lax" in header and "Secure" in header
    assert "specialist" not in header
    sent = {"cookie": f"a=1; {sessions.COOKIE}={opened.cookie}"}
    assert sessions.read_cookie(sent) == opened.cookie


def test_csrf_needs_the_sessions_own_token(stored):
    opened = sessions.open_session(OFFICER, now=T0)

    assert sessions.csrf_ok(opened, opened.csrf_token)
    assert not sessions.csrf_ok(opened, None) and not sessions.csrf_ok(opened, "forged")
