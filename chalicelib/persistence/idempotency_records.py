"""Record class of the idempotency table.

PK=<operation>#<caller>#<Idempotency-Key>   a claim: in progress (locked until a time) or
                                            completed with the answer to replay; TTL 24 h
"""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from chalicelib.persistence.base import CompactJSON, Record


class IdempotencyRecord(Record):
    class Meta:
        table_name = "idempotency"

    PK = UnicodeAttribute(hash_key=True)
    status = UnicodeAttribute()
    request_hash = UnicodeAttribute()
    token = UnicodeAttribute()
    locked_until = NumberAttribute()
    response = CompactJSON(null=True)
    ttl = NumberAttribute()
