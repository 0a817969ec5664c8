"""What a citizen is shown about a dossier: the submission answer, the status view (no officer
personal data beyond the public name an agency configures) and the receipt and appointment slip
(Form 01, Circular 03/2025/TT-VPCP)."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

from chalicelib.config import get_settings
from chalicelib.domain.dossier import WITHDRAWABLE, Dossier, Status
from chalicelib.domain.workflow import ACTION_LABELS
from chalicelib.integrations import secrets
from chalicelib.services.catalog import reads as catalog_service

DELIVERY_LABELS = {
    "online": "Nhận kết quả trực tuyến",
    "post": "Nhận qua dịch vụ bưu chính công ích",
    "counter": "Nhận trực tiếp tại Bộ phận Một cửa",
}


def receipt_token(code: str) -> str:
    """A capability for the printable receipt, so that no personal data goes in its URL."""
    key = secrets.app_secrets().secret_key.encode()
    return hmac.new(key, f"receipt:{code}".encode(), hashlib.sha256).hexdigest()[:32]


def receipt_url(code: str) -> str:
    return f"{get_settings().public_base_url}/v1/dossiers/{code}/receipt?t={receipt_token(code)}"


def lookup_url(code: str) -> str:
    return f"{get_settings().public_base_url}/v1/dossiers/{code}"


def created_response(dossier: Dossier, estimated_due: datetime) -> dict:
    return {
        "code": dossier.code,
        "status": dossier.status.value,
        "national_status_code": dossier.status.national_code,
        "submitted_at": dossier.submitted_at.isoformat(),
        "acknowledge_by": dossier.acknowledge_by.isoformat(),
        "due_at": estimated_due.isoformat(),
        "due_at_is_estimate": True,
        "fee_due": dossier.fee_due,
        "receipt_url": receipt_url(dossier.code),
        "lookup_url": lookup_url(dossier.code),
        "receipt": {
            "form": "01",
            "title": "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
            "agency": dossier.procedure["agency_name"],
            "procedure": dossier.procedure["name"],
            "applicant_name": dossier.applicant["full_name"],
            "components_received": [a["component_code"] for a in dossier.attachments],
            "result_delivery": DELIVERY_LABELS[dossier.result_delivery],
        },
    }


def status_view(dossier: Dossier, history: list[dict]) -> dict:
    return {
        "code": dossier.code,
        "status": dossier.status.value,
        "status_label": dossier.status.label,
        "national_status_code": dossier.status.national_code,
        "procedure": {"code": dossier.procedure["code"], "name": dossier.procedure["name"]},
        "agency": _agency(dossier.agency_id, dossier),
        "handling_officer": _handling_officer(dossier),
        "receiving_agency": _agency(
            dossier.extra.get("receiving_agency_id", dossier.agency_id), dossier
        ),
        "applicant_name": dossier.applicant["full_name"],
        "submitted_at": dossier.submitted_at.isoformat(),
        "acknowledge_by": dossier.acknowledge_by.isoformat(),
        "accepted_at": _iso(dossier.accepted_at),
        "due_at": _iso(dossier.due_at),
        "finished_at": _iso(dossier.finished_at),
        "outcome": dossier.outcome,
        "channel": dossier.channel,
        "result_delivery": dossier.result_delivery,
        "shipment": dossier.extra.get("shipment"),
        "requested": dossier.requested,
        "fee_due": dossier.fee_due,
        "fee_paid": dossier.fee_paid,
        "can_withdraw": dossier.status in WITHDRAWABLE,
        "receipt_url": receipt_url(dossier.code),
        "history": [_public_step(entry) for entry in history],
    }


def _agency(agency_id: str, dossier: Dossier) -> dict:
    """An agency as the citizen sees it: the handling agency is always named."""
    found = catalog_service.get_catalog().agency(agency_id)
    name = found.name if found else dossier.procedure.get("agency_name", agency_id)
    return {"id": agency_id, "name": name}


def _handling_officer(dossier: Dossier) -> dict | None:
    """The officer holding the dossier, named only where the handling agency's catalog entry
    says so (`status_view`: at which statuses, and the public name of each officer it lists).
    Whether a rule requires the name (Decree 224/2026 art. 15 was cited) could not be verified,
    so the default names nobody and nothing but the configured name is ever shown."""
    agency = catalog_service.get_catalog().agency(dossier.agency_id)
    config = (agency.data.get("status_view") if agency else None) or {}
    if not dossier.assignee or dossier.status.value not in config.get("officer_named_at", ()):
        return None
    names = {o["username"]: o["name"] for o in config.get("officers", ())}
    name = names.get(dossier.assignee)
    return {"name": name} if name else None


def _public_step(entry: dict) -> dict:
    """A history step as the citizen sees it: what happened and where, never which officer."""
    status = Status(entry["status_to"])
    return {
        "at": entry["at"],
        "action": entry["action"],
        "action_label": ACTION_LABELS.get(entry["action"], entry["action"]),
        "status": status.value,
        "status_label": status.label,
        "agency": entry.get("agency_id"),
        "note": entry.get("public_note"),
    }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
