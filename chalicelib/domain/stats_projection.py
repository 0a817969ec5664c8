"""What a subject (a dossier or a feedback) contributes to the statistics counters, as a pure
function of the set of its facts: see domain/stats.py for the keys and why."""

from __future__ import annotations

from collections import Counter

from chalicelib.domain.stats import (
    CHANNELS,
    RATING_CRITERIA,
    RATING_LEVELS,
    TIMELINESS,
    Builder,
    Key,
    Member,
    dossier_scopes,
    instant,
)

# Dossiers that arrive through the national portal are online dossiers (Decision 766).
CHANNEL_OF = {"national_portal": "online"}


def contributions(
    subject: str, facts: list[dict], payment_channels: tuple[str, ...] = ("vnpay",)
) -> tuple[Counter[Key], set[Member]]:
    """Everything a subject adds to the counters, given all its facts (in any order).
    `payment_channels`: the payment channels the index recognises as online payment."""
    unique = {f["id"]: f for f in facts}
    ordered = sorted(unique.values(), key=lambda f: (instant(f["at"]), f["id"]))
    if not ordered:
        return Counter(), set()
    if subject.startswith("FEEDBACK#"):
        return _feedback(ordered)
    return _dossier(ordered, frozenset(payment_channels))


def _firsts(facts: list[dict]) -> dict[str, dict]:
    first: dict[str, dict] = {}
    for f in facts:
        first.setdefault(f["t"], f)
    return first


def receiving_agency(facts: list[dict]) -> str | None:
    """The agency that received the dossier: named by `submitted`; failing that (it has not
    arrived yet) by the first transfer's source, a resolution (which returns the dossier to the
    receiving agency), or the earliest event."""
    first = _firsts(facts)
    for name, key in (("submitted", "agency_id"), ("transferred", "from_agency")):
        if first.get(name, {}).get(key):
            return first[name][key]
    resolved = [f for f in facts if f["t"] in ("approved", "refused") and f.get("agency_id")]
    if resolved:
        return resolved[0]["agency_id"]
    return next((f["agency_id"] for f in facts if f.get("agency_id")), None)


def _dossier(facts: list[dict], payment_channels: frozenset) -> tuple[Counter[Key], set[Member]]:
    agency = receiving_agency(facts)
    procedure = next((f["procedure_code"] for f in facts if f.get("procedure_code")), None)
    scopes = dossier_scopes(agency, procedure)
    out = Builder(scopes)
    if not out.scopes:
        return Counter(), set()
    first = _firsts(facts)
    if first.get("submitted"):
        _received(out, first["submitted"], procedure)
        _reuse(out, first["submitted"])
    for name in ("accepted", "rejected", "stopped", "withdrawn", "returned"):
        if name in first:
            out.add(name, first[name]["at"])
    for f in facts:
        if f["t"] == "supplement_requested":
            out.add("supplement_requested", f["at"])
    resolved = next((f for f in facts if f["t"] in ("approved", "refused")), None)
    if resolved:
        # approve/refuse need an acceptance, which sets the due date: timeliness is always
        # known; were it not, the dossier still counts as resolved (on time), never dropped.
        timeliness = (
            resolved.get("timeliness") if resolved.get("timeliness") in TIMELINESS else None
        )
        out.add(f"resolved_{timeliness or 'on_time'}", resolved["at"])
        if resolved["t"] == "refused":
            out.add("refused", resolved["at"])
    _money(out, facts, procedure, payment_channels)
    _e_result(out, facts)
    _rating(out, facts)
    _national_sync(out, facts)
    _gauges(out, facts, first, resolved)
    return out.counts, out.members


def _received(out: Builder, submitted: dict, procedure: str | None) -> None:
    """Received through its channel; digitised at receipt when it came online (the components
    arrive as files) or its paper components were scanned at the counter or on arrival by post."""
    channel = CHANNEL_OF.get(submitted.get("channel"), submitted.get("channel"))
    channel = channel if channel in CHANNELS else "online"  # events from before channels
    out.add(f"received_{channel}", submitted["at"])
    if submitted.get("digitised", channel == "online"):
        out.add("digitised", submitted["at"])
    if channel == "online" and procedure:
        out.member("procs_online", submitted["at"], procedure)


def _money(
    out: Builder, facts: list[dict], procedure: str | None, payment_channels: frozenset
) -> None:
    """A dossier has a fee once payment is requested or any payment is recorded (online, at the
    counter or collected when the result is returned); it is paid online only through a
    payment channel the index recognises (Decision 766: the national payment platform)."""
    fee = [
        f
        for f in facts
        if f["t"] in ("payment_requested", "paid")
        or (f["t"] == "returned" and int(f.get("fee_collected") or 0) > 0)
    ]
    if fee:
        out.add("with_fee", fee[0]["at"])
        if procedure:
            out.member("procs_fee", fee[0]["at"], procedure)
    online = [
        f
        for f in facts
        if f["t"] == "paid"
        and f.get("channel") == "online"
        and f.get("provider") in payment_channels
    ]
    if online:
        out.add("paid_online", online[0]["at"])
        if procedure:
            out.member("procs_paid_online", online[0]["at"], procedure)


def _e_result(out: Builder, facts: list[dict]) -> None:
    """Issued electronically (Decision 766, digitisation): a result the agency signed when it
    decided (its signed document's record), or one the citizen downloaded from the portal, which
    serves only signed results. A hand-over an officer records as "online" proves no signed
    result by itself, so it does not count."""
    issued = [
        f
        for f in facts
        if f["t"] == "result_downloaded"
        or (f["t"] in ("approved", "refused") and f.get("e_result"))
    ]
    if issued:
        out.add("e_results", issued[0]["at"])


def _national_sync(out: Builder, facts: list[dict]) -> None:
    """Each status change the national portal accepted (on time: within an hour of the change)
    or refused, on the day it was sent (Decision 766: status synchronised, not hidden or late)."""
    for f in facts:
        if f["t"] == "national_synced":
            out.add("sync_sent", f["at"])
            if f.get("on_time"):
                out.add("sync_on_time", f["at"])
        elif f["t"] == "national_sync_failed":
            out.add("sync_failed", f["at"])


def _reuse(out: Builder, submitted: dict) -> None:
    """Submitted with a document reused from the citizen's wallet (Decision 766)."""
    if int(submitted.get("reused") or 0) > 0:
        out.add("reused", submitted["at"])


def _rating(out: Builder, facts: list[dict]) -> None:
    ratings = [f for f in facts if f["t"] == "rated"]
    if ratings:
        latest = ratings[-1]
        for criterion in RATING_CRITERIA:
            if latest.get(criterion) in RATING_LEVELS:
                out.add(f"rated_{criterion}_{latest[criterion]}", latest["at"])


def _gauges(out: Builder, facts: list[dict], first: dict, resolved: dict | None) -> None:
    """In progress: from acceptance until resolved, stopped or withdrawn. Past deadline: from
    the due instant of an `overdue` flag raised after acceptance until the dossier closes or
    gets a new due date (extension, resubmission after appraisal)."""
    accepted = first.get("accepted")
    if not accepted:
        return
    closes = [f for f in facts if f["t"] in ("stopped", "withdrawn")] + (
        [resolved] if resolved else []
    )
    close = min(closes, key=lambda f: instant(f["at"])) if closes else None
    out.gauge("in_progress", accepted["at"], 1)
    if close:
        out.gauge("in_progress", close["at"], -1)
    for start, end in _past_deadline(facts, close):
        out.gauge("past_deadline", start, 1)
        if end:
            out.gauge("past_deadline", end, -1)


def _past_deadline(facts: list[dict], close: dict | None) -> list[tuple[str, str | None]]:
    changes = [
        instant(f["at"])
        for f in facts
        if f["t"] == "extended" or (f["t"] == "resubmitted" and f.get("phase") == "appraisal")
    ]
    dues = sorted(
        {
            f["due_at"]
            for f in facts
            if f["t"] == "overdue" and f.get("due_at") and f.get("status") != "submitted"
        },
        key=instant,
    )
    intervals: list[tuple[str, str | None]] = []
    for due in dues:
        start = instant(due)
        ends = [c for c in changes if c > start]
        if close:
            ends.append(instant(close["at"]))
        end = min(ends) if ends else None
        if end is not None and end <= start:
            continue
        if intervals and (intervals[-1][1] is None or instant(intervals[-1][1]) > start):
            continue  # already past deadline over this stretch
        intervals.append((due, end.isoformat() if end else None))
    return intervals


def _feedback(facts: list[dict]) -> tuple[Counter[Key], set[Member]]:
    """Feedback counts where it was received, then where it was classified, forwarded and
    answered; "unsatisfactory" (Decision 766: answered late or rated not satisfied) counts
    once per feedback, on the day and at the agency of the answer."""
    out = Builder([])
    first = _firsts(facts)

    def at(f: dict, name: str, agency: str | None = None) -> None:
        agency = agency or f.get("agency_id")
        if agency:
            out.add(name, f["at"], scopes=[f"AGENCY#{agency}"])

    if "received" in first:
        at(first["received"], "fb_received")
    _feedback_due(out, facts, first.get("answered"))
    for f in facts:
        if f["t"] == "classified" and f.get("classification") == "not_accepted":
            at(f, "fb_not_accepted")
        elif f["t"] == "forwarded":
            at(f, "fb_forwarded", f.get("from"))
    answered = first.get("answered")
    if not answered:
        return out.counts, out.members
    on_time = answered.get("timeliness") in ("early", "on_time")
    at(answered, "fb_answered")
    at(answered, "fb_answered_on_time" if on_time else "fb_answered_late")
    ratings = [f for f in facts if f["t"] == "rated"]
    satisfied = ratings[-1].get("satisfied") if ratings else None
    if satisfied is not None:
        at(
            ratings[-1],
            "fb_satisfied" if satisfied else "fb_dissatisfied",
            answered.get("agency_id"),
        )
    if not on_time or satisfied is False:
        at(answered, "fb_unsatisfactory")
    return out.counts, out.members


def _feedback_due(out: Builder, facts: list[dict], answered: dict | None) -> None:
    """Decision 766, feedback handled on time = answered on time ÷ feedback *due* in the period:
    a feedback within competence counts on the day of its answer deadline, answered or not, so
    overdue unanswered feedback lowers the rate."""
    classified = [
        f
        for f in facts
        if f["t"] == "classified"
        and f.get("classification") == "within_competence"
        and f.get("due_at")
    ]
    if not classified:
        return
    last = classified[-1]
    scopes = [f"AGENCY#{last['agency_id']}"] if last.get("agency_id") else None
    if not scopes:
        return
    out.add("fb_due", last["due_at"], scopes=scopes)
    if answered and answered.get("timeliness") in ("early", "on_time"):
        out.add("fb_due_answered_on_time", last["due_at"], scopes=scopes)
