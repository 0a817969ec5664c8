"""Record class of the counters table.

    PK=SEQ#<agency id_code>#<yymmdd>  SK=SEQ       the last dossier number given that day
    PK=RL#<kind>#<subject>#<value>    SK=<window>  lookup attempts not given back (wrong
                                                   guesses) of a (code, client network), a
                                                   client network or a code in one window (TTL)
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
