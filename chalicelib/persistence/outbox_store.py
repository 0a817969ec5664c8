"""The outbox items as the dossiers table's stream carries them to the relay
(services/shared/outbox.py).

The items are written in the transaction of the change that caused them
(`dossier_store.stage_events`), as `PK=DOSSIER#<code> SK=OUTBOX#<id>` with a TTL (see
dossier_records.py). A stream record holds the item in DynamoDB's typed JSON (`NewImage`);
this module reads the event back out of it, so no other layer knows the item's shape."""

from __future__ import annotations

from chalicelib.persistence import dossier_store

OUTBOX = "OUTBOX#"


def event_of(record: dict) -> dict | None:
    """The event body of a stream record that inserted an outbox item; None for any other
    record (another item kind, an update, a TTL deletion)."""
    change = record.get("dynamodb") or {}
    sort_key = (change.get("Keys") or {}).get("SK", {}).get("S", "")
    if record.get("eventName") != "INSERT" or not sort_key.startswith(OUTBOX):
        return None
    _, _, model = dossier_store.models()
    return model.from_raw_data(change["NewImage"]).event
