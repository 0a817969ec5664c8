"""The control slip of a dossier (phiếu kiểm soát quá trình giải quyết hồ sơ, Form 06 of
Circular 03/2025/TT-VPCP) as data: the procedure's internal steps, where the dossier is now, and
one row per hand-over between steps (domain/process.py), and the opinions asked of other
agencies with their answers (domain/consult.py). The printable form is Form 06 in forms.py,
built from the same rows."""

from __future__ import annotations

from chalicelib.domain import process
from chalicelib.domain.dossier import Dossier
from chalicelib.persistence import dossier_store
from chalicelib.services.dossiers import deadlines


def control_slip(dossier: Dossier) -> dict:
    calendar = deadlines.calendar(dossier.agency_id)
    return {
        "code": dossier.code,
        "procedure": {"code": dossier.procedure["code"], "name": dossier.procedure["name"]},
        "agency_id": dossier.agency_id,
        "accepted_at": dossier.accepted_at.isoformat() if dossier.accepted_at else None,
        "due_at": dossier.due_at.isoformat() if dossier.due_at else None,
        "steps": [
            {
                "code": s.code,
                "name": s.name,
                "role": s.role,
                "agency_id": s.agency_id or dossier.agency_id,
                "share": s.share,
            }
            for s in process.steps(dossier.procedure)
        ],
        "current_step": process.current(dossier, calendar),
        "rows": process.slip_rows(dossier.procedure, dossier_store.history(dossier.code)),
        "consults": dossier.extra.get("consults", []),
        "form_url": f"/v1/officer/dossiers/{dossier.code}/forms/06",
    }
