"""The notification channels behind one port: Zalo ZNS by phone, Zalo OA message by user id,
SMS brandname, email and the officers' in-app inbox, each over the adapters in zalo.py, sms.py
and email.py, with their errors folded into two kinds:

    ChannelError
    ├── ChannelTemporaryError   retry the same channel later (the job goes back to the queue)
    └── ChannelPermanentError   this channel cannot deliver: fall back to the next one

`NOTIFY_CHANNELS_MODE=fake` swaps the providers for fakes that accept everything a real one
would (same phone and address checks); the pipeline then writes each message into the
dev message log (`GET /dev/messages`). Tests may put scripted channels into `OVERRIDES`.
"""

from __future__ import annotations

import logging
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from chalicelib.config import get_settings
from chalicelib.domain import notifications as plan
from chalicelib.domain.notification_templates import Message
from chalicelib.integrations import notify_config, secrets
from chalicelib.integrations.aws import client
from chalicelib.integrations.email import (
    EmailPermanentError,
    EmailSender,
    EmailTemporaryError,
    FakeEmailSender,
    SesEmailSender,
)
from chalicelib.integrations.sms import (
    EsmsGateway,
    FakeSmsGateway,
    SmsDuplicateError,
    SmsGateway,
    SmsPermanentError,
    SmsTemporaryError,
    normalise_vn_mobile,
)
from chalicelib.integrations.zalo import (
    TokenStore,
    ZaloAuthError,
    ZaloClient,
    ZaloPermanentError,
    ZaloTemporaryError,
    ZaloTokens,
)

if TYPE_CHECKING:  # imported where used: only the calls out need it (cold start)
    import httpx

log = logging.getLogger(__name__)
HTTP_TIMEOUT_SECONDS, CONNECT_TIMEOUT_SECONDS = 10.0, 3.0
_TEMPORARY = (ZaloTemporaryError, SmsTemporaryError, EmailTemporaryError)
_PERMANENT = (ZaloPermanentError, SmsPermanentError, EmailPermanentError, ValueError, LookupError)


class ChannelError(Exception):
    pass


class ChannelTemporaryError(ChannelError):
    pass


class ChannelPermanentError(ChannelError):
    pass


@dataclass(frozen=True)
class Job:
    id: str
    channel: str
    address: str = field(repr=False)
    template: str
    message: Message = field(repr=False)
    dossier_code: str | None = None


class Channel(ABC):
    """Template method: `send` folds the provider's errors, `_send` calls it."""

    name: str = ""
    fake: bool = False

    def send(self, job: Job) -> str:
        """Send and return the provider's message id."""
        try:
            return self._send(job)
        except ChannelError:
            raise
        except ZaloAuthError as exc:  # an operator must re-seed the tokens; tell by SMS meanwhile
            log.error("zalo tokens unusable", extra={"code": exc.code, "notification": job.id})
            raise ChannelPermanentError(f"zalo auth ({exc.code})") from exc
        except _TEMPORARY as exc:
            raise ChannelTemporaryError(_reason(exc)) from exc
        except _PERMANENT as exc:
            raise ChannelPermanentError(_reason(exc)) from exc

    @abstractmethod
    def _send(self, job: Job) -> str: ...


def _reason(exc: Exception) -> str:
    code = getattr(exc, "code", None)
    return f"{type(exc).__name__}({code})" if code is not None else type(exc).__name__


class ZnsChannel(Channel):
    name = plan.ZNS

    def __init__(self, zalo: Callable[[], Any], templates: dict[str, str], development=False):
        self._zalo, self._templates, self._development = zalo, templates, development

    def _send(self, job: Job) -> str:
        template_id = self._templates.get(job.template) or self._templates.get("*")
        if not template_id:
            raise ChannelPermanentError(f"no ZNS template for {job.template}")
        return self._zalo().send_zns(
            job.address,
            template_id,
            job.message.params,
            job.id,  # tracking_id: the receipt (user_received_message) names the notification
            development=self._development,
        )


class ZaloOaChannel(Channel):
    name = plan.ZALO_OA

    def __init__(self, zalo: Callable[[], Any]):
        self._zalo = zalo

    def _send(self, job: Job) -> str:
        return self._zalo().send_text(job.address, job.message.body)


class SmsChannel(Channel):
    name = plan.SMS

    def __init__(self, gateway: Callable[[], SmsGateway]):
        self._gateway = gateway

    def _send(self, job: Job) -> str:
        try:
            return self._gateway().send(job.address, job.message.sms, ref=job.id)
        except SmsDuplicateError:
            return f"duplicate:{job.id}"  # the gateway accepted this ref before: already sent


class EmailChannel(Channel):
    name = plan.EMAIL

    def __init__(self, sender: Callable[[], EmailSender]):
        self._sender = sender

    def _send(self, job: Job) -> str:
        return self._sender().send(job.address, job.message.title, job.message.body)


class InboxChannel(Channel):
    """Officers read their notifications in the portal: storing the notification delivers it."""

    name = plan.INBOX

    def _send(self, job: Job) -> str:
        return f"inbox:{job.id}"


class FakeZalo:
    """Accepts what Zalo would accept, sends nothing."""

    def send_zns(self, phone, template_id, data, tracking_id, *, development=False) -> str:
        try:
            normalise_vn_mobile(phone)
        except ValueError as exc:
            raise ZaloPermanentError("invalid phone number", -108) from exc
        return f"fake-zns-{tracking_id}"

    def send_text(self, user_id: str, text: str) -> str:
        if not user_id or not text.strip():
            raise ZaloPermanentError("no recipient or text", -201)
        return f"fake-oa-{int(time.time() * 1000)}"


class SecretsManagerTokenStore(TokenStore):
    """The OA token pair in a Secrets Manager secret `{access_token, refresh_token, expires_at}`.

    A pair seeded with only a refresh token works: the first send is refused and refreshes.
    Refreshes are not serialised across workers (the notifications consumer runs with little
    concurrency, and ZaloClient re-reads the pair before rotating)."""

    def __init__(self, secret_id: str):
        self._secret_id = secret_id

    def get(self) -> ZaloTokens | None:
        data = secrets.fetch_json(self._secret_id)
        if not data.get("refresh_token"):
            return None
        return ZaloTokens(str(data.get("access_token", "")), str(data["refresh_token"]))

    def put(self, tokens: ZaloTokens) -> None:
        value = {
            "access_token": tokens.access_token,
            "refresh_token": tokens.refresh_token,
            "expires_at": int(time.time()) + tokens.expires_in,
        }
        secrets.put_json(self._secret_id, value)


OVERRIDES: dict[str, Channel] = {}


def get(name: str) -> Channel:
    if name in OVERRIDES:
        return OVERRIDES[name]
    channels = _registry(notify_config.mode())
    if name not in channels:
        raise ChannelPermanentError(f"unknown channel {name}")
    return channels[name]


@lru_cache(maxsize=2)
def _registry(mode: str) -> dict[str, Channel]:
    if mode == "fake":
        zalo, sms, email = FakeZalo(), FakeSmsGateway(), FakeEmailSender()
        channels = [
            ZnsChannel(lambda: zalo, {"*": "fake-template"}),
            ZaloOaChannel(lambda: zalo),
            SmsChannel(lambda: sms),
            EmailChannel(lambda: email),
            InboxChannel(),
        ]
        for channel in channels:
            channel.fake = True
    else:
        channels = [
            ZnsChannel(
                _zalo_client, notify_config.zns_templates(), notify_config.zns_development()
            ),
            ZaloOaChannel(_zalo_client),
            SmsChannel(_esms),
            EmailChannel(_ses),
            InboxChannel(),
        ]
    return {channel.name: channel for channel in channels}


@lru_cache(maxsize=1)
def _http() -> httpx.Client:
    import httpx

    timeout = httpx.Timeout(HTTP_TIMEOUT_SECONDS, connect=CONNECT_TIMEOUT_SECONDS)
    return httpx.Client(timeout=timeout)


def _zalo_client() -> ZaloClient:
    app = notify_config.zalo_app()
    secret = notify_config.zalo_tokens_secret()
    if not secret:
        raise LookupError("SECRET_ZALO_TOKENS not set")
    return ZaloClient(_http(), SecretsManagerTokenStore(secret), app.app_id, app.app_secret)


def _esms() -> EsmsGateway:
    config = notify_config.esms()
    token = notify_config.sms_callback_token()
    base = get_settings().public_base_url
    callback = f"{base}/webhooks/sms/esms?token={token}" if token and base else None
    return EsmsGateway(
        _http(),
        config["api_key"],
        config["secret_key"],
        config["brandname"],
        callback_url=callback,
        sandbox=config["sandbox"] in ("1", "true"),
    )


def _ses() -> SesEmailSender:
    sender, configuration_set = notify_config.ses()
    if not sender:
        raise LookupError("SES_SENDER not set")
    return SesEmailSender(client("sesv2"), sender, configuration_set=configuration_set or None)
