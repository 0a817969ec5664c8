"""Officers handle the feedback of their own agency: list it (soonest due first), open one, and
classify, assign, forward, answer, publish or close it. Every action is checked against the
version the officer saw (stale: 409 CONFLICT) and committed with its history and event.
Feedback of another agency is a 404, as if it did not exist."""

from __future__ import annotations

from datetime import datetime

from chalicelib.domain import feedback_workflow as workflow
from chalicelib.domain.errors import NotFound
from chalicelib.domain.feedback import Feedback, Status
from chalicelib.domain.principal import Principal
from chalicelib.persistence import feedback_store
from chalicelib.services.dossiers import deadlines
from chalicelib.services.feedback import views
from chalicelib.services.shared import officer_actions, paging

OPEN_STATUSES = frozenset({Status.RECEIVED, Status.CLASSIFIED, Status.ASSIGNED, Status.FORWARDED})
PARAMS = ("classification", "agency", "external_agency", "assignee", "answer")


def load_for(feedback_id: str, principal: Principal) -> Feedback:
    feedback = feedback_store.get(feedback_id)
    if feedback is None or not principal.is_officer or feedback.agency_id != principal.agency:
        raise NotFound("Không tìm thấy phản ánh, kiến nghị trong cơ quan của bạn.")
    return feedback


def listing(principal: Principal, params: dict, now: datetime) -> dict:
    """Without a status: the agency's open feedback; an open status filters that list; a
    closed status has its own partition. One index Query per page either way."""
    status = params.get("status")
    bucket = "open" if status is None or status in OPEN_STATUSES else status
    scope = f"officer-feedback:{principal.agency}:{status}"
    items, last = feedback_store.agency_page(
        principal.agency,
        bucket,
        status if status in OPEN_STATUSES else None,
        params.get("page_size", paging.DEFAULT_PAGE_SIZE),
        paging.decode(params.get("page_token"), scope),
    )
    return {
        "items": [views.officer_summary(f, now) for f in items],
        "next_page_token": paging.scoped(last, scope),
    }


def view(feedback_id: str, principal: Principal, now: datetime) -> dict:
    feedback = load_for(feedback_id, principal)
    return views.officer_view(feedback, principal, feedback_store.history(feedback.id), now)


def act(feedback_id: str, principal: Principal, body: dict, now: datetime) -> dict:
    feedback = load_for(feedback_id, principal)
    body = officer_actions.checked(body, feedback.version, "Phản ánh")
    command = workflow.Command(
        body["action"],
        principal.role,
        principal.subject,
        principal.agency,
        now,
        note=body.get("note"),
        params={k: body[k] for k in PARAMS if k in body},
    )
    expected = feedback.version
    workflow.apply(feedback, command, deadlines.calendar())
    feedback_store.save(feedback, expected)
    return views.officer_view(feedback, principal, feedback_store.history(feedback.id), now)


def answer(feedback_id: str, principal: Principal, body: dict, now: datetime) -> dict:
    """The answer shortcut: `act` with the action "answer"."""
    return act(feedback_id, principal, {**body, "action": "answer"}, now)
