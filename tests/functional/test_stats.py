"""Statistics end to end on the emulated AWS: a random mix of dossier lifecycles through the real
domain and stores, its outbox events delivered out of order and twice, the counters compared
with what the dossiers say; /v1/stats, its CSV and the page read only counters, in a number of
AWS calls that does not grow with the dossiers; the recompute command finds and repairs drift."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest

from chalicelib.config import get_settings
from chalicelib.domain.calendar import VN_TZ
from chalicelib.domain.events import Event
from chalicelib.persistence import dossier_store, rating_store, stats_store
from chalicelib.services.catalog import reads as catalog_service
from chalicelib.services.stats import counters as stats
from chalicelib.services.stats import recompute as stats_recompute
from chalicelib.validation import validate
from tests.factories import RECEIVING_AGENCY, call, submit
from tests.stats_aws import (
    NOW,
    TABLES,
    aws_calls,
    deliver,
    empty_copies,
    lose_an_event,
    outbox_events,
    run_workload,
    stored_rows,
)
from tests.stats_workload import START, days_between, observed, truth

RANGE = "from=2025-03-01&to=2025-03-31"


@pytest.fixture
def fresh_stats(aws, monkeypatch):
    """Empty statistics and dossier tables for this test."""
    empty_copies(aws, monkeypatch, TABLES)
    yield
    monkeypatch.undo()
    from chalicelib.config import reset_settings

    reset_settings()


@pytest.fixture(scope="module")
def workload(aws):
    """One random workload, counted, shared by the tests of this module (its own tables)."""
    from chalicelib.config import reset_settings

    with pytest.MonkeyPatch.context() as monkeypatch:
        empty_copies(aws, monkeypatch, TABLES)
        load = run_workload(seed=20250303, ticks=60)
        deliver(outbox_events(load.dossiers), seed=7)
        yield load
    reset_settings()


def test_counters_equal_a_ground_truth_recomputed_from_the_dossiers(workload):
    days = days_between(START, workload.now)
    items = [  # every stored dossier: other tests of this module may have added some
        (d, dossier_store.history(d.code), rating_store.get(d.code))
        for d in stats_recompute.dossiers()
    ]
    expected_flows, expected_in_progress, expected_past = truth(items, days)
    catalog = catalog_service.get_catalog()
    scopes = {f"AGENCY#{a}" for a in catalog.agencies} | {f"PROC#{p}" for p in catalog.procedures}
    scopes |= {scope for scope, _, _ in expected_flows}  # OFFER#<agency>#<procedure> pairs

    flows, in_progress, past = observed(stored_rows(scopes), days)

    assert flows == +expected_flows
    assert in_progress == +expected_in_progress
    assert past == +expected_past
    assert sum(expected_flows.values()) > 80


def test_the_report_reads_only_counters_in_calls_bounded_by_the_range(workload, client):
    catalog = catalog_service.get_catalog()
    first = next(iter(workload.dossiers.values()))
    agency = first.extra.get("receiving_agency_id") or first.agency_id

    def calls_for(path):
        with aws_calls() as calls:
            status, body = call(client, "GET", path)
        assert status == 200, body
        return calls, body

    one, body = calls_for(f"/v1/stats?agency={agency}&{RANGE}")
    province, whole = calls_for(f"/v1/stats?{RANGE}")
    more = run_workload(seed=99, ticks=30)  # many more dossiers, same range
    deliver(outbox_events(more.dossiers), seed=3)
    again, _ = calls_for(f"/v1/stats?agency={agency}&{RANGE}")

    tables = {table for _, table in one + province + again if table}
    assert tables <= {get_settings().table_stats, get_settings().table_catalog}
    assert all(op in ("Query", "GetItem") for op, _ in one + province + again)
    shards = stats_store.SHARDS  # a scope's shards are partition keys of their own
    assert len([c for c in one if c[0] == "Query"]) == shards
    assert len([c for c in province if c[0] == "Query"]) == shards * len(catalog.agencies)
    catalog_table = get_settings().table_catalog  # its pointer is re-read every 30 s
    assert [c for c in again if c[1] != catalog_table] == [c for c in one if c[1] != catalog_table]
    validate(body, "api/stats.json")
    validate(whole, "api/stats.json")
    assert whole["received"]["total"] == sum(a["received"] for a in whole["agencies"])
    assert whole["resolved"]["total"] >= 1 and whole["rates"]["on_time"] is not None


def test_the_recompute_command_finds_injected_drift_and_repairs_it(workload, capsys):
    from chalicelib.entrypoints.cli import main

    start, end = date(2025, 3, 1), date(2025, 3, 31)
    assert stats_recompute.drift(start, end) == []
    some = next(iter(workload.dossiers.values()))
    scope = f"AGENCY#{some.extra.get('receiving_agency_id') or some.agency_id}"
    stats_store.add(scope, "2025-03-05", 2, {"received_online": 3})
    lost = lose_an_event(workload)

    found = stats_recompute.drift(start, end)
    code = main(["stats-recompute", "--from", "2025-03-01", "--to", "2025-03-31"])

    assert any(d.scope == scope and d.name == "received_online" and d.bucket == "2025-03-05"
               and d.stored - d.expected == 3 for d in found)  # fmt: skip
    assert any(d.name == f"received_{lost['data']['channel']}" for d in found)
    assert code == 2 and "SAI LỆCH" in capsys.readouterr().out
    assert main(["stats-recompute", "--from", "2025-03-01", "--to", "2025-03-31", "--repair"]) == 0
    assert stats_recompute.drift(start, end) == []
    stats.count(lost, NOW)  # the lost event, redriven from the dead-letter queue later
    assert stats_recompute.drift(start, end) == []


def test_a_dossier_submitted_through_the_api_shows_up_once_its_event_is_consumed(
    fresh_stats, client
):
    from chalicelib.services.shared import events

    body, created = submit(client)
    (event,) = outbox_events([created["code"]])
    today = datetime.now(VN_TZ).date().isoformat()
    before = call(client, "GET", f"/v1/stats?procedure={body['procedure_code']}")[1]

    events.handle(json.dumps(event), datetime.now(VN_TZ))
    events.handle(json.dumps(event), datetime.now(VN_TZ))  # redelivered

    after = call(client, "GET", f"/v1/stats?procedure={body['procedure_code']}&to={today}")[1]
    assert after["received"]["online"] == before["received"]["online"] + 1
    assert after["scope"]["procedure"]["code"] == body["procedure_code"]
    assert after["weeks"][-1]["received"] >= 1


def test_one_agency_s_figures_for_one_procedure_count_only_its_own_dossiers(fresh_stats, client):
    """`?agency=&procedure=` is that agency's performance of the procedure, not the procedure's
    figures province-wide under the agency's name (issue 16: many agencies per procedure)."""
    from chalicelib.services.shared import events

    code = "1.001193"
    here, elsewhere = RECEIVING_AGENCY[code], "ubnd-phuong-vo-cuong"
    created = [submit(client, code, agency=here)[1], submit(client, code, agency=here)[1],
               submit(client, code, agency=elsewhere)[1]]  # fmt: skip
    for event in outbox_events([c["code"] for c in created]):
        events.handle(json.dumps(event), datetime.now(VN_TZ))
    today = datetime.now(VN_TZ).date().isoformat()

    def received(query):
        status, body = call(client, "GET", f"/v1/stats?{query}&to={today}")
        assert status == 200, body
        return body

    mine = received(f"procedure={code}&agency={here}")
    theirs = received(f"procedure={code}&agency={elsewhere}")
    everyone = received(f"procedure={code}")

    assert (mine["received"]["total"], theirs["received"]["total"]) == (2, 1)
    assert everyone["received"]["total"] == 3
    assert mine["scope"]["agency"]["id"] == here and mine["scope"]["procedure"]["code"] == code


def test_csv_export_has_the_same_numbers_as_the_report(workload, client):
    _, report = call(client, "GET", f"/v1/stats?{RANGE}")
    response = client.http.get(f"/v1/stats.csv?{RANGE}")

    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    lines = response.body.decode("utf-8-sig").splitlines()
    header, total = (
        lines[0].split(","),
        dict(zip(lines[0].split(","), lines[1].split(","), strict=True)),
    )
    assert header[:3] == ["scope_type", "scope_id", "scope_name"]
    assert total["scope_type"] == "province"
    assert int(total["received"]) == report["received"]["total"]
    assert int(total["resolved_late"]) == report["resolved"]["late"]
    assert len(lines) == 1 + 1 + len(report["agencies"]) + len(report["weeks"])


def test_the_public_page_shows_the_numbers_with_charts_in_vietnamese(workload, client):
    _, report = call(client, "GET", f"/v1/stats?{RANGE}")
    response = client.http.get(f"/thong-ke?{RANGE}")
    page = response.body.decode()

    assert response.status_code == 200
    assert "Thống kê tình hình giải quyết hồ sơ" in page
    assert page.count("<svg") == 3
    assert "Tỉ lệ giải quyết đúng hạn theo tuần" in page
    assert f"<strong>{report['received']['total']}</strong>" in page
    assert report["agencies"][0]["name"] in page
    assert "/v1/stats.csv?from=2025-03-01&amp;to=2025-03-31" in page


def test_a_bad_filter_on_the_page_shows_a_message_not_an_error(fresh_stats, client):
    response = client.http.get("/thong-ke?from=2025-03-31&to=2025-03-01")

    assert response.status_code == 200
    assert "Khoảng thời gian thống kê không hợp lệ" in response.body.decode()


@pytest.mark.parametrize(
    "query, field",
    [
        ("from=2025-03-31&to=2025-03-01", "from"),
        ("from=2023-01-01&to=2025-03-01", "to"),
        ("from=31-03-2025", "from"),
        ("agency=khong-co", "agency"),
        ("procedure=9.999999", "procedure"),
        ("procedure=1.001193&agency=so-tu-phap", "procedure"),
        ("page=2", "(body)"),
    ],
)
def test_a_bad_query_is_a_validation_error_naming_the_field(fresh_stats, client, query, field):
    status, body = call(client, "GET", f"/v1/stats?{query}")

    assert status == 400
    assert body["error"]["code"] == "VALIDATION_FAILED"
    assert field in [d["field"] for d in body["error"]["details"]]


def test_the_report_names_the_766_inputs_it_lacks(fresh_stats, client):
    _, report = call(client, "GET", f"/v1/stats?{RANGE}")
    items = {c["key"]: c for c in report["components"]["items"]}

    assert set(items) == {"transparency", "progress", "online_services", "online_payment",
                          "satisfaction", "digitisation"}  # fmt: skip
    assert sum(c["max"] for c in items.values()) == 100
    assert "status_synchronised" not in items["transparency"]["lacks"]
    assert "reuse" not in items["digitisation"]["lacks"]  # counted from the wallet
    assert items["online_services"]["parts"][0]["ratio"] is not None  # from the catalog
    assert report["services"]["total"] == len(catalog_service.get_catalog().procedures)


def test_national_sync_outcomes_make_the_766_status_synchronised_part(fresh_stats, client):
    at = START + timedelta(days=1)
    data = {"agency_id": "so-tu-phap", "procedure_code": "1.001193"}
    outcomes = [("national_synced", 1, True), ("national_synced", 2, False),
                ("national_synced", 3, True), ("national_sync_failed", 4, None)]  # fmt: skip
    for kind, step, on_time in outcomes:
        event = Event(f"dossier.{kind}", "SYNC-250304-0001", at, {**data, "on_time": on_time},
                      id=f"dossier.{kind}:SYNC-250304-0001:{step}")  # fmt: skip
        stats.count(event.to_dict(), NOW)
        stats.count(event.to_dict(), NOW)  # a redelivery counts once

    _, report = call(client, "GET", f"/v1/stats?agency=so-tu-phap&{RANGE}")

    assert report["national_sync"] == {"sent": 3, "on_time": 2, "failed": 1}
    transparency = {c["key"]: c for c in report["components"]["items"]}["transparency"]
    part = {p["key"]: p for p in transparency["parts"]}["status_synchronised"]
    assert part["ratio"] == 0.5


def test_rating_events_are_counted_per_criterion(fresh_stats):
    at = START + timedelta(days=1)
    event = Event("dossier.rated", "RATED-250304-0001", at,
                  {"agency_id": "so-tu-phap", "procedure_code": "1.001193", "overall": "hai_long",
                   "convenience": "rat_hai_long", "timeliness": "chua_hai_long",
                   "attitude": "hai_long"})  # fmt: skip

    stats.count(event.to_dict(), NOW)

    rows = stats_store.read("AGENCY#so-tu-phap", "2025-03-01")
    assert sum(a.get("rated_overall_hai_long", 0) for _, a in rows) == 1
    assert sum(a.get("rated_timeliness_chua_hai_long", 0) for _, a in rows) == 1


def test_the_766_index_per_week_shows_formula_inputs_and_lacks_and_exports_csv(workload, client):
    """Decision 766 from real data: every component part, per agency and week, with its
    formula, its inputs and what the portal lacks; the same rows as CSV."""
    agency = "ubnd-phuong-kinh-bac"
    status, index = call(client, "GET", f"/v1/stats/index?{RANGE}&agency={agency}")
    _, week_report = call(client, "GET", f"/v1/stats?from=2025-03-03&to=2025-03-09&agency={agency}")
    response = client.http.get(f"/v1/stats/index.csv?{RANGE}&agency={agency}")

    assert status == 200 and index["scope"]["agency"]["id"] == agency
    assert [w["week"] for w in index["weeks"]][:2] == ["2025-W09", "2025-W10"]
    week = next(w for w in index["weeks"] if w["week"] == "2025-W10")
    progress = next(c for c in week["components"]["items"] if c["key"] == "progress")
    on_time = progress["parts"][0]
    resolved = week_report["resolved"]
    assert on_time["inputs"]["numerator"] == resolved["early"] + resolved["on_time"]
    assert on_time["formula"].startswith("(early + on time)")
    lines = response.body.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("scope_id,scope_name,week,from,to,component,part,formula")
    parts = sum(len(c["parts"]) for c in week["components"]["items"])
    assert len(lines) == 1 + parts * len(index["weeks"])
