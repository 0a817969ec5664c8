"""A presigned upload waiting in quarantine until a dossier or a feedback uses it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Upload:
    upload_id: str
    procedure_code: str  # the procedure it was requested for (PAKN for feedback)
    component_code: str
    filename: str
    content_type: str
    size_bytes: int
    key: str
    owner: str | None
    used_by: str | None
