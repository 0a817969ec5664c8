"""Zalo Official Account adapter (docs/integrations.md §1): webhook signature and events, OA and ZNS
sends, access-token refresh with rotating refresh tokens.

Exception hierarchy::

    ZaloError                  base; ``code`` is Zalo's ``error`` value (None: no Zalo answer)
    ├── ZaloTemporaryError     retry later: rate limit (-32), night window (-133, -234), daily
    │                          limits (-144, -147), transport failure, HTTP 429/5xx
    ├── ZaloPermanentError     do not retry on Zalo, fall back to SMS/email: invalid phone (-108),
    │                          template problems (-109, -131, -146), bad data (-111, -1121,
    │                          -1122), user unreachable (-114, -118, -119, -213, -227, -230),
    │                          and every code not listed here
    └── ZaloAuthError          no stored token, refresh refused, or the token still rejected
                               after one refresh: an operator must re-seed the token store
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from chalicelib.integrations.json_http import post_json
from chalicelib.integrations.sms import normalise_vn_mobile

if TYPE_CHECKING:  # imported where used: only the calls out need it (cold start)
    import httpx

logger = logging.getLogger(__name__)

OA_MESSAGE_URL = "https://openapi.zalo.me/v3.0/oa/message"
ZNS_URL = "https://business.openapi.zalo.me/message/template"
OAUTH_URL = "https://oauth.zaloapp.com/v4/oa/access_token"
_CS_TEXT_LIMIT = 2000  # §1.6, counted after NFC normalisation


class ZaloError(Exception):
    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.code = code


class ZaloTemporaryError(ZaloError):
    """Retry the same send later."""


class ZaloPermanentError(ZaloError):
    """This message cannot go out through Zalo: use the next channel."""


class ZaloAuthError(ZaloError):
    """The OA's tokens are unusable; sends fail until an operator re-seeds them."""


# §1.8: -216 invalid and -220 expired (OA), -124 invalid (ZNS) -> refresh once, retry once.
_AUTH_CODES = frozenset({-216, -220, -124})
# §1.8 retry classes: rate, quota-per-day and night-window errors clear with time.
_TEMPORARY_CODES = frozenset({-32, -133, -144, -147, -234})
_ERROR_CLASSES: dict[int | None, type[ZaloError]] = {
    **dict.fromkeys(_AUTH_CODES, ZaloAuthError),
    **dict.fromkeys(_TEMPORARY_CODES, ZaloTemporaryError),
}


def verify_webhook_signature(
    raw_body: bytes | str, header_value: str, app_id: str, oa_secret_key: str, timestamp: str
) -> bool:
    """Check ``X-ZEvent-Signature`` (§1.4): ``mac=`` + sha256 hex of app id, body, time, secret.

    ``raw_body`` must be the request bytes as received (never re-serialised JSON); ``timestamp``
    is the body's ``timestamp`` string. Pass the configured app id: a genuine event carries the
    same value in ``body.app_id`` (§6.1: retry with the OA id if real traffic shows otherwise).
    """
    body = raw_body.encode("utf-8") if isinstance(raw_body, str) else raw_body
    message = app_id.encode("utf-8") + body + (timestamp + oa_secret_key).encode("utf-8")
    expected = hashlib.sha256(message).hexdigest()
    received = (header_value or "").strip()
    if received[:4].lower() == "mac=":
        received = received[4:]
    return hmac.compare_digest(received.lower().encode("utf-8"), expected.encode("ascii"))


@dataclass(frozen=True)
class ZaloEvent:
    """One webhook event; ids and ``timestamp`` stay strings (§1.3: they exceed 2**53)."""

    event_name: str
    app_id: str
    timestamp: str
    oa_id: str = ""
    user_id: str = ""
    msg_id: str = ""
    text: str = field(default="", repr=False)
    phone: str = field(default="", repr=False)
    tracking_id: str = ""
    delivery_time: str = ""
    info: Mapping[str, str] = field(default_factory=dict, repr=False)

    @property
    def dedupe_key(self) -> str:
        # §1.3: delivery is at-least-once; management events have no msg_id.
        return self.msg_id or f"{self.event_name}:{self.user_id}:{self.timestamp}"


# §1.5 routing note: in delivery receipts and OA echoes the OA is the sender.
_OA_SENDER_EVENTS = frozenset({"user_received_message", "user_seen_message"})


def parse_event(body: Mapping[str, Any]) -> ZaloEvent:
    """Read a webhook body (already signature-checked) into a ``ZaloEvent``.

    ``user_send_text``: ``user_id``, ``msg_id``, ``text``. ``follow``/``unfollow``: ``user_id``
    is the follower. ``user_submit_info``: ``phone`` and the flattened ``info`` the citizen
    agreed to share. ``user_received_message`` (ZNS receipt): ``phone``, ``msg_id``,
    ``tracking_id``, ``delivery_time``. Other events keep whatever common fields they carry.
    """
    name = _text(body.get("event_name"))
    sender, recipient = _id_of(body, "sender"), _id_of(body, "recipient")
    message = _mapping(body.get("message"))
    info = _flat_info(_mapping(body.get("info")))
    oa_is_sender = name in _OA_SENDER_EVENTS or name.startswith("oa_send_")
    oa_id, user_id = (sender, recipient) if oa_is_sender else (recipient, sender)
    phone = info.get("phone", "")
    if name == "user_received_message":  # §1.5: a ZNS receipt's recipient is a phone number
        user_id, phone = "", recipient
    if name in ("follow", "unfollow"):  # §1.5: no sender/recipient, a follower and a flat oa_id
        oa_id, user_id = _text(body.get("oa_id")), _id_of(body, "follower")
    return ZaloEvent(
        event_name=name,
        app_id=_text(body.get("app_id")),
        timestamp=_text(body.get("timestamp")),
        oa_id=oa_id,
        user_id=user_id,
        msg_id=_text(message.get("msg_id")),
        text=_text(message.get("text")),
        phone=phone,
        tracking_id=_text(message.get("tracking_id")),
        delivery_time=_text(message.get("delivery_time")),
        info=info,
    )


@dataclass(frozen=True)
class ZaloTokens:
    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    expires_in: int = 0  # seconds, as issued (§1.2: about 25 h)


class TokenStore(ABC):
    """Where the OA's token pair lives between invocations.

    Refresh tokens are single-use and rotate (§1.2): a durable store should make ``put`` a
    conditional write so that two workers cannot both rotate the same pair.
    """

    @abstractmethod
    def get(self) -> ZaloTokens | None: ...

    @abstractmethod
    def put(self, tokens: ZaloTokens) -> None: ...


class InMemoryTokenStore(TokenStore):
    def __init__(self, tokens: ZaloTokens | None = None) -> None:
        self._tokens = tokens

    def get(self) -> ZaloTokens | None:
        return self._tokens

    def put(self, tokens: ZaloTokens) -> None:
        self._tokens = tokens


class ZaloClient:
    """Sends through the OA API v3 and ZNS, refreshing the access token when Zalo rejects it."""

    def __init__(
        self, http: httpx.Client, token_store: TokenStore, app_id: str, secret_key: str
    ) -> None:
        self._http = http
        self._store = token_store
        self._app_id = app_id
        self._secret_key = secret_key

    def send_text(self, user_id: str, text: str) -> str:
        """Send a consultation (CS) text to a follower (§1.6).

        Parameters
        ----------
        user_id : str
            The citizen's Zalo user id for this OA.
        text : str
            At most 2000 characters after NFC normalisation.

        Returns
        -------
        str
            Zalo's ``message_id``.

        Raises
        ------
        ZaloPermanentError, ZaloTemporaryError, ZaloAuthError
            See the module docstring; ``-230`` (no interaction for 7 days) is permanent.
        """
        text = unicodedata.normalize("NFC", text)
        if not 0 < len(text) <= _CS_TEXT_LIMIT:
            raise ValueError(f"CS text must be 1-{_CS_TEXT_LIMIT} characters")
        payload = {"recipient": {"user_id": user_id}, "message": {"text": text}}
        return _text(self._call(f"{OA_MESSAGE_URL}/cs", payload).get("message_id"))

    def send_template(
        self, user_id: str, template_id: str, template_data: Mapping[str, Any]
    ) -> str:
        """Send an approved template to a follower by user id ("ZBS Template Message", §1.6).

        The endpoint is documented only by a third party [3P]; confirm it for the OA's tier.

        Parameters
        ----------
        user_id : str
            The citizen's Zalo user id for this OA.
        template_id : str
            An approved ZNS/ZBS template.
        template_data : Mapping[str, Any]
            Values for the template's parameters.

        Returns
        -------
        str
            Zalo's ``message_id`` (no ``tracking_id`` on this channel: keep the mapping).
        """
        payload = _template_payload(template_id, template_data, user_id=user_id)
        return _text(self._call(f"{OA_MESSAGE_URL}/template", payload).get("message_id"))

    def send_zns(
        self,
        phone: str,
        template_id: str,
        template_data: Mapping[str, Any],
        tracking_id: str,
        *,
        development: bool = False,
    ) -> str:
        """Send an approved ZNS template to a phone number (§1.7).

        Parameters
        ----------
        phone : str
            A Vietnamese mobile number in any usual form; sent as ``84xxxxxxxxx``.
        template_id : str
            An approved ZNS template.
        template_data : Mapping[str, Any]
            Values for the template's parameters.
        tracking_id : str
            Our correlation id, echoed in the ``user_received_message`` receipt.
        development : bool
            Send in development mode (delivered only to the app's and OA's admins).

        Returns
        -------
        str
            Zalo's ``msg_id``.

        Raises
        ------
        ZaloPermanentError, ZaloTemporaryError, ZaloAuthError
            See the module docstring; an invalid phone is refused as ``-108`` before any call.
        """
        try:
            msisdn = normalise_vn_mobile(phone)
        except ValueError as exc:
            raise ZaloPermanentError("invalid phone number", -108) from exc
        payload = _template_payload(
            template_id, template_data, phone=msisdn, tracking_id=tracking_id
        )
        if development:
            payload["mode"] = "development"
        return _text(self._call(ZNS_URL, payload).get("msg_id"))

    def refresh_tokens(self) -> ZaloTokens:
        """Rotate the stored token pair now (the proactive refresh at about 20 h, §1.2).

        Returns
        -------
        ZaloTokens
            The new pair, already saved in the token store.

        Raises
        ------
        ZaloAuthError, ZaloTemporaryError
            No pair stored or refresh token refused; OAuth endpoint unreachable.
        """
        return self._rotate(self._stored_tokens())

    def _call(self, url: str, payload: Mapping[str, Any]) -> Mapping[str, Any]:
        tokens = self._stored_tokens()
        body = self._post(url, json=payload, headers={"access_token": tokens.access_token})
        if _code(body) in _AUTH_CODES:
            # §1.2: refresh once and retry once; a second rejection surfaces as ZaloAuthError.
            tokens = self._replace_rejected(tokens)
            body = self._post(url, json=payload, headers={"access_token": tokens.access_token})
        return _data_or_raise(body)

    def _replace_rejected(self, rejected: ZaloTokens) -> ZaloTokens:
        current = self._stored_tokens()
        if current.access_token != rejected.access_token:
            return current  # another worker rotated meanwhile; its refresh token is spent
        return self._rotate(current)

    def _rotate(self, tokens: ZaloTokens) -> ZaloTokens:
        form = {"app_id": self._app_id, "grant_type": "refresh_token"}
        form["refresh_token"] = tokens.refresh_token
        # §1.2: the app secret travels in a "secret_key" header, the rest as a form.
        body = self._post(OAUTH_URL, data=form, headers={"secret_key": self._secret_key})
        if not body.get("access_token") or not body.get("refresh_token"):
            logger.error("zalo token refresh refused", extra={"code": _code(body)})
            raise ZaloAuthError("Zalo refused the refresh token", _code(body))
        new = ZaloTokens(_text(body["access_token"]), _text(body["refresh_token"]), _seconds(body))
        self._store.put(new)  # §1.2: the old refresh token is dead now; save before use
        logger.info("zalo tokens refreshed")
        return new

    def _stored_tokens(self) -> ZaloTokens:
        tokens = self._store.get()
        if tokens is None:
            raise ZaloAuthError("no Zalo tokens stored: seed the token store")
        return tokens

    def _post(self, url: str, **kwargs: Any) -> Mapping[str, Any]:
        errors = (ZaloTemporaryError, ZaloPermanentError)
        return _mapping(post_json(self._http, url, "zalo", errors, (429,), **kwargs))


def _template_payload(template_id: str, data: Mapping[str, Any], **recipient: str) -> dict:
    return {**recipient, "template_id": str(template_id), "template_data": dict(data)}


def _data_or_raise(body: Mapping[str, Any]) -> Mapping[str, Any]:
    # §1.1: application errors come back with HTTP 200; only error == 0 is success.
    code = _code(body)
    if code == 0:
        return _mapping(body.get("data"))
    logger.warning("zalo call failed", extra={"code": code})
    error = _ERROR_CLASSES.get(code, ZaloPermanentError)
    raise error(_text(body.get("message")) or "zalo error", code)


def _code(body: Mapping[str, Any]) -> int | None:
    try:
        return int(body["error"])
    except (KeyError, TypeError, ValueError):
        return None


def _seconds(body: Mapping[str, Any]) -> int:
    value = _text(body.get("expires_in"))  # §1.2: a string such as "90000"
    return int(value) if value.isdigit() else 0


def _flat_info(info: Mapping[str, Any]) -> dict[str, str]:
    # §1.5/§6.2: the shape varies (flat address fields or a nested full_address): flatten.
    flat: dict[str, str] = {}
    for key, value in info.items():
        if isinstance(value, Mapping):
            flat |= _flat_info(value)
        elif isinstance(value, str | int) and not isinstance(value, bool):
            flat[key] = str(value)
    return flat


def _id_of(body: Mapping[str, Any], key: str) -> str:
    return _text(_mapping(body.get(key)).get("id"))


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _text(value: Any) -> str:
    return "" if value is None else str(value)
