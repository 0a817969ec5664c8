"""The statistics facts of a dossier rebuilt from what the dossier itself keeps (its history
entries, payments, returned result, deadline flag and rating), for the recompute command.

Every workflow step writes a history entry and its event in one transaction with the same
instant, so a fact rebuilt here matches the fact the consumer took from the event on
(type, instant): a repair adds to a projection only the rebuilt facts it lacks, and never
counts a step twice. Two facts are only
approximated: an `overdue` flag is known from the dossier's last flag (at its due instant, the
moment the gauge uses), and only while it is for the current due date.
"""

from __future__ import annotations

from chalicelib.domain.dossier import Dossier

ACTIONS = {
    "submit": "submitted",
    "accept": "accepted",
    "reject": "rejected",
    "request_supplement": "supplement_requested",
    "resubmit": "resubmitted",
    "transfer": "transferred",
    "request_payment": "payment_requested",
    "confirm_payment": "paid",
    "record_payment": "paid",
    "approve": "approved",
    "refuse": "refused",
    "extend": "extended",
    "stop": "stopped",
    "return_result": "returned",
    "withdraw": "withdrawn",
    "download_result": "result_downloaded",
}


def facts(dossier: Dossier, history: list[dict], rating: dict | None = None) -> list[dict]:
    procedure = dossier.procedure["code"]
    payments = dossier.extra.get("payments", [])
    out = []
    for entry in history:
        kind = ACTIONS.get(entry["action"])
        if kind is None:
            continue
        fact = {
            "id": f"history-{entry['seq']}",
            "t": kind,
            "at": entry["at"],
            "procedure_code": procedure,
        }
        if entry.get("agency_id"):
            fact["agency_id"] = entry["agency_id"]
        fact.update(_details(kind, entry, dossier, payments))
        out.append(fact)
    flag = dossier.deadline_flag or ""
    level, _, due = flag.partition("@")
    if level == "overdue" and dossier.due_at and due == dossier.due_at.isoformat():
        out.append(
            {
                "id": "deadline-flag",
                "t": "overdue",
                "at": due,
                "due_at": due,
                "status": "in_progress",
                "procedure_code": procedure,
            }
        )
    if rating:
        out.append(
            {
                "id": "rating",
                "t": "rated",
                "at": rating["rated_at"],
                "procedure_code": procedure,
                **{k: rating[k] for k in ("overall", "convenience", "timeliness", "attitude")},
            }
        )
    return out


def _details(kind: str, entry: dict, dossier: Dossier, payments: list[dict]) -> dict:
    data = entry.get("data") or {}
    if kind == "submitted":
        return {
            "channel": dossier.channel,
            "reused": sum(1 for a in dossier.attachments if a.get("reused")),
        }
    if kind == "resubmitted":
        return {"phase": "intake" if entry.get("status_to") == "submitted" else "appraisal"}
    if kind == "transferred":
        return {"from_agency": data.get("from")}
    if kind in ("approved", "refused"):
        signed = bool((dossier.extra.get("result_document") or {}).get("document_id"))
        return {"timeliness": entry.get("outcome"), "e_result": signed}
    if kind == "paid":
        paid = [p for p in payments if p.get("at") == entry["at"]]
        if not paid:
            return {"channel": "counter"}
        return {"channel": paid[0].get("channel", "counter"), "provider": paid[0].get("provider")}
    if kind == "returned":
        collected = sum(
            int(p.get("amount") or 0)
            for p in payments
            if p.get("at") == entry["at"] and p.get("channel") == "counter"
        )
        return {"via": dossier.extra.get("returned_via"), "fee_collected": collected}
    return {}
