"""Which gateway the portal talks to: the VNPay terminal from the environment (local) or from the
Secrets Manager secret (cloud), and the URLs per stage."""

import json
import uuid

import boto3
import pytest

from chalicelib.config import reset_settings
from chalicelib.integrations.payments import FakePaymentProvider, PaymentPermanentError
from chalicelib.integrations.vnpay import VnpayProvider
from chalicelib.services.payments import gateway as payment_gateway


@pytest.fixture
def env(aws, monkeypatch):
    """Set environment variables for one test; settings are read again afterwards."""

    def apply(**values):
        for name, value in values.items():
            monkeypatch.setenv(name, value) if value else monkeypatch.delenv(name, raising=False)
        reset_settings()

    yield apply
    monkeypatch.undo()
    reset_settings()


def secret(value: dict) -> str:
    name = f"dvc/test/vnpay-{uuid.uuid4().hex[:8]}"
    return boto3.client("secretsmanager").create_secret(Name=name, SecretString=json.dumps(value))[
        "ARN"
    ]


def test_the_local_stage_signs_with_its_terminal_and_pays_at_the_fake_gateway(env):
    env(PUBLIC_BASE_URL="http://127.0.0.1:8000")

    config = payment_gateway.vnpay_config()

    assert config.tmn_code == "DVCLOCAL"
    assert config.payment_url == "http://127.0.0.1:8000/dev/fake-gateway/pay"
    assert config.api_url == "http://127.0.0.1:8000/dev/fake-gateway/querydr"
    assert config.return_url == "http://127.0.0.1:8000/payments/vnpay/return"
    assert isinstance(payment_gateway.provider(), VnpayProvider)


def test_in_the_cloud_the_terminal_comes_from_the_secret_and_urls_default_to_the_sandbox(env):
    arn = secret({"tmn_code": "ABCD1234", "hash_secret": "S3CRET-FROM-SECRETS-MANAGER"})
    env(STAGE="dev", VNPAY_TMN_CODE="", VNPAY_HASH_SECRET="", SECRET_VNPAY=arn)

    config = payment_gateway.vnpay_config("https://dvc.example.gov.vn")

    assert (config.tmn_code, config.hash_secret) == ("ABCD1234", "S3CRET-FROM-SECRETS-MANAGER")
    assert config.payment_url == payment_gateway.SANDBOX_PAYMENT_URL
    assert config.api_url == payment_gateway.SANDBOX_API_URL
    assert config.return_url == "https://dvc.example.gov.vn/payments/vnpay/return"


def test_the_placeholder_secret_is_refused_until_the_real_terminal_is_put(env):
    arn = secret({"tmn_code": "CHANGE_ME", "hash_secret": "generated"})
    env(STAGE="dev", VNPAY_TMN_CODE="", VNPAY_HASH_SECRET="", SECRET_VNPAY=arn)

    with pytest.raises(PaymentPermanentError):
        payment_gateway.vnpay_config()


def test_without_any_terminal_the_gateway_is_unavailable(env):
    env(STAGE="dev", VNPAY_TMN_CODE="", VNPAY_HASH_SECRET="", SECRET_VNPAY="")

    with pytest.raises(PaymentPermanentError):
        payment_gateway.provider()


def test_the_fake_provider_can_be_chosen_for_tests(env):
    env(PAYMENT_PROVIDER="fake")

    assert isinstance(payment_gateway.provider(), FakePaymentProvider)


def test_outside_the_local_stage_a_terminal_in_variables_is_never_used(env):
    env(STAGE="prod", VNPAY_TMN_CODE="DVCLOCAL", VNPAY_HASH_SECRET="x" * 32, SECRET_VNPAY="")

    with pytest.raises(PaymentPermanentError):
        payment_gateway.vnpay_config()


def test_outside_the_local_stage_sms_keys_come_from_their_secret_not_from_variables(env):
    from chalicelib.integrations import notify_config

    arn = secret({"api_key": "CHANGE_ME", "secret_key": "generated", "brandname": "CHANGE_ME"})
    env(
        STAGE="prod",
        ESMS_API_KEY="in-a-variable",
        ESMS_SECRET_KEY="s",
        ESMS_BRANDNAME="b",
        SECRET_SMS=arn,
    )
    with pytest.raises(LookupError):
        notify_config.esms()  # the placeholder the stack generated

    env(SECRET_SMS=secret({"api_key": "K", "secret_key": "S", "brandname": "DVC"}))
    assert notify_config.esms()["api_key"] == "K"
