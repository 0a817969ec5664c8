"""Citizen-side reads and changes of a dossier: lookup by code and phone (throttled), the signed-in
citizen's own dossiers, withdrawal, and the printable receipt.

Every way in by code and phone (status, withdrawal, payment, rating, result, supplement, the
Zalo chat) goes through `authorized`: the signed-in owner with one read; anyone else with one
guess transaction (throttle.guess) and, when the phone may be right, one read. So an
anonymous lookup is two DynamoDB calls, a signed-in one is one."""

from __future__ import annotations

import hmac
from datetime import datetime

from chalicelib.documents.pdf import Document
from chalicelib.domain import workflow
from chalicelib.domain.dossier import Dossier, DossierSummary
from chalicelib.domain.errors import NotFound
from chalicelib.domain.principal import Principal
from chalicelib.persistence import dossier_store
from chalicelib.services.dossiers import deadlines, forms, receipts
from chalicelib.services.shared import paging, throttle

NOT_FOUND_MESSAGE = "Không tìm thấy hồ sơ với mã và số điện thoại đã nhập. Vui lòng kiểm tra lại."


def authorized(
    code: str, principal: Principal | None, phone: str | None, client_ip: str | None
) -> Dossier:
    """The dossier if the caller owns it or knows its phone; the same 404 in every other case."""
    return _authorized(code, principal, phone, client_ip, dossier_store.get)


def _authorized(code, principal, phone, client_ip, load):
    """The signed-in owner gets in with one read. A phone is one guess (throttle.guess): a
    wrong phone or an unknown code is counted in the same call that finds it wrong; a phone
    that may be right costs nothing and is compared once its dossier is loaded (a dossier
    stored without its phone's digest is counted then, if the phone is wrong)."""
    found = load(code) if principal is not None else None
    if principal is not None and _owned(found, principal):
        return found
    if not phone:
        raise NotFound(NOT_FOUND_MESSAGE)
    if not throttle.guess("lookup", code, dossier_store.stage_wrong_phone(code, phone), client_ip):
        raise NotFound(NOT_FOUND_MESSAGE)
    if principal is None:
        found = load(code)
    dossier = _dossier(found)
    if dossier is None or not dossier.matches_phone(phone):
        throttle.take("lookup", code, client_ip)
        raise NotFound(NOT_FOUND_MESSAGE)
    return found


def _dossier(found) -> Dossier | None:
    """The dossier of what `load` returned (a dossier, or the view's (dossier, history))."""
    return found[0] if isinstance(found, tuple) else found


def _owned(found, principal: Principal) -> bool:
    dossier = _dossier(found)
    return dossier is not None and dossier.is_owned_by(principal.subject)


def lookup(
    code: str, principal: Principal | None, phone: str | None, client_ip: str | None
) -> dict:
    """The status view: one Query for the dossier and its history, after (anonymous) or
    before (signed in) the phone's guess, when a phone is needed."""
    dossier, history = _authorized(code, principal, phone, client_ip, dossier_store.view)
    return receipts.status_view(dossier, history)


def mine(principal: Principal, page_size: int, page_token: str | None) -> dict:
    scope = f"me:{principal.subject}"
    start = paging.decode(page_token, scope)
    items, last = dossier_store.owner_page(principal.subject, page_size, start)
    return {"items": [_summary(d) for d in items], "next_page_token": paging.scoped(last, scope)}


def _summary(dossier: DossierSummary) -> dict:
    return {
        "code": dossier.code,
        "status": dossier.status.value,
        "status_label": dossier.status.label,
        "national_status_code": dossier.status.national_code,
        "procedure": {"code": dossier.procedure_code, "name": dossier.procedure_name},
        "submitted_at": dossier.submitted_at.isoformat(),
        "due_at": dossier.due_at.isoformat() if dossier.due_at else None,
        "requested": dossier.requested,
    }


def withdraw(
    code: str, principal: Principal | None, body: dict, client_ip: str | None, now: datetime
) -> dict:
    dossier = authorized(code, principal, body.get("phone"), client_ip)
    expected = dossier.version
    workflow.apply(
        dossier,
        workflow.Command(
            "withdraw",
            "citizen",
            principal.subject if principal else None,
            None,
            now,
            note=body.get("reason"),
        ),
        deadlines.calendar(dossier.agency_id),
    )
    dossier_store.save(dossier, expected)
    return receipts.status_view(dossier, dossier_store.history(code))


def receipt(code: str, token: str | None) -> Document:
    """Form 01 of the dossier for whoever holds the receipt link's capability."""
    if not token or not hmac.compare_digest(token.encode(), receipts.receipt_token(code).encode()):
        raise NotFound("Không tìm thấy giấy tiếp nhận.")
    dossier = dossier_store.get(code)
    if dossier is None:
        raise NotFound("Không tìm thấy giấy tiếp nhận.")
    return forms.form_document(dossier, "01")
