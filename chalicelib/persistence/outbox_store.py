"""The outbox relay's side of the outbox items (services/shared/outbox.py): which events are
still pending, and taking a delivered one off.

The items themselves are written in the transaction of the change that caused them
(`dossier_store.stage_events`), as `PK=DOSSIER#<code> SK=OUTBOX#<id>` with the sparse
`outbox_pending` index keys (see dossier_records.py)."""

from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import UpdateError

from chalicelib.persistence import dossier_store, store


def mark_sent(event: dict, keep_until: int, sent_at: datetime) -> None:
    """Take a delivered event off the pending index (kept a week for tracing, then TTL); an
    event without an outbox item (none was ever written, or it expired) is left alone."""
    if not event.get("dossier_code") or not event.get("id"):
        return
    _, _, model = dossier_store.models()
    try:
        model(dossier_store.pk(event["dossier_code"]), f"OUTBOX#{event['id']}").update(
            actions=[
                model.outbox_pk.remove(),
                model.outbox_sk.remove(),
                model.sent_at.set(sent_at.isoformat()),
                model.ttl.set(keep_until),
            ],
            condition=model.PK.exists(),
        )
    except UpdateError as exc:
        if not store.condition_failed(exc):
            raise


def pending_events(before: datetime, limit: int) -> list[dict]:
    """Events still pending since before `before`, per shard at most `limit` (KEYS_ONLY index,
    then one BatchGetItem for their bodies)."""
    _, _, model = dossier_store.models()
    keys = []
    for shard in range(dossier_store.OUTBOX_SHARDS):
        result = model.pending.query(
            f"PENDING#{shard}", model.outbox_sk < before.isoformat(), limit=limit
        )
        keys += [(r.PK, r.SK) for r in store.take(result, limit)]
    return [r.event for r in model.batch_get(keys)] if keys else []
