"""A presigned upload waiting in quarantine until a dossier or a feedback uses it."""

from __future__ import annotations

from dataclasses import dataclass

DOSSIER, FEEDBACK = "dossier", "feedback"  # what an upload is for


@dataclass(frozen=True)
class Upload:
    upload_id: str
    procedure_code: str | None  # the procedure of the dossier component (None for feedback)
    component_code: str
    filename: str
    content_type: str
    size_bytes: int
    key: str
    owner: str | None
    used_by: str | None
    purpose: str = DOSSIER
