"""The payment provider the portal talks to, built from configuration.

`PAYMENT_PROVIDER=vnpay` (the default) uses `VnpayProvider`. On the local stage its terminal
comes from `VNPAY_TMN_CODE` and `VNPAY_HASH_SECRET` when both are set. Otherwise (and always on
other stages) it comes from the Secrets Manager secret named by `SECRET_VNPAY` (`{"tmn_code",
"hash_secret"}`, created by infra/base.json), read through chalicelib/integrations/secrets.py
again every few minutes, so a rotated hash secret is picked up without a redeploy.
`VNPAY_PAYMENT_URL` and `VNPAY_API_URL` default to VNPay's sandbox. On the local stage they
default to the fake gateway that the app itself serves (entrypoints/fake_gateway_api.py), so
the real signing and verification run end to end.

`PAYMENT_PROVIDER=fake` uses an in-memory `FakePaymentProvider` (tests and experiments only).
"""

from __future__ import annotations

from functools import lru_cache

from chalicelib.config import get_settings
from chalicelib.domain.paths import FAKE_GATEWAY_API_PATH, FAKE_GATEWAY_PAY_PATH
from chalicelib.integrations import secrets
from chalicelib.integrations.payments import (
    FakePaymentProvider,
    PaymentPermanentError,
    PaymentProvider,
)
from chalicelib.integrations.vnpay import VnpayClient, VnpayConfig, VnpayProvider

SANDBOX_PAYMENT_URL = "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html"
SANDBOX_API_URL = "https://sandbox.vnpayment.vn/merchant_webapi/api/transaction"
RETURN_PATH = "/payments/vnpay/return"
IPN_PATH = "/webhooks/vnpay/ipn"
HTTP_TIMEOUT_SECONDS, CONNECT_TIMEOUT_SECONDS = 10.0, 3.0


def provider(base_url: str | None = None) -> PaymentProvider:
    """The configured provider; `base_url` is the portal's public URL (for the return page)."""
    settings = get_settings()
    if settings.payment_provider == "fake":
        return _fake()
    if settings.payment_provider != "vnpay":
        raise PaymentPermanentError(f"unknown PAYMENT_PROVIDER {settings.payment_provider!r}")
    return _vnpay(vnpay_config(base_url))


def vnpay_config(base_url: str | None = None) -> VnpayConfig:
    settings = get_settings()
    env = settings.vnpay
    base = (settings.public_base_url if base_url is None else base_url).rstrip("/")
    local = settings.is_local
    tmn_code, hash_secret = _terminal(env, local)
    return VnpayConfig(
        tmn_code=tmn_code,
        hash_secret=hash_secret,
        payment_url=env["VNPAY_PAYMENT_URL"]
        or (f"{base}{FAKE_GATEWAY_PAY_PATH}" if local else SANDBOX_PAYMENT_URL),
        api_url=env["VNPAY_API_URL"]
        or (f"{base}{FAKE_GATEWAY_API_PATH}" if local else SANDBOX_API_URL),
        return_url=f"{base}{RETURN_PATH}",
    )


@lru_cache(maxsize=1)
def _fake() -> FakePaymentProvider:
    return FakePaymentProvider()


@lru_cache(maxsize=8)
def _vnpay(config: VnpayConfig) -> VnpayProvider:
    """One provider (and one pooled HTTP client) per configuration, reused across requests."""
    import httpx  # only payment routes and the reconciler call the gateway

    timeout = httpx.Timeout(HTTP_TIMEOUT_SECONDS, connect=CONNECT_TIMEOUT_SECONDS)
    return VnpayProvider(config, VnpayClient(config, httpx.Client(timeout=timeout)))


def _terminal(env: dict[str, str], local: bool) -> tuple[str, str]:
    if local and env["VNPAY_TMN_CODE"] and env["VNPAY_HASH_SECRET"]:
        return env["VNPAY_TMN_CODE"], env["VNPAY_HASH_SECRET"]
    if env["SECRET_VNPAY"]:
        return _secret_terminal(env["SECRET_VNPAY"])
    raise PaymentPermanentError("VNPay terminal not configured (VNPAY_* or SECRET_VNPAY)")


def _secret_terminal(secret_id: str) -> tuple[str, str]:
    data = secrets.secret_json(secret_id)
    terminal = (str(data.get("tmn_code", "")), str(data.get("hash_secret", "")))
    if not all(terminal) or terminal[0] == secrets.PLACEHOLDER:
        raise PaymentPermanentError("the VNPay secret still holds its placeholder")
    return terminal
