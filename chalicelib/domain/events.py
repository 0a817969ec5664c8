"""Domain events: what happened to a dossier or a feedback, committed with the change in the
same transaction (the transactional outbox) and consumed from the events queue
(docs/architecture.md). Dossiers, feedback, payments and ratings all emit them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Event:
    """A domain event, relayed through the outbox; consumers deduplicate on `id`.

    `dossier_code` is the subject's key: a dossier's code, or a feedback's id."""

    type: str
    dossier_code: str
    at: datetime
    data: dict[str, Any] = field(default_factory=dict)
    id: str = field(default_factory=lambda: uuid.uuid4().hex)

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "type": self.type,
            "dossier_code": self.dossier_code,
            "at": self.at.isoformat(),
            "data": self.data,
        }
