"""Record class of the counters table.

PK=SEQ#<agency id_code>#<yymmdd>  SK=SEQ       the last dossier number given that day
PK=RL#<kind>#<subject>#<value>    SK=<window>  attempts not given back in one window
                                               (TTL): wrong lookup guesses of a (code,
                                               client network), a network or a code;
                                               submissions of a network, a phone digest or
                                               a citizen; messages to a contact digest
"""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute

from chalicelib.persistence.base import Keyed


class CounterRecord(Keyed):
    class Meta:
        table_name = "counters"

    n = NumberAttribute(default=0)
    ttl = NumberAttribute(null=True)
