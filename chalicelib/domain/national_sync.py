"""The record the province synchronises to the national public-service portal (DVCQG) at every
status change of a dossier: a pure function of the dossier and its history up to that change.

A dossier's history says when each status began (`status_from` -> `status_to`), so the record of
any past change can be rebuilt: the sync worker sends, in order, every change after the last one
the national side accepted. The national codes and keys are those of the national sync mapping;
dates are Vietnam local time written `yyyyMMddHHmmss`. The JSON Schema of the record is
schemas/data/national-sync-record.json.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from chalicelib.domain.calendar import VN_TZ
from chalicelib.domain.dossier import Dossier, Status

RECORD_SCHEMA = "data/national-sync-record.json"
KEYS = {
    1: "receiving",
    2: "new",
    3: "denied",
    4: "processing",
    5: "waiting",
    6: "paying",
    7: "cancelled",
    8: "unresolved",
    9: "releasing",
    10: "done",
}
# Inter-agency work (liên thông) in progress: the status stays 4, the key says so.
INTEROPERATING = "interoperating"
CONSULT_ACTIONS = frozenset({"request_consult", "answer_consult"})
# Sync states shown to officers (`national_sync.state`).
PENDING, SYNCED, FAILED = "pending", "synced", "failed"
STATE_LABELS = {PENDING: "Đang chờ đồng bộ", SYNCED: "Đã đồng bộ", FAILED: "Bị từ chối"}
# What an officer does about a refusal: the refused record is not sent again, the dossier's next
# status change is (README, "national portal").
FAILED_ADVICE = (
    "Trạng thái của hồ sơ trên Cổng Dịch vụ công quốc gia đang không đúng, và chỉ số đánh giá "
    "theo Quyết định 766 chưa tính lần thay đổi này. Đọc lý do từ chối ở trên, sửa thông tin "
    "sai của hồ sơ; nếu lý do là lỗi kết nối hoặc xác thực, báo quản trị hệ thống. Lần thay đổi "
    "trạng thái tiếp theo của hồ sơ sẽ được gửi lại Cổng quốc gia."
)
RESOLVING_ACTIONS = frozenset({"approve", "refuse"})
REFUSING_ACTIONS = frozenset({"reject", "refuse"})


def national_date(value: datetime | str | None) -> str | None:
    """`yyyyMMddHHmmss` in Vietnam time (the national format), or None."""
    if value is None:
        return None
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.astimezone(VN_TZ).strftime("%Y%m%d%H%M%S")


def code_of(status: str) -> int:
    return Status(status).national_code


def status_label(code: int | None) -> str | None:
    """The province's name of the status a national code stands for (one status per code)."""
    return next((s.label for s in Status if s.national_code == code), None)


def is_sync_point(entry: dict) -> bool:
    """A change the national portal is told of: a new status, or the start or end of waiting
    on another agency (which changes the national key, not the status)."""
    return entry.get("status_from") != entry["status_to"] or entry["action"] in CONSULT_ACTIONS


def status_changes(history: list[dict]) -> list[dict]:
    """The history entries the national portal is told of (the first one included), oldest
    first."""
    ordered = sorted(history, key=lambda e: int(e["seq"]))
    return [e for e in ordered if is_sync_point(e)]


def status_key(code: int, upto: list[dict]) -> str:
    """`interoperating` while a consult request is open (processing, code 4), else the code's."""
    waiting = sum(
        1 if e["action"] == "request_consult" else -1
        for e in upto
        if e["action"] in CONSULT_ACTIONS
    )
    return INTEROPERATING if code == 4 and waiting > 0 else KEYS[code]


def applicant_part(applicant: dict) -> dict:
    id_number = str(applicant.get("id_number", ""))
    return {
        "type": 2 if applicant.get("organisation") else 1,
        "id_type": 2 if len(id_number) == 9 else 1,
        "id_number": id_number,
        "full_name": applicant.get("full_name", ""),
        "phone": applicant.get("phone"),
        "email": applicant.get("email"),
        "address": applicant.get("address"),
    }


def _first(entries: list[dict], actions: frozenset[str] | set[str]) -> dict | None:
    return next((e for e in entries if e["action"] in actions), None)


def _last(entries: list[dict], predicate: Callable[[dict], bool]) -> dict | None:
    found = [e for e in entries if predicate(e)]
    return found[-1] if found else None


def dates(dossier: Dossier, upto: list[dict]) -> dict:
    """The national dates as they stood after the last entry of `upto`."""
    accepted = _first(upto, {"accept"})
    since_acceptance = upto[upto.index(accepted) :] if accepted else []
    appointment = _last(since_acceptance, lambda e: bool(e.get("step_due_at")))
    supplement = _last(upto, lambda e: e["action"] == "request_supplement")
    resolved = _first(upto, RESOLVING_ACTIONS)
    refused = _first(upto, REFUSING_ACTIONS)
    returned = _first(upto, {"return_result"})
    return {
        "submitted": national_date(
            dossier.extra.get("national_submitted_at") or dossier.submitted_at
        ),
        "received": national_date(accepted["at"]) if accepted else None,
        "appointment": national_date(appointment["step_due_at"]) if appointment else None,
        "supplement_requested": national_date(supplement["at"]) if supplement else None,
        "processing_ended": national_date(resolved["at"]) if resolved else None,
        "refused": national_date(refused["at"]) if refused else None,
        "returned": national_date(returned["at"]) if returned else None,
    }


def history_rows(upto: list[dict]) -> list[dict]:
    return [
        {
            "step": int(e["seq"]),
            "action": e["action"],
            "handler": e.get("actor_role", "system"),
            "agency_id": e.get("agency_id"),
            "started_at": national_date(e["at"]),
            "statutory_end": national_date(e.get("step_due_at")),
            "status_code": code_of(e["status_to"]),
        }
        for e in upto
    ]


def documents(dossier: Dossier, file_url: Callable[[dict], str]) -> list[dict]:
    return [
        {
            "component_code": a["component_code"],
            "filename": a.get("filename", ""),
            "file_url": file_url(a),
            "reused": bool(a.get("reused") or a.get("document_id")),
            "from_national_repository": bool(a.get("from_national_repository")),
        }
        for a in dossier.attachments
    ]


def payment(dossier: Dossier) -> dict:
    payments = dossier.extra.get("payments", [])
    channel = "online" if dossier.channel in ("online", "national_portal") else "counter"
    fees = [f for f in dossier.procedure.get("fees", []) if f.get("channel") in (channel, None)]
    return {
        "online": any(p.get("channel") == "online" for p in payments),
        "due": int(dossier.fee_due or 0),
        "paid": int(dossier.fee_paid or 0),
        "fees": [{"name": f.get("name", ""), "amount": int(f.get("amount", 0))} for f in fees],
    }


def build(
    dossier: Dossier,
    history: list[dict],
    change: dict,
    agency_id_code: str,
    file_url: Callable[[dict], str],
) -> dict[str, Any]:
    """The sync record of one status change (`change`, an entry of `history`)."""
    ordered = sorted(history, key=lambda e: int(e["seq"]))
    upto = [e for e in ordered if int(e["seq"]) <= int(change["seq"])]
    code = code_of(change["status_to"])
    procedure = dossier.procedure
    return {
        "dossier_code": dossier.code,
        "national_code": dossier.extra.get("national_code"),
        "version": int(change.get("version") or dossier.version),
        "step": int(change["seq"]),
        "procedure": {"code": procedure["code"], "name": procedure["name"]},
        "agency": {"id": dossier.agency_id, "id_code": agency_id_code},
        "summary": procedure["name"][:500],
        "channel": dossier.channel,
        "applicant": applicant_part(dossier.applicant),
        "status": {"code": code, "key": status_key(code, upto)},
        "dates": dates(dossier, upto),
        "history": history_rows(upto),
        "documents": documents(dossier, file_url),
        "payment": payment(dossier),
    }


def pending_changes(history: list[dict], synced_step: int) -> list[dict]:
    """Status changes the national side has not accepted yet, oldest first."""
    return [e for e in status_changes(history) if int(e["seq"]) > synced_step]
