"""Statistics: the events consumer that keeps the counters, and the report read from them.

Counting (`count`, subscribed to every counted event type in services/shared/events.py): read the
subject's projection, add the event's fact, recompute what the subject contributes and write
the difference together with the new projection (persistence/stats_store.py). A redelivered
event finds its id among the facts and changes nothing; two consumers racing on one subject
meet the projection's version condition and the loser reads again. (The projection is the
per-event idempotency record: a separate `EVENT#<id>` marker would add a write per event and
still not make the gauges right when events arrive out of order.) `payment.confirmed` is not
counted: it becomes `dossier.paid`, which is.

Reading (`report`): one Query per scope (an agency, or a procedure) on its day range — never a
dossier — so the cost grows with the number of agencies and days, not of dossiers. Counters
are eventually consistent: an event is counted when the queue delivers it (seconds).
"""

from __future__ import annotations

import logging
import random
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime

from chalicelib.config import get_settings
from chalicelib.domain import service_index, stats, stats_projection, stats_report
from chalicelib.domain.errors import FieldError, ValidationFailed
from chalicelib.persistence import stats_store
from chalicelib.services.catalog import reads as catalog_service

log = logging.getLogger(__name__)
EVENT_TYPES = stats.EVENT_TYPES  # what services/shared/events.py subscribes `count` to
MAX_ATTEMPTS = 8
MAX_DAYS = 366
EARLIEST = date(2020, 1, 1)


def count(event: dict, now: datetime) -> bool:
    """Absorb one event into the counters; False when it was already counted or is not one."""
    subject, fact = stats.subject_of(event), stats.fact(event)
    if subject is None or fact is None:
        return False
    for attempt in range(MAX_ATTEMPTS):
        current = stats_store.load(subject)
        if any(f["id"] == fact["id"] for f in current.facts):
            return False
        facts = [*current.facts, fact]
        counts, members = stats_projection.contributions(
            subject, facts, get_settings().online_payment_channels
        )
        increments, additions = stats.diff(current.applied, current.members, counts, members)
        new = stats_store.Projection(
            facts=facts,
            applied={stats.encode(k): n for k, n in counts.items() if n},
            members=current.members | {stats.encode(m) for m in members},
        )
        if stats_store.commit(
            subject, new, current.version, increments, additions, now.isoformat()
        ):
            return True
        time.sleep(random.uniform(0, 0.05 * 2**attempt))  # noqa: S311 - jitter, not security
    raise RuntimeError(f"statistics: {subject} stayed busy; the queue will redeliver")


# --- reading ------------------------------------------------------------------------------


def period(params: dict, today: date) -> tuple[date, date]:
    """The range asked for: `to` defaults to today (and never passes it), `from` to the first
    day of `to`'s year (the year-to-date figures Circular 32/2017 asks each service to show)."""
    problems = []
    try:
        end = date.fromisoformat(params["to"]) if params.get("to") else today
        start = date.fromisoformat(params["from"]) if params.get("from") else None
    except ValueError:
        raise ValidationFailed(
            "Ngày không hợp lệ (định dạng YYYY-MM-DD).", [FieldError("from", "Không hợp lệ")]
        ) from None
    end = min(end, today)
    start = start or date(end.year, 1, 1)
    if start > end:
        problems.append(FieldError("from", "Phải trước hoặc bằng ngày kết thúc"))
    if start < EARLIEST:
        problems.append(FieldError("from", f"Không trước {EARLIEST.isoformat()}"))
    if (end - start).days + 1 > MAX_DAYS:
        problems.append(FieldError("to", f"Mỗi lần xem tối đa {MAX_DAYS} ngày"))
    if problems:
        raise ValidationFailed("Khoảng thời gian thống kê không hợp lệ.", problems)
    return start, end


def _scopes(params: dict, catalog) -> tuple[dict[str, str | None], list]:
    """{scope key: agency id} to read, and the catalog procedures in scope."""
    agency = catalog_service.get_agency(params["agency"]) if params.get("agency") else None
    if params.get("procedure"):
        procedure = catalog.procedure(params["procedure"])
        if procedure is None or (agency and not catalog.performs(agency.id, procedure.code)):
            raise ValidationFailed(
                "Không có thủ tục này (của cơ quan đã chọn).",
                [FieldError("procedure", "Không tồn tại")],
            )
        if agency:
            return {f"OFFER#{agency.id}#{procedure.code}": agency.id}, [procedure]
        return {f"PROC#{procedure.code}": None}, [procedure]
    if agency:
        return {f"AGENCY#{agency.id}": agency.id}, catalog.performed_by(agency.id)
    return {f"AGENCY#{a}": a for a in catalog.agencies}, list(catalog.procedures.values())


def read_rows(scopes: list[str], first_day: date) -> dict[str, list]:
    """Every scope's rows from `first_day` on: one paginated Query each, a few at a time."""
    if len(scopes) == 1:
        return {scopes[0]: stats_store.read(scopes[0], first_day.isoformat())}
    with ThreadPoolExecutor(max_workers=min(8, len(scopes))) as pool:
        found = pool.map(lambda s: stats_store.read(s, first_day.isoformat()), scopes)
        return dict(zip(scopes, found, strict=True))


def report(params: dict, now: datetime) -> dict:
    catalog = catalog_service.get_catalog()
    start, end = period(params, now.astimezone(stats.VN_TZ).date())
    scopes, procedures = _scopes(params, catalog)
    rows = read_rows(sorted(scopes), start)
    per_scope = {s: stats_report.totals(r, start, end) for s, r in rows.items()}
    total = sum(per_scope.values(), stats_report.Totals())
    figures = stats_report.figures(total)
    all_rows = [row for r in rows.values() for row in r]
    body = {
        "scope": _scope_view(params, catalog, start, end),
        "generated_at": now.isoformat(),
        **figures,
        "rates": stats_report.rates(figures),
        "services": stats_report.services(procedures),
        "components": service_index.score(figures, total.members, procedures),
        "weeks": stats_report.weeks(all_rows, start, end),
        "agencies": [],
    }
    if len(scopes) > 1:
        body["agencies"] = _ranking(per_scope, scopes, catalog)
    return body


def weekly_index(params: dict, now: datetime) -> dict:
    """The Decision 766 components for each week of the range (Monday to Sunday, clipped),
    for the province or one agency: each part with its formula, its inputs and what the portal
    lacks to compute it."""
    catalog = catalog_service.get_catalog()
    start, end = period(params, now.astimezone(stats.VN_TZ).date())
    scopes, procedures = _scopes(params, catalog)
    rows = read_rows(sorted(scopes), start)
    weeks = []
    for week in stats_report.weeks([], start, end):
        first, last = date.fromisoformat(week["from"]), date.fromisoformat(week["to"])
        total = sum(
            (stats_report.totals(r, first, last) for r in rows.values()), stats_report.Totals()
        )
        figures = stats_report.figures(total)
        weeks.append(
            {
                "week": week["week"],
                "from": week["from"],
                "to": week["to"],
                "components": service_index.score(figures, total.members, procedures),
            }
        )
    return {
        "scope": _scope_view(params, catalog, start, end),
        "generated_at": now.isoformat(),
        "weeks": weeks,
    }


def _scope_view(params: dict, catalog, start: date, end: date) -> dict:
    agency = catalog.agency(params["agency"]) if params.get("agency") else None
    procedure = catalog.procedure(params["procedure"]) if params.get("procedure") else None
    if procedure and not agency:
        offerings = catalog.offerings(procedure.code)
        agency = offerings[0].agency if len(offerings) == 1 else None
    return {
        "agency": {"id": agency.id, "name": agency.name} if agency else None,
        "procedure": {"code": procedure.code, "name": procedure.name} if procedure else None,
        "from": start.isoformat(),
        "to": end.isoformat(),
    }


def _ranking(per_scope: dict, scopes: dict[str, str], catalog) -> list[dict]:
    """Agencies by on-time rate (those with nothing resolved last), then by volume."""
    rows = []
    for scope, totals in per_scope.items():
        f = stats_report.figures(totals)
        agency = catalog.agency(scopes[scope])
        rates = stats_report.rates(f)
        rows.append(
            {
                "id": scopes[scope],
                "name": agency.name if agency else scopes[scope],
                "received": f["received"]["total"],
                "received_online": f["received"]["online"],
                "resolved": f["resolved"]["total"],
                "resolved_on_time": f["resolved"]["early"] + f["resolved"]["on_time"],
                "resolved_late": f["resolved"]["late"],
                "in_progress": f["in_progress"]["total"],
                "past_deadline": f["in_progress"]["past_deadline"],
                "on_time_rate": rates["on_time"],
                "online_rate": rates["online_submission"],
            }
        )
    rows.sort(
        key=lambda r: (
            r["on_time_rate"] is None,
            -(r["on_time_rate"] or 0),
            -r["resolved"],
            -r["received"],
            r["name"],
        )
    )
    for rank, row in enumerate(rows, 1):
        row["rank"] = rank
    return rows
