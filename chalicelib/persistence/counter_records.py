"""Record class of the counters table.

    PK=SEQ#<agency id_code>#<yymmdd>  SK=SEQ       the last dossier number given that day
    PK=RL#<kind>#<subject>#<value>    SK=<window>  failed lookups of a client address or a
                                                   dossier code in one 15-minute window (TTL)
"""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from chalicelib.persistence.base import Record


class CounterRecord(Record):
    class Meta:
        table_name = "counters"

    PK = UnicodeAttribute(hash_key=True)
    SK = UnicodeAttribute(range_key=True)
    n = NumberAttribute(default=0)
    ttl = NumberAttribute(null=True)
