"""Printable forms 01–05 of Circular 01/2018, generated from the dossier and its history."""

from __future__ import annotations

from chalicelib.domain.dossier import Dossier, Status
from chalicelib.domain.errors import NotFound
from chalicelib.persistence import dossier_store
from chalicelib.services.dossiers import deadlines, receipts
from chalicelib.web.render import render

OUTCOME_LABELS = {"early": "Trước hạn", "on_time": "Đúng hạn", "late": "Quá hạn"}
LAST_STEP = {"02": ("request_supplement",), "03": ("reject", "refuse"), "04": ("extend",)}
TEMPLATES = {"02": "forms/supplement.html", "03": "forms/refusal.html", "04": "forms/apology.html"}


def render_form(dossier: Dossier, number: str) -> str:
    history = dossier_store.history(dossier.code)
    agency_name = dossier.procedure.get("agency_name", "")
    if number == "01":
        calendar = deadlines.calendar(dossier.agency_id)
        estimate = deadlines.due_from(
            calendar.start_of_clock(dossier.submitted_at),
            dossier.procedure["processing_time"],
            dossier.agency_id,
        )
        return receipts.receipt_html(dossier, estimate)
    if number == "05":
        return render(
            "forms/control_slip.html",
            dossier=dossier,
            agency_name=agency_name,
            unit_name="Bộ phận Một cửa",
            steps=[_slip_row(e) for e in history],
        )
    if number not in TEMPLATES:
        raise NotFound("Không có mẫu phiếu này.")
    request = next((e for e in reversed(history) if e["action"] in LAST_STEP[number]), None)
    return render(
        TEMPLATES[number],
        dossier=dossier,
        agency_name=agency_name,
        unit_name="Bộ phận Một cửa",
        request=request,
    )


def _slip_row(entry: dict) -> dict:
    return {
        **entry,
        "label": receipts.ACTION_LABELS.get(entry["action"], entry["action"]),
        "agency": entry.get("agency_id"),
        "status_label": Status(entry["status_to"]).label,
        "outcome_label": OUTCOME_LABELS.get(entry.get("outcome"), ""),
        "note": entry.get("note"),
    }
