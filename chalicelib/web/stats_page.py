"""The statistics report as a CSV file and as the context of the public page (`/thong-ke`).

Both show the same numbers as `GET /v1/stats`: the CSV has one row for the scope asked for,
one per agency (province-wide) and one per week, with the same column names as the JSON."""

from __future__ import annotations

import csv
import io
from urllib.parse import urlencode

from chalicelib.web import stats_charts

COLUMNS = (
    "scope_type",
    "scope_id",
    "scope_name",
    "from",
    "to",
    "received",
    "received_online",
    "received_counter",
    "received_post",
    "resolved",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "resolved_in_time",
    "in_progress",
    "within_deadline",
    "past_deadline",
    "on_time_rate",
    "online_submission_rate",
    "online_payment_rate",
    "e_result_rate",
    "feedback_received",
    "feedback_answered",
    "feedback_answered_on_time",
    "feedback_on_time_rate",
    "satisfaction_rate",
    "index_score",
    "index_computed_max",
)


def _scope_row(report: dict) -> dict:
    scope, rates = report["scope"], report["rates"]
    kind, ident, name = "province", "", "Toàn tỉnh"
    if scope["procedure"]:
        kind, ident, name = "procedure", scope["procedure"]["code"], scope["procedure"]["name"]
    elif scope["agency"]:
        kind, ident, name = "agency", scope["agency"]["id"], scope["agency"]["name"]
    received, resolved = report["received"], report["resolved"]
    progress, fb = report["in_progress"], report["feedback"]
    return {
        "scope_type": kind,
        "scope_id": ident,
        "scope_name": name,
        "from": scope["from"],
        "to": scope["to"],
        "received": received["total"],
        "received_online": received["online"],
        "received_counter": received["counter"],
        "received_post": received["post"],
        "resolved": resolved["total"],
        "resolved_early": resolved["early"],
        "resolved_on_time": resolved["on_time"],
        "resolved_late": resolved["late"],
        "resolved_in_time": resolved["early"] + resolved["on_time"],
        "in_progress": progress["total"],
        "within_deadline": progress["within_deadline"],
        "past_deadline": progress["past_deadline"],
        "on_time_rate": rates["on_time"],
        "online_submission_rate": rates["online_submission"],
        "online_payment_rate": rates["online_payment"],
        "e_result_rate": rates["e_result"],
        "feedback_received": fb["received"],
        "feedback_answered": fb["answered"],
        "feedback_answered_on_time": fb["answered_on_time"],
        "feedback_on_time_rate": rates["feedback_on_time"],
        "satisfaction_rate": rates["satisfaction"],
        "index_score": report["components"]["score"],
        "index_computed_max": report["components"]["computed_max"],
    }


def rows(report: dict) -> list[dict]:
    scope = report["scope"]
    out = [_scope_row(report)]
    for a in report["agencies"]:
        out.append(
            {
                "scope_type": "agency",
                "scope_id": a["id"],
                "scope_name": a["name"],
                "from": scope["from"],
                "to": scope["to"],
                "received": a["received"],
                "received_online": a["received_online"],
                "resolved": a["resolved"],
                "resolved_late": a["resolved_late"],
                "resolved_in_time": a["resolved_on_time"],
                "in_progress": a["in_progress"],
                "past_deadline": a["past_deadline"],
                "on_time_rate": a["on_time_rate"],
                "online_submission_rate": a["online_rate"],
            }
        )
    for w in report["weeks"]:
        out.append(
            {
                "scope_type": "week",
                "scope_id": w["week"],
                "scope_name": out[0]["scope_name"],
                "from": w["from"],
                "to": w["to"],
                "received": w["received"],
                "resolved": w["resolved"],
                "resolved_in_time": w["resolved_on_time"],
                "on_time_rate": w["on_time_rate"],
            }
        )
    return out


def csv_text(report: dict) -> str:
    """UTF-8 with a byte-order mark, so that spreadsheet programs read Vietnamese names."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in rows(report):
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return "\ufeff" + buffer.getvalue()


INDEX_COLUMNS = (
    "scope_id",
    "scope_name",
    "week",
    "from",
    "to",
    "component",
    "part",
    "formula",
    "numerator",
    "denominator",
    "ratio",
    "points",
    "max",
    "lacks_input",
)


def index_csv_text(index: dict) -> str:
    """The weekly Decision 766 components, one row per part (UTF-8 with a byte-order mark)."""
    scope = index["scope"]["agency"] or {"id": "", "name": "Toàn tỉnh"}
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=INDEX_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for week in index["weeks"]:
        for component in week["components"]["items"]:
            for part in component["parts"]:
                inputs = part["inputs"] or {}
                row = {
                    "scope_id": scope["id"],
                    "scope_name": scope["name"],
                    "week": week["week"],
                    "from": week["from"],
                    "to": week["to"],
                    "component": component["key"],
                    "part": part["key"],
                    "formula": part["formula"],
                    "numerator": inputs.get("numerator"),
                    "denominator": inputs.get("denominator"),
                    "ratio": part["ratio"],
                    "points": part["points"],
                    "max": part["max"],
                    "lacks_input": "x" if part["inputs"] is None else "",
                }
                writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return "\ufeff" + buffer.getvalue()


def context(report: dict, catalog, query: dict, error: str | None = None) -> dict:
    """What templates/stats/page.html shows."""
    return {
        "report": report,
        "error": error,
        "query": query,
        "csv_url": "/v1/stats.csv?" + urlencode(sorted((k, v) for k, v in query.items() if v)),
        "agency_options": sorted(
            ((a.id, a.name) for a in catalog.agencies.values()), key=lambda item: item[1]
        ),
        "percent": stats_charts.percent,
        "decimal": stats_charts.decimal,
        "charts": {
            "trend": stats_charts.on_time_trend(report["weeks"]),
            "channels": stats_charts.by_channel(report["received"]),
            "agencies": stats_charts.agencies_ranked(report["agencies"]),
        },
    }
