"""What each audience is shown of a feedback.

- the public (a published answer the sender agreed to make public): no sender, no owner, no
  dossier code, no attachments, no officer identities;
- the sender: everything of their own, with the public steps of its history;
- officers of the handling agency: everything, with the allowed actions.
"""

from __future__ import annotations

from datetime import datetime

from chalicelib.domain import feedback_workflow
from chalicelib.domain.feedback import ANSWERED_STATUSES, Feedback
from chalicelib.domain.principal import Principal
from chalicelib.services.catalog import reads as catalog_service

WITHHELD = "(Người gửi không đồng ý công khai nội dung; chỉ công khai kết quả trả lời.)"


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def agency(agency_id: str) -> dict:
    found = catalog_service.get_catalog().agency(agency_id)
    return {"id": agency_id, "name": found.name if found else agency_id}


def _answer(f: Feedback) -> dict | None:
    if not f.answer:
        return None
    return {
        "text": f.answer["text"],
        "answered_at": f.answer["answered_at"],
        "agency": agency(f.answer["agency_id"]),
        "timeliness": f.answer.get("timeliness"),
    }


def _common(f: Feedback) -> dict:
    return {
        "id": f.id,
        "title": f.title,
        "content": f.content,
        "category": {"code": f.category.value, "label": f.category.label},
        "agency": agency(f.agency_id),
        "procedure_code": f.procedure_code,
        "status": f.status.value,
        "status_label": f.status.label,
        "received_at": f.received_at.isoformat(),
        "answer": _answer(f),
        "published_at": _iso(f.published_at),
        "location": f.location or None,
    }


def public_view(f: Feedback) -> dict:
    """A published feedback, as `Feedback.disclosure()` allows. When the sender did not agree
    to publication of what they wrote, only the answer is published, with the category and
    agency instead of their own words (title, content, place): Decree 20/2008 art. 14
    publishes the result of handling, and the sender's identity stays private (Law 91/2025 on
    personal data)."""
    rating, shown = f.rating or {}, f.disclosure()
    return {
        **_common(f),
        "title": shown.title,
        "content": shown.content if shown.content is not None else WITHHELD,
        "location": shown.location or None,
        "satisfied": rating.get("satisfied"),
        "anonymised": f.anonymised,
    }


def public_history(entries: list[dict]) -> list[dict]:
    return [
        {
            "at": e["at"],
            "action": e["action"],
            "label": feedback_workflow.ACTION_LABELS.get(e["action"], e["action"]),
            "status": e["status_to"],
            **({"note": e["public_note"]} if e.get("public_note") else {}),
        }
        for e in entries
    ]


def sender_view(f: Feedback, history: list[dict]) -> dict:
    return {
        **_common(f),
        "dossier_code": f.dossier_code,
        "sender": f.sender,
        "public": f.public,
        "channel": f.channel,
        "forward_by": f.forward_by.isoformat(),
        "due_at": f.due_at.isoformat(),
        "forwarded_to": _forwarded(f),
        "attachments": [_attachment(a) for a in f.attachments],
        "rating": f.rating,
        "can_rate": f.status in ANSWERED_STATUSES and f.rating is None,
        "history": public_history(history),
    }


def _forwarded(f: Feedback) -> dict | None:
    if not f.forwarded_to:
        return None
    name = f.forwarded_to["agency"]
    if not f.forwarded_to.get("external"):
        name = agency(name)["name"]
    return {"agency": name, "external": f.forwarded_to.get("external", False)}


def _attachment(a: dict) -> dict:
    return {k: v for k, v in a.items() if k != "key"}


def officer_view(f: Feedback, principal: Principal, history: list[dict], now: datetime) -> dict:
    return {
        **sender_view(f, history),
        "version": f.version,
        "owner": f.owner,
        "classification": f.classification,
        "assignee": f.assignee,
        "agency_received_at": f.agency_received_at.isoformat(),
        "overdue": f.is_open and f.overdue_at < now,
        "closed_at": _iso(f.closed_at),
        "history": history,
        "allowed_actions": feedback_workflow.allowed_actions(f, principal.role),
    }


def officer_summary(f: Feedback, now: datetime) -> dict:
    return {
        "id": f.id,
        "title": f.title,
        "category": f.category.value,
        "status": f.status.value,
        "status_label": f.status.label,
        "version": f.version,
        "channel": f.channel,
        "received_at": f.received_at.isoformat(),
        "forward_by": f.forward_by.isoformat(),
        "due_at": f.due_at.isoformat(),
        "overdue": f.is_open and f.overdue_at < now,
        "assignee": f.assignee,
    }


def created(f: Feedback) -> dict:
    return {
        "id": f.id,
        "status": f.status.value,
        "status_label": f.status.label,
        "received_at": f.received_at.isoformat(),
        "forward_by": f.forward_by.isoformat(),
        "agency": agency(f.agency_id),
    }


def own_summary(f: Feedback) -> dict:
    """One row of the sender's own list: whether it is answered and whether they rated it."""
    return created(f) | {
        "title": f.title,
        "answered": f.status in ANSWERED_STATUSES,
        "rated": f.rating is not None,
    }
