"""Statistics as a projection of domain events (Circular 01/2018 art. 11; Decision 766/QĐ-TTg).

Every dossier and every feedback is a *subject*. What a subject contributes to the counters is
a pure function of the SET of its events (`stats_projection.contributions`), never of the order
they arrived in. The consumer keeps, per subject, the compact facts it has absorbed and the
contributions it has applied; a new event changes the facts and only the difference is written
(`diff`). Hence a redelivered event changes nothing (its id is already a fact), events that
arrive out of order converge to the same counters (a withdrawal seen before the acceptance it
followed nets out once the acceptance arrives), and late information moves numbers where they
belong (a late `dossier.submitted` names the receiving agency).

A contribution is keyed (scope, bucket, name): scope `AGENCY#<id>`, `PROC#<code>` or, for one
agency's performance of one procedure (the report filtered by both), `OFFER#<id>#<code>`; bucket a
Vietnam date `yyyy-mm-dd` or TOTAL, name a counter. Flows (received, resolved, ...) count on
the day of their event. "In progress" and "past deadline" are states: each is a gauge written
as +1 on the day a dossier enters it and -1 on the day it leaves (`d_<gauge>` on day buckets)
and as a running sum on TOTAL, so its value at the end of day X is
TOTAL - sum of d_<gauge> over the days after X. A dossier is attributed to the agency that
received it (the one-stop unit answers for it even while another agency handles it).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from chalicelib.domain.calendar import VN_TZ

TOTAL = "TOTAL"
CHANNELS = ("online", "counter", "post")
TIMELINESS = ("early", "on_time", "late")
RATING_LEVELS = ("rat_hai_long", "hai_long", "chua_hai_long")
RATING_CRITERIA = ("overall", "convenience", "timeliness", "attitude")
GAUGES = ("in_progress", "past_deadline")
SETS = ("procs_online", "procs_fee", "procs_paid_online")

_COMMON = ("agency_id", "procedure_code")
# What each counted event keeps (a whitelist: notes and reasons may hold personal data).
DOSSIER_FACTS: dict[str, tuple[str, ...]] = {
    "submitted": ("channel", "digitised", "reused"),
    "accepted": ("due_at",),
    "rejected": (),
    "supplement_requested": (),
    "resubmitted": ("phase",),
    "transferred": ("from_agency",),
    "payment_requested": (),
    "paid": ("channel", "provider"),
    "approved": ("timeliness", "e_result"),
    "refused": ("timeliness", "e_result"),
    "extended": (),
    "stopped": (),
    "returned": ("via", "fee_collected"),
    "withdrawn": (),
    "overdue": ("due_at", "status"),
    "rated": RATING_CRITERIA,
    "result_downloaded": (),
    # The national portal accepted (or refused for good) the record of one status change.
    "national_synced": ("on_time",),
    "national_sync_failed": (),
}
FEEDBACK_FACTS: dict[str, tuple[str, ...]] = {
    "received": (),
    "classified": ("classification", "due_at"),
    "forwarded": ("from", "external"),
    "answered": ("timeliness",),
    "rated": ("satisfied",),
}
EVENT_TYPES = frozenset(
    {f"dossier.{t}" for t in DOSSIER_FACTS} | {f"feedback.{t}" for t in FEEDBACK_FACTS}
)
Key = tuple[str, str, str]
Member = tuple[str, str, str, str]


def dossier_scopes(agency: str | None, procedure: str | None) -> list[str]:
    """Where a dossier counts: its receiving agency, its procedure, and the pair of both."""
    scopes = [f"AGENCY#{agency}"] if agency else []
    if procedure:
        scopes.append(f"PROC#{procedure}")
    if agency and procedure:
        scopes.append(f"OFFER#{agency}#{procedure}")
    return scopes


def subject_of(event: dict) -> str | None:
    kind, _, _ = event.get("type", "").partition(".")
    if event.get("type") not in EVENT_TYPES:
        return None
    if kind == "feedback":
        return f"FEEDBACK#{(event.get('data') or {}).get('feedback_id') or event['dossier_code']}"
    return f"DOSSIER#{event['dossier_code']}"


def fact(event: dict) -> dict | None:
    """The compact, personal-data-free part of an event that the counters depend on."""
    kind, _, name = event.get("type", "").partition(".")
    keep = (DOSSIER_FACTS if kind == "dossier" else FEEDBACK_FACTS).get(name)
    if keep is None or event.get("type") not in EVENT_TYPES:
        return None
    data = event.get("data") or {}
    found = {k: data[k] for k in (*_COMMON, *keep) if data.get(k) is not None}
    return {"id": str(event["id"]), "t": name, "at": str(event["at"]), **found}


def day(moment: str) -> str:
    """The Vietnam calendar date of an ISO 8601 instant."""
    return datetime.fromisoformat(moment).astimezone(VN_TZ).date().isoformat()


def instant(moment: str) -> datetime:
    return datetime.fromisoformat(moment)


class Builder:
    def __init__(self, scopes: list[str]):
        self.scopes = scopes
        self.counts: Counter[Key] = Counter()
        self.members: set[Member] = set()

    def add(self, name: str, at: str, n: int = 1, scopes: list[str] | None = None) -> None:
        for scope in scopes or self.scopes:
            self.counts[(scope, day(at), name)] += n

    def gauge(self, name: str, at: str, n: int) -> None:
        for scope in self.scopes:
            self.counts[(scope, day(at), f"d_{name}")] += n
            self.counts[(scope, TOTAL, name)] += n

    def member(self, name: str, at: str, value: str) -> None:
        for scope in self.scopes:
            self.members.add((scope, day(at), name, value))


def encode(key: Key | Member) -> str:
    return "|".join(key)


def diff(
    applied: dict[str, int], applied_members: set[str], counts: Counter[Key], members: set[Member]
) -> tuple[dict[tuple[str, str], dict[str, int]], dict[tuple[str, str], dict[str, set[str]]]]:
    """What to write so the stored counters go from `applied` to `counts`, grouped by item
    (scope, bucket). Set members are only ever added (a procedure that had an online dossier
    keeps having had one)."""
    increments: dict[tuple[str, str], dict[str, int]] = {}
    wanted = {encode(k): n for k, n in counts.items() if n}
    for name in set(wanted) | set(applied):
        delta = wanted.get(name, 0) - applied.get(name, 0)
        if delta:
            scope, bucket, counter = name.split("|")
            increments.setdefault((scope, bucket), {})[counter] = delta
    additions: dict[tuple[str, str], dict[str, set[str]]] = {}
    for member in members:
        if encode(member) not in applied_members:
            scope, bucket, name, value = member
            additions.setdefault((scope, bucket), {}).setdefault(name, set()).add(value)
    return increments, additions
