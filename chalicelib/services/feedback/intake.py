"""Feedback and petitions (PAKN): one intake for every channel (web/API, Zalo chat, Open311),
the sender's and the public's reads, and the sender's rating of the answer.

Intake from another channel (e.g. the Zalo chat webhook) calls `submit` directly:

    feedback.submit(
        {"content": "...", "category": "moi_truong", "title": None, "agency": None,
         "procedure_code": None, "dossier_code": None, "public": False,
         "sender": {"full_name": "...", "phone": "09...", "email": None, "zalo_user_id": "..."},
         "location": {"address": "...", "lat": 21.18, "long": 106.07},
         "attachments": [{"url": "https://..."}]},
        principal=None, now=clock.now(), channel="zalo",
    ) -> {"id", "status", "status_label", "received_at", "forward_by", "agency"}

Only `content` and `category` are required (see domain/feedback.py `Category`); the agency
defaults to the procedure's, else to the province's service centre, which classifies and
forwards. Raises ValidationFailed (400) with every problem listed.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime

from chalicelib.domain import feedback as feedback_domain
from chalicelib.domain.dossier import normalize_phone
from chalicelib.domain.errors import FieldError, NotFound, ServiceUnavailable, ValidationFailed
from chalicelib.domain.feedback import Feedback
from chalicelib.domain.principal import Principal
from chalicelib.persistence import feedback_store, store
from chalicelib.services.catalog import reads as catalog_service
from chalicelib.services.dossiers import deadlines
from chalicelib.services.feedback import uploads as feedback_uploads
from chalicelib.services.feedback import views
from chalicelib.services.shared import idempotency, paging, throttle, uploads

DEFAULT_AGENCY = "trung-tam-phuc-vu-hanh-chinh-cong"
CHANNELS = ("web", "zalo", "open311", "national_portal")
ID_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
NOT_FOUND_MESSAGE = "Không tìm thấy phản ánh, kiến nghị với mã và số điện thoại đã nhập."
ID_ATTEMPTS = 5


def new_id(now: datetime) -> str:
    """`PAKN-<YYMMDD>-<5 characters>`: short enough to read out on the phone."""
    return f"PAKN-{now:%y%m%d}-" + "".join(secrets.choice(ID_ALPHABET) for _ in range(5))


def submit(
    body: dict,
    principal: Principal | None,
    now: datetime,
    channel: str = "web",
    claim: idempotency.Claim | None = None,
    also: Callable[[store.Transaction, str], None] | None = None,
) -> dict:
    """Log a feedback from any channel; the `feedback.received` event goes out right after.
    `also(tx, feedback_id)` adds an item to its transaction (a conditional one that fails
    makes the whole intake fail with 409: retried, it finds what the winner wrote)."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    intake = _intake(body, principal, channel)
    items = body.get("attachments") or []
    checked = feedback_uploads.check([a for a in items if a.get("upload_id")], principal)
    with uploads.copies_of_this_attempt(now) as attempt:
        uploads.move_out_of_quarantine(checked, attempt)
        intake["attachments"] = [c.attachment for c in checked] + [
            {"url": a["url"]} for a in items if a.get("url")
        ]
        response = _save(intake, now, claim, checked, also, attempt.committed())
    return response


def _save(
    intake: dict,
    now: datetime,
    claim: idempotency.Claim | None,
    checked: list,
    also: Callable[[store.Transaction, str], None] | None,
    marks: list[store.Staged],
) -> dict:
    """Commit the feedback under a new id (another one on the rare id taken) with the `marks`
    of the attempt that copied its files; its answer."""
    calendar = deadlines.calendar()
    for _ in range(ID_ATTEMPTS):
        feedback = feedback_domain.receive(new_id(now), intake, now, calendar)
        response = views.created(feedback)
        try:
            feedback_store.save(
                feedback,
                None,
                also=_completing(claim, response, checked, feedback.id, also) + marks,
            )
        except feedback_store.DuplicateId:
            continue
        return response
    raise ServiceUnavailable()


def submit_public(
    body: dict,
    principal: Principal | None,
    now: datetime,
    claim: idempotency.Claim | None,
    client_address: str | None,
) -> dict:
    """A feedback sent on the portal: like a dossier, it first takes one from the sender's
    budget (per citizen when signed in, else per address and per phone; docs/security.md),
    given back when no feedback comes of it."""
    phone = (body.get("sender") or {}).get("phone")
    citizen = principal.subject if principal and principal.is_citizen else None
    attempt = throttle.take_submission(
        citizen, normalize_phone(phone) if phone else None, client_address, kind="feedback"
    )
    try:
        return submit(body, principal, now, "web", claim)
    except Exception:
        attempt.give_back_on_failure()
        raise


def _completing(
    claim: idempotency.Claim | None, response: dict, checked: list, feedback_id: str, extra=None
) -> list:
    """What else commits with a new feedback: its uploads marked used, the idempotency answer
    and the caller's `extra` item."""
    staged = uploads.mark_used(checked, feedback_id) + idempotency.completion(claim, response)
    if extra is not None:
        staged.append(lambda tx: extra(tx, feedback_id))
    return staged


def _intake(body: dict, principal: Principal | None, channel: str) -> dict:
    catalog = catalog_service.get_catalog()
    problems: list[FieldError] = []
    agency = catalog.agency(body["agency"]).id if catalog.agency(body.get("agency")) else None
    if body.get("agency") and agency is None:
        problems.append(FieldError("agency", "Không có cơ quan này"))
    code = body.get("procedure_code")
    procedure = catalog.procedure(code) if code else None
    if code and procedure is None:
        problems.append(FieldError("procedure_code", "Không có thủ tục này"))
    if problems:
        raise ValidationFailed("Phản ánh, kiến nghị chưa hợp lệ.", problems)
    if not agency:
        offerings = catalog.offerings(procedure.code) if procedure else ()
        agency = offerings[0].agency.id if len(offerings) == 1 else DEFAULT_AGENCY
    return {
        **body,
        "agency": agency,
        "channel": channel,
        "owner": principal.subject if principal and principal.is_citizen else None,
    }


def _authorized(
    feedback_id: str, principal: Principal | None, phone: str | None, client_ip: str | None
) -> tuple[Feedback | None, bool]:
    """(feedback, is the caller its sender). A phone is one guess (throttle.guess, as a dossier
    lookup's): a wrong one is counted in the call that finds it wrong, a right one costs
    nothing; feedback stored without its phone's digest is compared here and counted then."""
    feedback = feedback_store.get(feedback_id)
    if feedback is not None and principal is not None and feedback.is_owned_by(principal.subject):
        return feedback, True
    if not phone:
        return feedback, False
    wrong = feedback_store.stage_wrong_phone(feedback_id, phone)
    if not throttle.guess("feedback", feedback_id, wrong, client_ip):
        return feedback, False
    stored = feedback.sender.get("phone") if feedback is not None else None
    if stored and normalize_phone(stored) == normalize_phone(phone):
        return feedback, True
    throttle.take("feedback", feedback_id, client_ip)
    return feedback, False


def read(
    feedback_id: str, principal: Principal | None, phone: str | None, client_ip: str | None
) -> dict:
    """The sender sees everything of their own; anyone else a published answer, or a 404."""
    feedback, sender = _authorized(feedback_id, principal, phone, client_ip)
    if feedback is not None and sender:
        return views.sender_view(feedback, feedback_store.history(feedback_id))
    if feedback is not None and feedback.is_public:
        return views.public_view(feedback)
    raise NotFound(NOT_FOUND_MESSAGE)


def public_answers(params: dict) -> dict:
    """Published answers, newest first (the `published` index), without personal data."""
    category = params.get("category")
    scope = f"public:{category}"
    items, last = feedback_store.published_page(
        category,
        params.get("page_size", paging.DEFAULT_PAGE_SIZE),
        paging.decode(params.get("page_token"), scope),
    )
    return {
        "items": [views.public_view(f) for f in items],
        "next_page_token": paging.scoped(last, scope),
    }


def mine(principal: Principal, params: dict) -> dict:
    scope = f"my-feedback:{principal.subject}"
    items, last = feedback_store.owner_page(
        principal.subject,
        params.get("page_size", paging.DEFAULT_PAGE_SIZE),
        paging.decode(params.get("page_token"), scope),
    )
    return {
        "items": [views.own_summary(f) for f in items],
        "next_page_token": paging.scoped(last, scope),
    }


def rate(
    feedback_id: str, principal: Principal | None, body: dict, client_ip: str | None, now: datetime
) -> dict:
    """The sender's "satisfied / not satisfied" with the answer, once."""
    feedback, sender = _authorized(feedback_id, principal, body.get("phone"), client_ip)
    if feedback is None or not sender:
        raise NotFound(NOT_FOUND_MESSAGE)
    expected = feedback.version
    feedback_domain.rate(feedback, body["satisfied"], now, body.get("comment"))
    feedback_store.save(feedback, expected)
    return views.sender_view(feedback, feedback_store.history(feedback_id))
