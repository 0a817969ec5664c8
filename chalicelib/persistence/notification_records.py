"""PynamoDB record classes of the notifications table.

    PK=NOTIF#<id>                SK=META   a notification: state, channel, addresses, message
    PK=DEVMESSAGE                 SK=<at>#<id>  what the fake channels "sent" (local stage)
    PK=ZALOEVENT#<dedupe key>    SK=META   a Zalo webhook event, once (msg_id dedupe), for the
                                           inbound queue's consumer
    PK=ZALOUSER#<user id>        SK=META   a follower: phone shared with consent, following
    PK=DOCUMENT#<caller>#<id>    SK=META   an officer-notification request (idempotency)
    PK=NATIONALPORTAL#<code>     SK=<received at>#<ns>  what the national portal's local
                                           stand-in received (local stage)
    PK=NATIONALPORTAL#FAULTS     SK=<code> | *  a fault the stand-in injects (local stage)
Index by_subject (subject_pk, subject_sk = <created_at>#<id>): the notifications of a dossier,
an officer, an agency or a Zalo user, newest last. It projects only what an officer's list shows
(LISTED), so the worker's state changes (claimed, delivered, failed) write no index entry.
Everything but followers expires (TTL).
"""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    ListAttribute,
    NumberAttribute,
    UnicodeAttribute,
)
from pynamodb.indexes import GlobalSecondaryIndex, IncludeProjection

from chalicelib.persistence.base import CompactJSON, CompressedJSON, Keyed

LISTED = ["id", "template", "message", "dossier_code", "created_at"]


class NotificationsItem(Keyed):
    """Base of this table's record classes: the table they live in."""

    class Meta:
        table_name = "notifications"


class BySubject(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_subject"
        projection = IncludeProjection(LISTED)

    subject_pk = UnicodeAttribute(hash_key=True)
    subject_sk = UnicodeAttribute(range_key=True)


class NotificationRecord(NotificationsItem):
    id = UnicodeAttribute()
    source = UnicodeAttribute()  # the event id, "document:..." or "zalo:..."
    kind = UnicodeAttribute()  # event type, "officer.document", "zalo.reply"
    template = UnicodeAttribute()
    recipient = UnicodeAttribute()  # "citizen", "officer:<id>", "agency:<id>", "zalo:<uid>"
    dossier_code = UnicodeAttribute(null=True)
    planned_channel = UnicodeAttribute()
    channel = UnicodeAttribute()  # the channel in use (changes on fallback)
    addresses = CompactJSON()  # channel -> phone / email / user id (personal data)
    covered = ListAttribute(of=UnicodeAttribute, default=list)  # sibling channels
    message = CompressedJSON()  # rendered: title, body, sms, params (never logged)
    state = UnicodeAttribute()  # created -> sending -> delivered | failed
    attempts = NumberAttribute(default=0)
    locked_until = NumberAttribute(default=0)
    tried = CompactJSON(null=True)  # [{channel, error}] of channels that failed for good
    last_error = UnicodeAttribute(null=True)
    provider = UnicodeAttribute(null=True)
    provider_message_id = UnicodeAttribute(null=True)
    receipt = CompactJSON(null=True)  # delivery receipt: status, at
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    delivered_at = UnicodeAttribute(null=True)
    subject_pk = UnicodeAttribute()
    subject_sk = UnicodeAttribute()
    ttl = NumberAttribute()

    by_subject = BySubject()


class DevMessageRecord(NotificationsItem):
    notification_id = UnicodeAttribute()
    channel = UnicodeAttribute()
    template = UnicodeAttribute()
    dossier_code = UnicodeAttribute(null=True)
    to = UnicodeAttribute()  # masked
    title = UnicodeAttribute()
    text = UnicodeAttribute()
    sent_at = UnicodeAttribute()
    ttl = NumberAttribute()


class ZaloEventRecord(NotificationsItem):
    event = CompactJSON()  # the parsed webhook event (may hold a phone and a message)
    state = UnicodeAttribute()  # received -> done
    received_at = UnicodeAttribute()
    ttl = NumberAttribute()


class ZaloUserRecord(NotificationsItem):
    user_id = UnicodeAttribute()
    following = BooleanAttribute(default=True)
    phone = UnicodeAttribute(null=True)  # shared with consent (user_submit_info)
    consented_at = UnicodeAttribute(null=True)
    updated_at = UnicodeAttribute()


class DocumentRequestRecord(NotificationsItem):
    request_hash = UnicodeAttribute()
    notification_id = UnicodeAttribute()
    created_at = UnicodeAttribute()
    ttl = NumberAttribute()


class ReceivedRecord(NotificationsItem):
    status_code = NumberAttribute()
    version = NumberAttribute()
    sent_at = UnicodeAttribute()
    record = JSONAttribute()
    ttl = NumberAttribute()


class FaultRecord(NotificationsItem):
    mode = UnicodeAttribute()
    remaining = NumberAttribute(null=True)  # absent: until cleared
    ttl = NumberAttribute()
