"""Public statistics: the JSON report, the same numbers as CSV, and the page `/thong-ke`.

Every answer is read from the counters (services/stats/counters.py), never from the
dossiers, and may be cached for a few minutes by browsers and the CDN."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.domain.errors import ValidationFailed
from chalicelib.entrypoints import caching
from chalicelib.entrypoints.http import ok, route
from chalicelib.services.shared.clock import now
from chalicelib.validation import validate
from chalicelib.web import stats_page
from chalicelib.web.pages import page

bp = Blueprint(__name__)
TAG = "Thống kê (công khai)"
QUERY = "api/stats.query.json"
CACHE = {"Cache-Control": caching.SHORT}


def _counters():
    """services/stats/counters.py, imported by the first statistics request rather than by the
    API handler's cold start."""
    from chalicelib.services.stats import counters

    return counters


def _report(path: str, summary: str, csv_summary: str, response: str, build, csv_text, name):
    """A report at `path` as JSON and at `path`.csv as CSV, both built from the same query."""

    def as_json(params):
        return ok(build(params, now()), headers=CACHE)

    def as_csv(params):
        report = build(params, now())
        return _csv(csv_text(report), name, report["scope"])

    as_json.__name__, as_csv.__name__ = f"{name}_json", f"{name}_csv"
    doc = {"tag": TAG, "query": QUERY, "errors": (400,)}
    route(bp, path, summary=summary, response=response, **doc)(as_json)
    route(bp, f"{path}.csv", summary=csv_summary, content_type="text/csv", **doc)(as_csv)


_report(
    "/v1/stats",
    "Thống kê hồ sơ, tỉ lệ đúng hạn, trực tuyến, thanh toán, phản ánh, hài lòng; "
    "thủ tục theo mức độ; các thành phần Bộ chỉ số 766",
    "Cùng số liệu thống kê dưới dạng CSV (tổng, từng cơ quan, từng tuần)",
    "api/stats.json",
    lambda query, at: _counters().report(query, at),
    stats_page.csv_text,
    "thong-ke",
)
_report(
    "/v1/stats/index",
    "Bộ chỉ số 766 theo từng tuần (toàn tỉnh hoặc một cơ quan): công thức, số liệu "
    "đầu vào và phần cổng chưa có dữ liệu của từng thành phần",
    "Bộ chỉ số 766 theo từng tuần dưới dạng CSV (mỗi dòng một thành phần con)",
    "api/stats-index.json",
    lambda query, at: _counters().weekly_index(query, at),
    stats_page.index_csv_text,
    "chi-so-766",
)


def _csv(text: str, name: str, scope: dict) -> Response:
    """A CSV download named after the period it covers, cached like the JSON."""
    filename = f"{name}-{scope['from']}-{scope['to']}.csv"
    return Response(
        body=text,
        status_code=200,
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{filename}"',
            **CACHE,
        },
    )


PAGE_PARAMS = [
    {
        "name": name,
        "in": "query",
        "required": False,
        "schema": {"type": "string"},
        "description": text,
    }
    for name, text in (
        ("agency", "Mã cơ quan; để trống: toàn tỉnh"),
        ("from", "Từ ngày (YYYY-MM-DD)"),
        ("to", "Đến ngày (YYYY-MM-DD)"),
    )
]


FILTER_LABELS = {"agency": "Cơ quan", "from": "Từ ngày", "to": "Đến ngày"}  # the page's form


def _problems(error: ValidationFailed) -> str:
    """Each problem once, named by the form's label (not the query's identifier) and without
    the schema's title, which the label replaces."""
    told = (f"{FILTER_LABELS.get(d.field, d.field)}: {d.message.rsplit(': ', 1)[-1]}"
            for d in error.details)  # fmt: skip
    return "; ".join(dict.fromkeys(told))


@route(
    bp,
    "/thong-ke",
    summary="Trang thống kê công khai: kết quả giải quyết, biểu đồ, xếp hạng cơ quan",
    tag=TAG,
    content_type="text/html",
    extra={"parameters": PAGE_PARAMS},
)
def stats_page_view():
    """The same report as /v1/stats; a bad filter shows the province's year to date with a
    message instead of an error page (the form's fields come from people, not programs)."""
    from chalicelib.services.catalog import reads as catalog_service

    stats = _counters()
    raw = bp.current_request.query_params or {}
    query = {k: raw[k] for k in ("agency", "from", "to") if raw.get(k)}
    error = None
    try:
        report = stats.report(validate(query, QUERY, "Bộ lọc không hợp lệ."), now())
    except ValidationFailed as exc:
        error = f"{exc.message} {_problems(exc)}".strip()
        query = {}
        report = stats.report({}, now())
    return page(
        "stats/page.html",
        cache=caching.SHORT,
        nav="thong-ke",
        **stats_page.context(report, catalog_service.get_catalog(), query, error),
    )
