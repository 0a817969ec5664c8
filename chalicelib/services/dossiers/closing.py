"""A closed dossier's files move to cheaper storage: when a dossier closes, the events worker
tags its attachments (uploads bucket) and every result document issued for it (results bucket,
`results/<code>/…`) with CLOSED_TAG, and the buckets' lifecycle rules move tagged objects to S3
Glacier Instant Retrieval 30 days after they were written (infra/base.json; files of dossiers
still open stay in Standard, then Standard-IA). Glacier IR serves a download in milliseconds,
so the citizen's results and wallet still open at once. Idempotent: tagging twice writes once."""

from __future__ import annotations

from datetime import datetime

from chalicelib.config import get_settings
from chalicelib.domain.dossier import Status
from chalicelib.integrations import storage
from chalicelib.persistence import dossier_store

CLOSED_TAG = {"dvc-dossier": "closed"}


def on_event(event: dict, now: datetime) -> None:
    """A dossier changed status: tag its files once the status is a closed one."""
    try:
        status = Status((event.get("data") or {}).get("status"))
    except ValueError:
        return
    if status.is_open:
        return
    dossier = dossier_store.get(event["dossier_code"])
    if dossier is None:
        return
    settings = get_settings()
    for attachment in dossier.attachments:
        if attachment.get("key"):
            storage.add_tags(settings.bucket_uploads, attachment["key"], CLOSED_TAG)
    for key in storage.keys(settings.bucket_results, f"results/{dossier.code}/"):
        storage.add_tags(settings.bucket_results, key, CLOSED_TAG)
