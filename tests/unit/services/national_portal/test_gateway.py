"""The national portal's credentials: from the environment on the local stage, else from the
secret; a missing or placeholder configuration is temporary (the records wait), never a crash."""

import pytest

from chalicelib.integrations.national_portal import NationalPortalTemporaryError
from chalicelib.services.national_portal import gateway

ENV = ("NATIONAL_PORTAL_URL", "NATIONAL_PORTAL_CLIENT_ID", "NATIONAL_PORTAL_CLIENT_SECRET",
       "SECRET_NATIONAL_PORTAL")  # fmt: skip


@pytest.fixture
def env(monkeypatch):
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_local_credentials_default_to_the_stand_in_the_app_serves(env):
    env.setenv("NATIONAL_PORTAL_CLIENT_ID", "dvc")
    env.setenv("NATIONAL_PORTAL_CLIENT_SECRET", "s3cret")

    found = gateway.config()

    assert found.url.endswith(gateway.STANDIN_PATH)
    assert (found.client_id, found.client_secret) == ("dvc", "s3cret")


def test_the_secret_gives_the_credentials_and_the_url_unless_one_is_set(env):
    secret = {"url": "https://dvcqg.test", "client_id": "a", "client_secret": "b"}
    env.setenv("SECRET_NATIONAL_PORTAL", "dvc/national-portal")
    env.setattr(gateway.secrets, "secret_json", lambda name: secret)

    assert gateway.config().url == "https://dvcqg.test"
    env.setenv("NATIONAL_PORTAL_URL", "https://override.test")
    assert gateway.config().url == "https://override.test"


def test_a_placeholder_secret_is_a_temporary_error(env):
    env.setenv("SECRET_NATIONAL_PORTAL", "dvc/national-portal")
    placeholder = {"url": "https://x.test", "client_id": gateway.secrets.PLACEHOLDER,
                   "client_secret": "b"}  # fmt: skip
    env.setattr(gateway.secrets, "secret_json", lambda name: placeholder)

    with pytest.raises(NationalPortalTemporaryError, match="placeholder"):
        gateway.config()


def test_nothing_configured_is_a_temporary_error(env):
    with pytest.raises(NationalPortalTemporaryError, match="not configured"):
        gateway.config()
