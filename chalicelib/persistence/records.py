"""PynamoDB record classes for the dossiers, counters and idempotency tables.

dossiers table (one item collection per dossier; uploads under their own key):
    PK=DOSSIER#<code> SK=META          the dossier, with the index keys below
    PK=DOSSIER#<code> SK=EVENT#<0001>  one history entry per step (audit, control slip)
    PK=DOSSIER#<code> SK=OUTBOX#<id>   an event waiting to be relayed to SQS
    PK=UPLOAD#<id>    SK=META          a presigned upload, until a dossier uses it or TTL
Indexes: by_owner (citizen's dossiers, newest first), inbox (agency's open dossiers, soonest due
first), by_status (agency + status, soonest due first), open_due (open dossiers by due time, in
a few shards, for the overdue scan), outbox_pending (events not yet relayed, in shards).
"""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    NumberAttribute,
    UnicodeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from chalicelib.persistence.base import Record


def _index(name: str, hash_attr: str, range_attr: str) -> type[GlobalSecondaryIndex]:
    meta = type("Meta", (), {"index_name": name, "projection": AllProjection()})
    return type(
        f"{name}_index",
        (GlobalSecondaryIndex,),
        {
            "Meta": meta,
            hash_attr: UnicodeAttribute(hash_key=True),
            range_attr: UnicodeAttribute(range_key=True),
        },
    )


class DossierRecord(Record):
    class Meta:
        table_name = "dossiers"

    PK = UnicodeAttribute(hash_key=True)
    SK = UnicodeAttribute(range_key=True)
    code = UnicodeAttribute()
    status = UnicodeAttribute()
    version = NumberAttribute()
    agency_id = UnicodeAttribute()
    procedure = JSONAttribute()
    applicant = JSONAttribute()
    owner = UnicodeAttribute(null=True)
    form = JSONAttribute()
    attachments = JSONAttribute()
    result_delivery = UnicodeAttribute()
    notify = JSONAttribute()
    channel = UnicodeAttribute()
    submitted_at = UnicodeAttribute()
    acknowledge_by = UnicodeAttribute()
    accepted_at = UnicodeAttribute(null=True)
    due_at = UnicodeAttribute(null=True)
    finished_at = UnicodeAttribute(null=True)
    outcome = UnicodeAttribute(null=True)
    requested = JSONAttribute(null=True)
    fee_due = NumberAttribute(default=0)
    fee_paid = NumberAttribute(default=0)
    extended = BooleanAttribute(default=False)
    assignee = UnicodeAttribute(null=True)
    history_len = NumberAttribute(default=0)
    extra = JSONAttribute(null=True)
    owner_pk = UnicodeAttribute(null=True)
    owner_sk = UnicodeAttribute(null=True)
    inbox_pk = UnicodeAttribute(null=True)
    inbox_sk = UnicodeAttribute(null=True)
    status_pk = UnicodeAttribute(null=True)
    status_sk = UnicodeAttribute(null=True)
    due_pk = UnicodeAttribute(null=True)
    due_sk = UnicodeAttribute(null=True)

    by_owner = _index("by_owner", "owner_pk", "owner_sk")()
    inbox = _index("inbox", "inbox_pk", "inbox_sk")()
    by_status = _index("by_status", "status_pk", "status_sk")()
    open_due = _index("open_due", "due_pk", "due_sk")()


class HistoryRecord(Record):
    class Meta:
        table_name = "dossiers"

    PK = UnicodeAttribute(hash_key=True)
    SK = UnicodeAttribute(range_key=True)
    entry = JSONAttribute()


class OutboxRecord(Record):
    class Meta:
        table_name = "dossiers"

    PK = UnicodeAttribute(hash_key=True)
    SK = UnicodeAttribute(range_key=True)
    event = JSONAttribute()
    outbox_pk = UnicodeAttribute(null=True)
    outbox_sk = UnicodeAttribute(null=True)
    sent_at = UnicodeAttribute(null=True)
    ttl = NumberAttribute(null=True)

    pending = _index("outbox_pending", "outbox_pk", "outbox_sk")()


class UploadRecord(Record):
    class Meta:
        table_name = "dossiers"

    PK = UnicodeAttribute(hash_key=True)
    SK = UnicodeAttribute(range_key=True)
    upload_id = UnicodeAttribute()
    procedure_code = UnicodeAttribute()
    component_code = UnicodeAttribute()
    filename = UnicodeAttribute()
    content_type = UnicodeAttribute()
    size_bytes = NumberAttribute()
    key = UnicodeAttribute()
    owner = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    expires_at = UnicodeAttribute()
    used_by = UnicodeAttribute(null=True)
    ttl = NumberAttribute(null=True)


class CounterRecord(Record):
    class Meta:
        table_name = "counters"

    PK = UnicodeAttribute(hash_key=True)
    SK = UnicodeAttribute(range_key=True)
    n = NumberAttribute(default=0)
    ttl = NumberAttribute(null=True)


class IdempotencyRecord(Record):
    class Meta:
        table_name = "idempotency"

    PK = UnicodeAttribute(hash_key=True)
    status = UnicodeAttribute()
    request_hash = UnicodeAttribute()
    token = UnicodeAttribute()
    locked_until = NumberAttribute()
    response = JSONAttribute(null=True)
    ttl = NumberAttribute()
