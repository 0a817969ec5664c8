"""Dossier ratings: one item next to the dossier (`SK=RATING`, see dossier_records.py), written
once with a conditional put in the same transaction as its `dossier.rated` event (outbox) and
the idempotency answer."""

from __future__ import annotations

from collections.abc import Sequence

from chalicelib.config import get_settings
from chalicelib.domain.errors import Conflict
from chalicelib.domain.events import Event
from chalicelib.persistence import dossier_store, store
from chalicelib.persistence.base import bind
from chalicelib.persistence.dossier_records import RatingRecord


def model() -> type[RatingRecord]:
    return bind(RatingRecord, get_settings().table_dossiers)


def save(
    code: str, rating: dict, rated_by: str, event: Event, also: Sequence[store.Staged] = ()
) -> None:
    record_model = model()
    record = record_model(
        dossier_store.pk(code),
        "RATING",
        code=code,
        rating=rating,
        rated_at=event.at.isoformat(),
        rated_by=rated_by,
    )

    def stage(tx: store.Transaction) -> None:
        tx.save(record, condition=record_model.PK.does_not_exist(), label="rating")
        dossier_store.stage_events([event])(tx)

    try:
        store.commit(stage, also)
    except store.Cancelled as exc:
        if "rating" in exc.failed:
            raise Conflict("Hồ sơ này đã được đánh giá; mỗi hồ sơ chỉ đánh giá một lần.") from exc
        raise


def get(code: str) -> dict | None:
    record_model = model()
    try:
        found = record_model.get(dossier_store.pk(code), "RATING", consistent_read=True)
    except record_model.DoesNotExist:
        return None
    return {**found.rating, "rated_at": found.rated_at}
