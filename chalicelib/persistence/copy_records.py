"""Record classes of the file copies' sweep, in the dossiers table (domain/file_copies.py).

PK=ATTEMPT#<id>   SK=COPIES   the attempt <id> committed: its file copies are in use
                              (written in its transaction; TTL file_copies.MARK_LIFETIME)
PK=SWEEP#COPIES   SK=CURSOR   where the sweep goes on: a day and the last key looked at
"""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from chalicelib.persistence.base import Keyed


class AttemptMarkRecord(Keyed):
    class Meta:
        table_name = "dossiers"

    ttl = NumberAttribute()


class SweepCursorRecord(Keyed):
    class Meta:
        table_name = "dossiers"

    day = UnicodeAttribute()
    after = UnicodeAttribute(null=True)
