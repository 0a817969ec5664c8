"""Submitting a dossier online (level 3/4): validate everything at once, check the uploads,
assign a gap-free dossier code and commit dossier + history + event + idempotency answer in one
DynamoDB transaction, then relay the event.

The dossier code's daily number comes from a per-agency counter that is advanced inside the same
transaction as the dossier itself (conditioned on the value just read), so a number is used if
and only if its dossier exists: no gaps, no duplicates. Concurrent submissions to one agency
retry on the counter condition; at a one-stop desk's volume that contention is short."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.config import get_settings
from chalicelib.domain import dossier as dossier_domain
from chalicelib.domain.catalog import Procedure
from chalicelib.domain.errors import Conflict, FieldError, ServiceUnavailable, ValidationFailed
from chalicelib.domain.principal import Principal
from chalicelib.persistence import dossier_store
from chalicelib.persistence.base import bind
from chalicelib.persistence.records import CounterRecord
from chalicelib.services.catalog import reads as catalog_service
from chalicelib.services.dossiers import deadlines, receipts
from chalicelib.services.shared import idempotency, outbox, uploads
from chalicelib.validation import errors_for

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 25


@dataclass(frozen=True)
class Also:
    """One more item for the dossier's transaction (its label names it when it fails)."""

    label: str
    stage: Callable[[TransactWrite, str], None]  # (tx, the new dossier's code)


class AlsoRefused(Exception):
    """The condition of the `Also` item failed (e.g. its reference was used meanwhile)."""


def submit(
    body: dict, principal: Principal | None, claim: idempotency.Claim | None, now: datetime
) -> dict:
    procedure = uploads.online_procedure(body["procedure_code"])
    checked = check(body, procedure, principal)
    return create(body, procedure, principal, claim, checked, now)


def check(
    body: dict,
    procedure: Procedure,
    principal: Principal | None,
    problems: list[FieldError] | None = None,
) -> list[uploads.CheckedUpload]:
    """Everything wrong with a submission at once (after `problems` found before), or its
    checked uploads."""
    problems = [*(problems or []), *_form_problems(body, procedure)]
    checked = uploads.check(body["attachments"], procedure, principal, problems)
    problems += _component_problems(body, procedure)
    if problems:
        raise ValidationFailed("Hồ sơ chưa hợp lệ; vui lòng sửa các mục được nêu.", problems)
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
) -> dict:
    """Commit a checked submission received on `channel`; the answer is the citizen's receipt."""
    uploads.move_out_of_quarantine(checked)
    dossier = _commit(body, procedure, principal, claim, checked, now, channel, extra, also)
    outbox.publish(dossier.events)
    return dossier.response


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


def _component_problems(body: dict, procedure: Procedure) -> list[FieldError]:
    given = {a["component_code"] for a in body["attachments"]}
    known = {c.code for c in procedure.components}
    problems = [
        FieldError(f"attachments[{i}].component_code", "Thủ tục không có thành phần này")
        for i, a in enumerate(body["attachments"])
        if a["component_code"] not in known
    ]
    problems += [
        FieldError(f"attachments.{c.code}", f"Thiếu thành phần bắt buộc: {c.name}")
        for c in procedure.components
        if c.needs_file and c.code not in given
    ]
    return problems


def snapshot(procedure: Procedure, agency) -> dict:
    """What the dossier keeps of its procedure, so later catalog edits never change it."""
    data = procedure.data
    return {
        "code": procedure.code,
        "version": procedure.version,
        "name": procedure.name,
        "agency_id": procedure.agency_id,
        "agency_name": agency.name,
        "agency_id_code": agency.id_code,
        "level": procedure.level,
        "online_mode": procedure.online_mode,
        "processing_time": dict(data["processing_time"]),
        "fees": list(data.get("fees", [])),
        "result": dict(data.get("result", {})),
        "components": [dict(c) for c in data.get("components", [])],
    }


class _Committed:
    def __init__(self, dossier, events, response):
        self.dossier, self.events, self.response = dossier, events, response


def _counter_model() -> type[CounterRecord]:
    return bind(CounterRecord, get_settings().table_counters)


def _commit(body, procedure, principal, claim, checked, now, channel, extra, also) -> _Committed:
    agency = catalog_service.get_catalog().agency(procedure.agency_id)
    counter = _counter_model()
    key = f"SEQ#{agency.id_code}#{now:%y%m%d}"
    calendar = deadlines.calendar()
    for attempt in range(MAX_ATTEMPTS):
        last = _current(counter, key)
        code = dossier_domain.dossier_code(agency.id_code, now, last + 1)
        dossier = dossier_domain.submit(
            code,
            snapshot(procedure, agency),
            body["applicant"],
            principal.subject if principal and principal.is_citizen else None,
            body["form"],
            [c.attachment for c in checked],
            body["result_delivery"],
            body["notify"],
            now,
            calendar.acknowledge_by(now),
            procedure.fee_for("online"),
            channel,
        )
        dossier.extra.update(extra or {})
        events = list(dossier.pending_events)
        response = receipts.created_response(
            dossier, deadlines.due_from(calendar.start_of_clock(now), procedure.processing_time)
        )
        labels = _labels(dossier, checked, claim, also)
        try:
            _transact(counter, key, last, dossier, checked, claim, response, also)
            return _Committed(dossier, events, response)
        except TransactWriteError as exc:
            _raise_unless_contention(exc, labels)
            time.sleep(random.uniform(0.005, 0.03) * (attempt + 1))  # noqa: S311 - jitter
    raise ServiceUnavailable("Hệ thống đang nhận nhiều hồ sơ cùng lúc. Vui lòng gửi lại.")


def _current(counter, key: str) -> int:
    try:
        return int(counter.get(key, "SEQ", consistent_read=True).n)
    except counter.DoesNotExist:
        return 0


def _transact(counter, key, last, dossier, checked, claim, response, also) -> None:
    with dossier_store.transaction() as tx:
        condition = counter.PK.does_not_exist() if last == 0 else counter.n == last
        tx.update(counter(key, "SEQ"), actions=[counter.n.set(last + 1)], condition=condition)
        dossier_store.stage_changes(tx, dossier, None)
        uploads.mark_used(tx, checked, dossier.code)
        if claim is not None:
            record, actions, claim_condition = idempotency.completion(claim, response)
            tx.update(record, actions=actions, condition=claim_condition)
        if also is not None:
            also.stage(tx, dossier.code)


def _labels(dossier, checked, claim, also) -> list[str]:
    """What each item of the transaction is, in the order PynamoDB sends them: every put
    (dossier, history, outbox, the `Also` item, a put), then every update (counter, the
    national sync mark, uploads, idempotency)."""
    return (
        ["dossier"]
        + ["history"] * len(dossier.pending_history)
        + ["outbox"] * len(dossier.pending_events)
        + ([also.label] if also is not None else [])
        + ["counter", "national_sync"]
        + ["upload"] * len(checked)
        + (["idempotency"] if claim is not None else [])
    )


def _raise_unless_contention(exc: TransactWriteError, labels: list[str]) -> None:
    """Return (to retry) when the counter or the new dossier key lost a race; else explain."""
    reasons = [r.code if r else None for r in exc.cancellation_reasons]
    failed = {
        labels[i]
        for i, code in enumerate(reasons)
        if code == "ConditionalCheckFailed" and i < len(labels)
    }
    if "upload" in failed:
        raise ValidationFailed(
            "Một tệp đính kèm vừa được dùng cho hồ sơ khác.",
            [FieldError("attachments", "Tệp đã được sử dụng")],
        )
    if failed - {"counter", "dossier", "upload", "idempotency"}:
        raise AlsoRefused(", ".join(sorted(failed)))
    if "idempotency" in failed:
        raise Conflict("Yêu cầu với Idempotency-Key này đã được xử lý bởi một lần gửi khác.")
    if failed <= {"counter", "dossier"} and (failed or "TransactionConflict" in reasons):
        return
    raise exc
