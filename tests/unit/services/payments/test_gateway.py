"""The payment provider from configuration: the local stage signs for real against the fake
gateway the app serves; other stages take the terminal from the secret; a placeholder or a
missing terminal is refused rather than guessed."""

from types import SimpleNamespace

import pytest

from chalicelib.integrations.payments import FakePaymentProvider, PaymentPermanentError
from chalicelib.services.payments import gateway

BASE = "https://dvc.test"
NO_ENV = {"VNPAY_TMN_CODE": "", "VNPAY_HASH_SECRET": "", "VNPAY_PAYMENT_URL": "",
          "VNPAY_API_URL": "", "SECRET_VNPAY": ""}  # fmt: skip


@pytest.fixture
def settings(monkeypatch):
    def use(local=True, provider="vnpay", **env):
        found = SimpleNamespace(vnpay={**NO_ENV, **env}, is_local=local, payment_provider=provider,
                                public_base_url=BASE)  # fmt: skip
        monkeypatch.setattr(gateway, "get_settings", lambda: found)

    return use


def test_local_terminal_pays_at_the_apps_own_fake_gateway(settings):
    settings(VNPAY_TMN_CODE="DVCTEST1", VNPAY_HASH_SECRET="s")

    config = gateway.vnpay_config()

    assert (config.tmn_code, config.hash_secret) == ("DVCTEST1", "s")
    assert config.payment_url == BASE + gateway.FAKE_GATEWAY_PAY_PATH
    assert config.api_url == BASE + gateway.FAKE_GATEWAY_API_PATH
    assert config.return_url == BASE + gateway.RETURN_PATH


def test_another_stage_reads_the_secret_and_defaults_to_the_sandbox(settings, monkeypatch):
    settings(local=False, SECRET_VNPAY="dvc/vnpay", VNPAY_TMN_CODE="IGNORED", VNPAY_HASH_SECRET="x")
    monkeypatch.setattr(gateway.secrets, "secret_json",
                        lambda name: {"tmn_code": "REAL0001", "hash_secret": "h"})  # fmt: skip

    config = gateway.vnpay_config("https://portal.test/")

    assert (config.tmn_code, config.payment_url) == ("REAL0001", gateway.SANDBOX_PAYMENT_URL)
    assert config.return_url == "https://portal.test" + gateway.RETURN_PATH


def test_a_placeholder_or_missing_terminal_is_refused(settings, monkeypatch):
    settings(local=False, SECRET_VNPAY="dvc/vnpay")
    placeholder = {"tmn_code": gateway.secrets.PLACEHOLDER, "hash_secret": "h"}
    monkeypatch.setattr(gateway.secrets, "secret_json", lambda name: placeholder)

    with pytest.raises(PaymentPermanentError, match="placeholder"):
        gateway.vnpay_config()

    settings(local=False)
    with pytest.raises(PaymentPermanentError, match="not configured"):
        gateway.vnpay_config()


def test_the_provider_is_the_fake_or_vnpay_and_nothing_else(settings):
    settings(provider="fake")
    assert isinstance(gateway.provider(), FakePaymentProvider)

    settings(provider="momo")
    with pytest.raises(PaymentPermanentError, match="PAYMENT_PROVIDER"):
        gateway.provider()
