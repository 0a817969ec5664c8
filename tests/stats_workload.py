"""A random but reproducible mix of dossier lifecycles for the statistics tests, driven through
the real domain (dossier.submit, workflow.apply) on a simulated clock, so its events are exactly
what the portal emits. `save` decides where dossiers go: the real store (functional tests) or
nowhere (unit tests, which only need the events)."""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from chalicelib.domain import dossier as dossier_domain
from chalicelib.domain import workflow
from chalicelib.domain.calendar import VN_TZ
from chalicelib.domain.dossier import Dossier, Status
from chalicelib.domain.errors import DomainError
from chalicelib.domain.events import Event
from chalicelib.domain.stats import dossier_scopes

START = datetime(2025, 3, 3, 8, 0, tzinfo=VN_TZ)  # a Monday
CRITERIA = ("overall", "convenience", "timeliness", "attitude")
LEVELS = ("rat_hai_long", "hai_long", "chua_hai_long")
# Mostly the happy path, with every other turn now and then.
WEIGHTS = {"accept": 6, "approve": 3, "return_result": 4, "resubmit": 3, "confirm_payment": 3,
           "assign": 2, "reject": 0.4, "withdraw": 0.15, "stop": 0.2, "refuse": 0.6,
           "transfer": 0.6, "record_payment": 0.5, "extend": 0.8}  # fmt: skip


def in_memory_save(dossier: Dossier, expected: int | None) -> list[Event]:
    dossier.version = (expected or 0) + 1
    events = list(dossier.pending_events)
    dossier.pending_events.clear()
    dossier.pending_history.clear()
    return events


ONLINE_PAYMENT = {"channel": "online", "provider": "vnpay"}
COUNTER = {"channel": "counter"}


class Workload:
    def __init__(
        self,
        seed: int,
        procedures: list[dict],
        agencies: list[str],
        calendar,
        save: Callable[[Dossier, int | None], list[Event]] = in_memory_save,
        rate: Callable[[Dossier, Event], None] | None = None,
        load: Callable[[str], Dossier] | None = None,
    ):
        self.rng = random.Random(seed)
        self.procedures, self.agencies, self.calendar = procedures, agencies, calendar
        self.save, self.rate_hook, self.load = save, rate, load
        self.dossiers: dict[str, Dossier] = {}
        self.history: dict[str, list[dict]] = {}
        self.ratings: dict[str, dict] = {}
        self.events: list[dict] = []
        self.now = START
        self.prefix = uuid.uuid4().hex[:4].upper()

    def run(self, ticks: int, on_tick: Callable[[datetime], None] | None = None) -> None:
        for _ in range(ticks):
            self.now += timedelta(minutes=self.rng.randint(30, 6 * 60))
            if self.rng.random() < 0.35 or not self.dossiers:
                self.submit()
            for _ in range(self.rng.randint(1, 3)):
                self.act()
            if on_tick:
                on_tick(self.now)

    def submit(self) -> Dossier:
        procedure = self.rng.choice(self.procedures)
        code = dossier_domain.dossier_code(
            f"{procedure['agency_id_code']}{self.prefix}", self.now, len(self.dossiers) + 1
        )
        dossier = dossier_domain.submit(
            code,
            procedure,
            {"full_name": "Nguyễn Văn An", "phone": "0912345678", "id_number": "001234567890"},
            None,
            {},
            [],
            self.rng.choice(["online", "post", "counter"]),
            ["sms"],
            self.now,
            self.calendar.acknowledge_by(self.now),
            next((f["amount"] for f in procedure["fees"] if f["channel"] == "online"), 0),
        )
        channel = self.rng.choice(["online", "online", "online", "counter", "post"])
        dossier.channel = channel  # what a counter or postal intake would record
        dossier.pending_events[0].data["channel"] = channel
        dossier.pending_events[0].data["digitised"] = channel == "online" or bool(
            dossier.attachments
        )
        self.dossiers[code] = dossier
        self._save(dossier, None)
        return dossier

    def act(self) -> None:
        open_ = [d for d in self.dossiers.values() if d.status.is_open]
        if not open_:
            return
        dossier = self.rng.choice(open_)
        if self.load:  # the stored dossier may have moved on (e.g. a deadline flag)
            dossier = self.dossiers[dossier.code] = self.load(dossier.code)
        if dossier.status in (Status.RESULT_READY, Status.RETURNED) and self.rng.random() < 0.3:
            self.rate(dossier)
        choices = [
            (action, role)
            for action, t in workflow.TRANSITIONS.items()
            if dossier.status in t.sources
            for role in sorted(t.roles_for(dossier.status))
            if role != "admin"
        ]
        if not choices:
            return
        action, role = self.rng.choices(choices, [WEIGHTS.get(a, 1) for a, _ in choices])[0]
        params, note = self.params(dossier, action)
        command = workflow.Command(
            action, role, f"{role}-1", dossier.agency_id, self.now, note=note, params=params
        )
        expected = dossier.version
        try:
            workflow.apply(dossier, command, self.calendar)
        except DomainError:
            dossier.pending_events.clear()
            dossier.pending_history.clear()
            return
        self._save(dossier, expected)

    def _save(self, dossier: Dossier, expected: int | None) -> None:
        self.history.setdefault(dossier.code, []).extend(
            {"action": h.action, "at": h.at.isoformat()} for h in dossier.pending_history
        )
        self.events += [e.to_dict() for e in self.save(dossier, expected)]

    def params(self, dossier: Dossier, action: str) -> tuple[dict, str | None]:
        owed = max(dossier.fee_due - dossier.fee_paid, 0)
        amount = owed or self.rng.choice([20000, 50000])
        pay = {"amount": amount, "payment_id": uuid.uuid4().hex[:12]}
        others = [a for a in self.agencies if a != dossier.agency_id]
        builders = {
            "request_supplement": lambda: {"items": ["Bản sao giấy tờ"]},
            "assign": lambda: {"assignee": "specialist-1"},
            "transfer": lambda: {"agency": self.rng.choice(others)},
            "request_payment": lambda: {"amount": amount},
            # Online payments come through the gateway, a channel Decision 766 recognises.
            "confirm_payment": lambda: {**pay, **self.rng.choice([ONLINE_PAYMENT, COUNTER])},
            "record_payment": lambda: {**pay, **ONLINE_PAYMENT},
            "extend": lambda: {"new_due_at": self._later_working_day(dossier).isoformat()},
            "return_result": lambda: {
                "fee_collected": owed,
                "via": self.rng.choice(["online", "post", "counter"]),
            },
        }
        return builders.get(action, dict)(), "Ghi chú của cán bộ"

    def _later_working_day(self, dossier: Dossier) -> datetime:
        due = dossier.due_at or self.now
        day = (due + timedelta(days=3)).date()
        while not self.calendar.is_working_day(day):
            day += timedelta(days=1)
        return datetime(day.year, day.month, day.day, 16, 0, tzinfo=VN_TZ)

    def rate(self, dossier: Dossier) -> None:
        if dossier.code in self.ratings:
            return
        scores = {c: self.rng.choice(LEVELS) for c in CRITERIA}
        event = Event(
            "dossier.rated",
            dossier.code,
            self.now,
            {
                "status": dossier.status.value,
                "agency_id": dossier.agency_id,
                "procedure_code": dossier.procedure["code"],
                **scores,
            },
        )
        if self.rate_hook:
            self.rate_hook(dossier, event)
        self.ratings[dossier.code] = {**scores, "rated_at": self.now.isoformat()}
        self.events.append(event.to_dict())


# --- ground truth, straight from the dossiers (independent of chalicelib/domain/stats.py) ----


def day(moment) -> str:
    moment = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    return moment.astimezone(VN_TZ).date().isoformat()


def _first(moments: list) -> str | None:
    return min(moments, key=lambda m: datetime.fromisoformat(m)) if moments else None


def _flows(d: Dossier, history: list[dict], rating: dict | None) -> list[tuple[str, str]]:
    """(name, moment) of every flow the dossier counts for."""
    out = [(f"received_{d.channel}", d.submitted_at)]
    if d.channel == "online" or d.attachments:
        out.append(("digitised", d.submitted_at))
    if d.accepted_at:
        out.append(("accepted", d.accepted_at))
    if d.status is Status.REJECTED:
        out.append(("rejected", d.finished_at))
    if d.outcome in ("stopped", "withdrawn"):
        out.append((d.outcome, d.finished_at))
    if d.outcome in ("approved", "refused"):
        out.append((f"resolved_{d.extra['timeliness']}", d.finished_at))
    if d.outcome == "refused":
        out.append(("refused", d.finished_at))
    if d.extra.get("returned_at"):
        out.append(("returned", d.extra["returned_at"]))
    out += [
        ("supplement_requested", h["at"]) for h in history if h["action"] == "request_supplement"
    ]
    payments = d.extra.get("payments", [])
    requested = [h["at"] for h in history if h["action"] == "request_payment"]
    fee = _first(requested + [p["at"] for p in payments])
    online = _first([p["at"] for p in payments if p["channel"] == "online"])
    out += [(name, m) for name, m in (("with_fee", fee), ("paid_online", online)) if m]
    if rating:
        out += [(f"rated_{c}_{rating[c]}", rating["rated_at"]) for c in CRITERIA]
    return out


def truth(items: list[tuple[Dossier, list[dict], dict | None]], days: list[str]):
    """(flows {(scope, day, name): n}, in progress {(scope, day): n} at the end of each day,
    past deadline {scope: n} now) for dossiers with their history entries and rating."""
    from collections import Counter

    flows, in_progress, past = Counter(), Counter(), Counter()
    for d, history, rating in items:
        scopes = dossier_scopes(
            d.extra.get("receiving_agency_id") or d.agency_id, d.procedure["code"]
        )
        for name, moment in _flows(d, history, rating):
            flows.update((s, day(moment), name) for s in scopes)
        closed = (
            d.finished_at if d.outcome in ("approved", "refused", "stopped", "withdrawn") else None
        )
        if not d.accepted_at:
            continue
        open_days = [
            x for x in days if day(d.accepted_at) <= x and not (closed and day(closed) <= x)
        ]
        in_progress.update((s, x) for s in scopes for x in open_days)
        flag = d.deadline_flag
        if closed is None and d.due_at and flag == f"overdue@{d.due_at.isoformat()}":
            past.update(scopes)
    return flows, in_progress, past


def observed(rows_by_scope: dict[str, list], days: list[str]):
    """The same three things read from counter rows {scope: [(bucket, attributes)]}."""
    from collections import Counter
    from datetime import date

    from chalicelib.domain.stats import SETS, TOTAL
    from chalicelib.domain.stats_report import totals

    flows, in_progress, past = Counter(), Counter(), Counter()
    for scope, rows in rows_by_scope.items():
        for bucket, attrs in rows:
            if bucket == TOTAL:
                continue
            for name, value in attrs.items():
                if name not in SETS and not name.startswith(("d_", "fb_")) and value:
                    flows[(scope, bucket, name)] += value
        for x in days:
            n = totals(rows, date.fromisoformat(x), date.fromisoformat(x)).at_end["in_progress"]
            if n:
                in_progress[(scope, x)] = n
        n = totals(rows, date.fromisoformat(days[-1]), date.fromisoformat(days[-1])).at_end[
            "past_deadline"
        ]
        if n:
            past[scope] = n
    return +flows, in_progress, past


def days_between(first: datetime, last: datetime) -> list[str]:
    out, d = [], first.astimezone(VN_TZ).date()
    while d <= last.astimezone(VN_TZ).date():
        out.append(d.isoformat())
        d += timedelta(days=1)
    return out


def flag_deadlines(workload: Workload, now: datetime) -> None:
    """What services/dossiers/overdue.py does, in memory: one `dossier.overdue` per due passed."""
    running = {Status.SUBMITTED, Status.ACCEPTED, Status.IN_PROGRESS}
    for d in workload.dossiers.values():
        due = d.due_at or d.acknowledge_by
        if d.status not in running or due >= now or d.deadline_flag == f"overdue@{due.isoformat()}":
            continue
        d.deadline_flag = f"overdue@{due.isoformat()}"
        data = {"agency_id": d.agency_id, "due_at": due.isoformat(), "status": d.status.value,
                "procedure_code": d.procedure["code"]}  # fmt: skip
        workload.events.append(Event("dossier.overdue", d.code, now, data).to_dict())
