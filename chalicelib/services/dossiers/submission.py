"""Submitting a dossier online (level 3/4): validate everything at once, check the uploads,
assign a gap-free dossier code and commit dossier + history + event + idempotency answer in one
DynamoDB transaction, then relay the event.

The dossier code's daily number comes from a per-agency counter that is advanced inside the same
transaction as the dossier itself (conditioned on the value just read), so a number is used if
and only if its dossier exists: no gaps, no duplicates, never reused. Concurrent submissions to
one agency retry on the counter condition: one agency takes numbers one at a time, a few dozen a
second (measured in bench/numbering.py, see docs/performance.md), far above a day's 9,999. The
day's last number is a planned outcome: after 9,999 the agency answers 503 DAILY_LIMIT_REACHED
until midnight, never a 500."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from chalicelib.domain import dossier as dossier_domain
from chalicelib.domain.calendar import seconds_to_midnight
from chalicelib.domain.catalog import Offering, Procedure
from chalicelib.domain.errors import (
    Conflict,
    DailyLimitReached,
    FieldError,
    ServiceUnavailable,
    ValidationFailed,
    refusal,
)
from chalicelib.domain.principal import Principal
from chalicelib.persistence import counter_store, dossier_store, store
from chalicelib.services.catalog import reads as catalog_service
from chalicelib.services.documents import wallet
from chalicelib.services.dossiers import deadlines, receipts
from chalicelib.services.shared import idempotency, throttle, uploads
from chalicelib.validation import errors_for

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 25


@dataclass(frozen=True)
class Also:
    """One more item for the dossier's transaction (its label names it when it fails)."""

    label: str
    stage: Callable[[store.Transaction, str], None]  # (tx, the new dossier's code)


class AlsoRefused(Exception):
    """The condition of the `Also` item failed (e.g. its reference was used meanwhile)."""


def submit(
    body: dict,
    principal: Principal | None,
    claim: idempotency.Claim | None,
    now: datetime,
    client_address: str | None = None,
) -> dict:
    """A citizen's submission. A valid one takes one from the submitter's budget
    (throttle.submission_budget: per citizen when signed in, else per address and per phone)
    inside the transaction that creates the dossier: 429 RATE_LIMITED when spent, and a
    submission that creates nothing counts nothing."""
    procedure = uploads.online_procedure(body["procedure_code"])
    checked = check(body, procedure, principal)
    citizen = principal.subject if principal and principal.is_citizen else None
    phone = dossier_domain.normalize_phone(body["applicant"]["phone"])
    budget = throttle.submission_budget(citizen, phone, client_address)
    return create(body, procedure, principal, claim, checked, now, budget=budget)


def check(
    body: dict,
    procedure: Procedure,
    principal: Principal | None,
    problems: list[FieldError] | None = None,
) -> list[uploads.CheckedUpload]:
    """Everything wrong with a submission at once (after `problems` found before), or its
    checked uploads. The receiving agency must perform the procedure (see `offering_for`)."""
    problems = [
        *(problems or []),
        *_agency_problems(body, procedure),
        *_form_problems(body, procedure),
    ]
    checked = uploads.check(body["attachments"], procedure, principal, problems)
    wallet.check_reused(body["attachments"], procedure, principal, problems)
    problems += unknown_components(body, procedure) + missing_components(body, procedure)
    if problems:
        raise refusal("Hồ sơ chưa hợp lệ; vui lòng sửa các mục được nêu.", problems)
    return checked


def create(
    body: dict,
    procedure: Procedure,
    principal: Principal | None,
    claim: idempotency.Claim | None,
    checked: list[uploads.CheckedUpload],
    now: datetime,
    channel: str = "online",
    extra: dict | None = None,
    also: Also | None = None,
    assisted_by: str | None = None,
    more_response: dict | None = None,
    budget: throttle.Budget | None = None,
) -> dict:
    """Commit a checked submission received on `channel`; the answer is the citizen's receipt
    (with `more_response`). `assisted_by`: the officer who helped the citizen file it; `budget`:
    the submitter's, taken in the same transaction."""
    offering = catalog_service.offering_for(procedure, body.get("agency"))
    calendar = deadlines.calendar(offering.agency.id)
    reused: list[dict] = []  # copies of wallet documents, made with the uploads' below

    def build(code: str) -> dossier_domain.Dossier:
        dossier = dossier_domain.submit(
            code,
            snapshot(offering),
            body["applicant"],
            principal.subject if principal and principal.is_citizen else None,
            body["form"],
            [c.attachment for c in checked] + reused,
            body["result_delivery"],
            body["notify"],
            now,
            calendar.acknowledge_by(now),
            offering.fee_for("online"),
            channel,
            assisted_by,
        )
        dossier.extra.update(extra or {})
        if principal and principal.is_citizen and principal.name:
            dossier.extra[dossier_domain.VERIFIED_NAME] = principal.name
        return dossier

    def respond(dossier: dossier_domain.Dossier, offering: Offering) -> dict:
        start = calendar.start_of_clock(now)
        due = deadlines.due_from(start, offering.processing_time, offering.agency.id)
        return {**receipts.created_response(dossier, due), **(more_response or {})}

    with uploads.copies_of_this_attempt(now) as attempt:
        uploads.move_out_of_quarantine(checked, attempt)
        # Documents reused from the citizen's wallet (checked above; looked up again to copy).
        chosen = wallet.check_reused(body["attachments"], procedure, principal, [])
        reused += wallet.copy_reused(chosen, attempt)
        committed = commit(offering, claim, checked, now, build, respond, also, budget, attempt)
    return committed.response


def _agency_problems(body: dict, procedure: Procedure) -> list[FieldError]:
    try:
        catalog_service.offering_for(procedure, body.get("agency"))
    except ValidationFailed as exc:
        return exc.details
    return []


def _form_problems(body: dict, procedure: Procedure) -> list[FieldError]:
    problems = errors_for(
        body["form"], schema_obj=catalog_service.get_form(procedure.code), prefix="form"
    )
    if body["result_delivery"] not in procedure.data.get("delivery_options", []):
        problems.append(
            FieldError("result_delivery", "Thủ tục không trả kết quả theo hình thức này")
        )
    if "email" in body["notify"] and not body["applicant"].get("email"):
        problems.append(FieldError("applicant.email", "Cần email để nhận thông báo qua email"))
    return problems


def unknown_components(body: dict, procedure: Procedure) -> list[FieldError]:
    known = {c.code for c in procedure.components}
    return [
        FieldError(f"attachments[{i}].component_code", "Thủ tục không có thành phần này")
        for i, a in enumerate(body["attachments"])
        if a["component_code"] not in known
    ]


def missing_components(body: dict, procedure: Procedure) -> list[FieldError]:
    given = {a["component_code"] for a in body["attachments"]}
    return [
        FieldError(f"attachments.{c.code}", f"Thiếu thành phần bắt buộc: {c.name}")
        for c in procedure.components
        if c.needs_file and c.code not in given
    ]


def snapshot(offering: Offering) -> dict:
    """What the dossier keeps of its procedure as its receiving agency performs it, so later
    catalog edits never change it."""
    procedure, agency = offering.procedure, offering.agency
    data = procedure.data
    return {
        "code": procedure.code,
        "version": procedure.version,
        "name": procedure.name,
        "agency_id": agency.id,
        "agency_name": agency.name,
        "agency_id_code": agency.id_code,
        "level": procedure.level,
        "online_mode": procedure.online_mode,
        "processing_time": dict(offering.processing_time),
        "fees": [dict(f) for f in offering.fees],
        "result": dict(data.get("result", {})),
        "components": [dict(c) for c in data.get("components", [])],
        **(
            {"internal_process": [dict(s) for s in data["internal_process"]]}
            if data.get("internal_process")
            else {}
        ),
    }


class Committed:
    def __init__(self, dossier, response):
        self.dossier, self.response = dossier, response


def commit(
    offering: Offering,
    claim: idempotency.Claim | None,
    checked: list[uploads.CheckedUpload],
    now: datetime,
    build: Callable[[str], dossier_domain.Dossier],
    respond: Callable[[dossier_domain.Dossier, Offering], dict],
    also: Also | None = None,
    budget: throttle.Budget | None = None,
    copies: uploads.Attempt | None = None,
) -> Committed:
    """Number the dossier `build(code)` makes with the receiving agency's next daily number and
    commit it with its uploads, idempotency answer `respond(...)`, `also`, one from the
    submitter's `budget` (429 when spent) and the mark of the attempt that made its file `copies`,
    retrying lost races."""
    agency = offering.agency
    for attempt in range(MAX_ATTEMPTS):
        last = counter_store.last_number(agency.id_code, now)
        if last >= dossier_domain.MAX_DAILY_NUMBER:
            most = f"{dossier_domain.MAX_DAILY_NUMBER:,}".replace(",", ".")
            error = DailyLimitReached(
                f"Cơ quan {agency.name} đã tiếp nhận đủ {most} hồ sơ trong ngày hôm nay. "
                "Vui lòng nộp lại từ 0 giờ ngày mai."
            )
            error.headers = {"Retry-After": str(seconds_to_midnight(now))}
            raise error
        code = dossier_domain.dossier_code(agency.id_code, now, last + 1)
        dossier = build(code)
        response = respond(dossier, offering)
        staged = uploads.mark_used(checked, code) + idempotency.completion(claim, response)
        staged += copies.committed() if copies is not None else []
        if also is not None:
            staged.append(_labelled(also, code))
        if budget is not None:
            staged += budget.stage()
        try:
            dossier_store.create(
                dossier, counter_store.take_number(agency.id_code, now, last), staged
            )
            return Committed(dossier, response)
        except store.Cancelled as exc:
            refused = budget.refusal(exc.failed) if budget is not None else None
            if refused is not None:
                raise refused from exc
            _raise_unless_contention(exc)
            time.sleep(random.uniform(0.005, 0.03) * (attempt + 1))  # noqa: S311 - jitter
    raise ServiceUnavailable("Hệ thống đang nhận nhiều hồ sơ cùng lúc. Vui lòng gửi lại.")


def _labelled(also: Also, code: str) -> store.Staged:
    def staged(tx: store.Transaction) -> None:
        with tx.labelled(also.label):
            also.stage(tx, code)

    return staged


def _raise_unless_contention(exc: store.Cancelled) -> None:
    """Return (to retry) when the day's number, the new dossier's key or its procedure snapshot
    lost a race; else explain."""
    if "upload" in exc.failed:
        raise ValidationFailed(
            "Một tệp đính kèm vừa được dùng cho hồ sơ khác.",
            [FieldError("attachments", "Tệp đã được sử dụng")],
        )
    if exc.failed - {"counter", "dossier", "snapshot", "upload", "idempotency"}:
        raise AlsoRefused(", ".join(sorted(exc.failed)))
    if "idempotency" in exc.failed:
        raise Conflict("Yêu cầu với Idempotency-Key này đã được xử lý bởi một lần gửi khác.")
    if exc.failed <= {"counter", "dossier", "snapshot"}:
        return
    raise exc
