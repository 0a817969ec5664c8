"""Key layout of the statistics table (written with the low-level client: no record classes).

    PK=AGENCY#<id>#<shard>      SK=DAY#<yyyy-mm-dd>#<shard>  numbers of that day (ADD)
                                SK=TOTAL#<shard>             running sums of the gauges
    PK=PROC#<code>#<shard>      SK=DAY#<yyyy-mm-dd>#<shard>  the same for a procedure
                                SK=TOTAL#<shard>
    PK=OFFER#<id>#<code>#<shard>  the same for one agency's performance of one procedure
    PK=DOSSIER#<code> | FEEDBACK#<id>  SK=PROJECTION         the subject's facts and the
                                                             contributions already applied

Sharding: a subject always writes to shard hash(subject) % SHARDS of a day. A provincial
one-stop centre takes a few thousand events a day, far below one item's limits, but a redrive
of the dead-letter queue or an outage sweep can replay many events at once, and DynamoDB
cancels concurrent transactions on the same item (TransactionConflict) long before it throttles
it; SHARDS items per day keep such bursts apart. Reads sum the shards. The shards are separate
partition keys: at a national peak the busiest procedure (all the agencies that perform it) or
agency would otherwise take more than a partition should (bench/keys.py prints the hottest key),
so reading a scope is SHARDS Queries.
"""

from __future__ import annotations

from chalicelib.domain.stats import TOTAL  # noqa: F401 - re-exported to the store
from chalicelib.persistence import store

SHARDS = 4
PROJECTION = "PROJECTION"


def shard_of(subject: str) -> int:
    return store.shard(subject, SHARDS)


def partition(scope: str, shard: int) -> str:
    """The partition key of a scope's shard (see the module docstring)."""
    return f"{scope}#{shard}"


def partitions(scope: str) -> list[str]:
    return sorted({partition(scope, shard) for shard in range(SHARDS)})


def item_key(scope: str, bucket: str, shard: int) -> dict:
    sort = f"TOTAL#{shard}" if bucket == TOTAL else f"DAY#{bucket}#{shard}"
    return {"PK": {"S": partition(scope, shard)}, "SK": {"S": sort}}
