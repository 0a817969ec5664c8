"""Who is told what, and how, for each domain event (docs/rules.md), and the channel fallback.

Citizens choose their channels per dossier (`notify`: zalo = ZNS by phone, sms, email); officers
are told in their in-app inbox (`inbox`) when work waits for them; Zalo OA followers get replies
by user id (`zalo_oa`). One notification exists per (event, recipient, channel): its id is
derived from those three, so a redelivered event finds the notifications it already made.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from chalicelib.domain.dossier import normalize_phone

ZNS, SMS, EMAIL = "zalo", "sms", "email"
ZALO_OA, INBOX = "zalo_oa", "inbox"
CITIZEN_CHANNELS = (ZNS, SMS, EMAIL)
CHANNELS = (*CITIZEN_CHANNELS, ZALO_OA, INBOX)
DEFAULT_FALLBACK = (ZNS, SMS, EMAIL)
CITIZEN = "citizen"

CITIZEN_TEMPLATES = {
    "dossier.submitted": "received",
    "dossier.accepted": "accepted",
    "dossier.rejected": "rejected",
    "dossier.supplement_requested": "supplement",
    "dossier.resubmitted": "resubmitted",
    "dossier.payment_requested": "payment_requested",
    "dossier.paid": "paid",
    "dossier.approved": "result_ready",
    "dossier.refused": "refused",
    "dossier.extended": "extended",
    "dossier.stopped": "stopped",
    "dossier.returned": "returned",
    "dossier.withdrawn": "withdrawn",
}
# event -> (template, who): "agency" the dossier's agency, "to_agency" the receiving agency of
# a transfer, "assignee" the officer named in the event, "handler" the assignee or else the agency
OFFICER_TEMPLATES = {
    "dossier.submitted": ("officer_new_dossier", "agency"),
    "dossier.transferred": ("officer_new_dossier", "to_agency"),
    "dossier.assigned": ("officer_assigned", "assignee"),
    "dossier.resubmitted": ("officer_resubmitted", "handler"),
    "dossier.due_soon": ("officer_due_soon", "handler"),
    "dossier.overdue": ("officer_overdue", "handler"),
    "dossier.consult_requested": ("officer_consult", "to_agency"),
    "dossier.consult_due_soon": ("officer_consult_due_soon", "to_agency"),
    "dossier.consult_overdue": ("officer_consult_overdue", "to_agency"),
}
EVENT_TYPES = frozenset(CITIZEN_TEMPLATES) | frozenset(OFFICER_TEMPLATES)


@dataclass(frozen=True)
class Audience:
    """What planning needs to know about a dossier's people."""

    notify: tuple[str, ...]
    phone: str
    email: str
    agency_id: str
    assignee: str | None = None


@dataclass(frozen=True)
class Planned:
    recipient: str  # "citizen", "officer:<id>", "agency:<id>", "zalo:<user id>"
    channel: str
    template: str
    addresses: dict[str, str] = field(default_factory=dict)  # channel -> address
    covered: tuple[str, ...] = ()  # channels that sibling notifications use (the citizen's)


def plan(event_type: str, data: Mapping[str, Any], audience: Audience) -> list[Planned]:
    """The notifications an event gives rise to (empty for events nobody is told about)."""
    planned: list[Planned] = []
    template = CITIZEN_TEMPLATES.get(event_type)
    if template:
        addresses = citizen_addresses(audience)
        chosen = [c for c in CITIZEN_CHANNELS if c in audience.notify and c in addresses]
        planned += [
            Planned(CITIZEN, c, template, addresses, tuple(x for x in chosen if x != c))
            for c in chosen
        ]
    officer = OFFICER_TEMPLATES.get(event_type)
    if officer:
        recipient = _officer(officer[1], data, audience)
        if recipient:
            planned.append(Planned(recipient, INBOX, officer[0], {INBOX: recipient}))
    return planned


def citizen_addresses(audience: Audience) -> dict[str, str]:
    addresses = {}
    if audience.phone:
        addresses[ZNS] = addresses[SMS] = audience.phone
    if audience.email:
        addresses[EMAIL] = audience.email
    return addresses


def _officer(who: str, data: Mapping[str, Any], audience: Audience) -> str | None:
    assignee = data.get("assignee") or audience.assignee
    if who == "agency":
        return f"agency:{audience.agency_id}"
    if who == "to_agency":
        return f"agency:{data['to_agency']}" if data.get("to_agency") else None
    if who == "assignee":
        return f"officer:{assignee}" if assignee else None
    return f"officer:{assignee}" if assignee else f"agency:{audience.agency_id}"


RECIPIENT_LIMIT = "recipient_limit"  # why a message was not sent: MESSAGES_PER_RECIPIENT used up


def contact_key(channel: str, address: str) -> str | None:
    """Whose message budget a message spends (docs/security.md): the phone (ZNS and SMS alike,
    `+84…` as `0…`) or the lower-case email it goes to; None for the channels that do not
    write to a typed contact (officers' inbox, replies to a Zalo OA follower)."""
    if channel in (ZNS, SMS):
        return normalize_phone(address)
    if channel == EMAIL:
        return address.strip().lower()
    return None


def next_channel(
    current: str,
    order: Iterable[str],
    addresses: Mapping[str, str],
    tried: Iterable[str] = (),
    covered: Iterable[str] = (),
) -> str | None:
    """The channel to try after `current` failed for good (ZNS -> SMS -> email by default): the
    next one in `order` with an address that was not tried yet. The chain stops at a channel
    that a sibling notification covers (the citizen chose it too: it is being told there)."""
    order = list(order)
    if current not in order:
        return None
    tried, covered = set(tried) | {current}, set(covered)
    for channel in order[order.index(current) + 1 :]:
        if channel in covered:
            return None
        if channel not in tried and addresses.get(channel):
            return channel
    return None


def parse_order(text: str) -> tuple[str, ...]:
    """NOTIFY_FALLBACK "zalo,sms,email" -> ("zalo", "sms", "email"); unknown names dropped."""
    chosen = [part.strip().lower() for part in text.split(",")]
    return tuple(c for c in dict.fromkeys(chosen) if c in CITIZEN_CHANNELS) or DEFAULT_FALLBACK


def notification_id(source: str, recipient: str, channel: str) -> str:
    """Deterministic id of the notification of `source` (an event, a document, a chat message)
    for one recipient on one channel. Base32 (letters and 2-7 only): it never looks like a
    phone number in a log line."""
    digest = hashlib.sha256(f"{source}|{recipient}|{channel}".encode()).digest()
    return base64.b32encode(digest).decode("ascii").lower().rstrip("=")[:26]


def subject_key(recipient: str, citizen_subject: str) -> str:
    """Whose list a notification appears in: the dossier's or feedback's (`citizen_subject`,
    e.g. "DOSSIER#<code>") for the citizen, else the officer's, agency's or Zalo user's."""
    if recipient == CITIZEN:
        return citizen_subject
    kind, _, key = recipient.partition(":")
    return f"{kind.upper()}#{key}"


FEEDBACK_TEMPLATES = {"feedback.answered": "feedback_answered"}
FEEDBACK_ORDER = (ZALO_OA, SMS, EMAIL)  # the sender's way in first: chat, then phone, email


def plan_feedback(event_type: str, sender: Mapping[str, Any]) -> list[Planned]:
    """Feedback has no channel choice: answer where the sender wrote from (Zalo chat), else by
    SMS, else by email; the others stay as fallbacks."""
    template = FEEDBACK_TEMPLATES.get(event_type)
    addresses = {
        channel: str(sender[key])
        for channel, key in ((ZALO_OA, "zalo_user_id"), (SMS, "phone"), (EMAIL, "email"))
        if sender.get(key)
    }
    first = next((c for c in FEEDBACK_ORDER if c in addresses), None)
    if not template or first is None:
        return []
    return [Planned(CITIZEN, first, template, addresses)]


SUBSCRIBED_TYPES = EVENT_TYPES | frozenset(FEEDBACK_TEMPLATES)
