"""Updating the catalog from an export of the national procedure database: national facts win,
the province's additions stay, a dry run writes nothing, and a bad export changes nothing."""

from __future__ import annotations

import json

import pytest

from chalicelib.domain.errors import ValidationFailed
from chalicelib.persistence import catalog_store
from chalicelib.services.catalog import importer as catalog_import
from chalicelib.services.catalog import national_import
from chalicelib.services.catalog import reads as catalog_service
from chalicelib.services.shared.clock import now
from tests.integration.test_catalog_import import FORMS, SAMPLE, empty_catalog  # noqa: F401

BIRTH = "1.001193"


def export(**changes) -> dict:
    """The national page of the birth registration, as the national database exports it."""
    procedure = {
        "code": BIRTH,
        "name": "Đăng ký khai sinh",
        "decision_no": "1872/QĐ-BTP",
        "government_level": "commune",
        "field": "Hộ tịch",
        "channels": [
            {
                "channel": "counter",
                "time_limit": {"value": 1, "unit": "working_days", "same_day": True},
                "fees": [{"name": "Lệ phí đăng ký khai sinh", "amount": 0,
                          "description": "Miễn lệ phí khi đăng ký đúng hạn"}],
            },
            {
                "channel": "online",
                "time_limit": {"value": 1, "unit": "working_days", "same_day": True},
                "fees": [{"name": "Lệ phí đăng ký khai sinh", "amount": 0}],
            },
        ],
        "components": [
            {"name": "Tờ khai đăng ký khai sinh", "required": True, "copies": {"original": 1},
             "forms": [{"name": "Mẫu tờ khai", "url": "https://csdl.dichvucong.gov.vn/mau/1.doc"}]},
            {"name": "Giấy chứng sinh do cơ sở y tế cấp", "required": True,
             "copies": {"original": 1, "copy": 1}},
        ],
        "steps": ["Bước 1: Nộp hồ sơ.", "Bước 2: Nhận kết quả."],
        "subjects": ["ca_nhan"],
        "legal_basis": ["Luật Hộ tịch số 60/2014/QH13"],
        "result": "Giấy khai sinh",
        "keywords": ["khai sinh cho con"],
    }  # fmt: skip
    procedure.update(changes)
    return {"exported_at": "2025-03-01T00:00:00+07:00", "procedures": [procedure]}


@pytest.fixture
def sample_catalog(empty_catalog):  # noqa: F811 - the fixture imported above
    catalog_import.import_file(SAMPLE, FORMS, now(), progress=lambda m: None)
    return catalog_service.get_catalog()


def test_national_facts_win_and_the_province_additions_stay(sample_catalog):
    before = sample_catalog.procedure(BIRTH).to_dict()

    report = national_import.apply(export(), FORMS, now(), progress=lambda m: None)

    catalog_service.invalidate()
    after = catalog_service.get_catalog().procedure(BIRTH).to_dict()
    assert set(report.updated[BIRTH]) >= {"decision_no", "components", "steps", "result"}
    assert after["decision_no"] == "1872/QĐ-BTP"
    assert after["steps"] == ["Bước 1: Nộp hồ sơ.", "Bước 2: Nhận kết quả."]
    assert after["result"] == {
        "name": "Giấy khai sinh",
        "electronic": before["result"]["electronic"],
    }
    # the province's own: agency, level, e-form, delivery, technical details of each component
    for kept in ("performed_by", "level", "online_mode", "form_schema", "delivery_options"):
        assert after[kept] == before[kept], kept
    first, second = after["components"][0], after["components"][1]
    assert first["code"] == "TP1" and first["filled_online"] is True
    assert first["forms"][0]["url"].startswith("https://csdl.dichvucong.gov.vn/")
    assert second["code"] == "TP2" and second["copies"] == 2
    assert second["file_types"] == before["components"][1]["file_types"]
    assert [c["code"] for c in after["components"]] == [c["code"] for c in before["components"]]
    assert "khai sinh cho con" in after["keywords"] and before["keywords"][0] in after["keywords"]
    assert after["version"] == before["version"] + 1


def test_a_dry_run_says_what_would_change_and_writes_nothing(sample_catalog):
    version = catalog_store.current_version()["version"]
    lines: list[str] = []

    report = national_import.apply(export(), FORMS, now(), dry_run=True, progress=lines.append)

    assert report.dry_run and BIRTH in report.updated and report.version is None
    assert lines[0].startswith("Chạy thử")
    assert any(line.startswith(f"  ~ {BIRTH}:") for line in lines)
    assert catalog_store.current_version()["version"] == version


def test_an_unknown_procedure_is_added_only_with_an_agency_the_catalog_knows(sample_catalog):
    agency = next(iter(sample_catalog.agencies.values()))
    known = export(code="2.000001", name="Thủ tục mới của tỉnh", agency_id_code=agency.id_code)
    unknown = export(code="2.000002", name="Thủ tục chưa rõ cơ quan")
    document = {"procedures": known["procedures"] + unknown["procedures"]}

    report = national_import.apply(document, FORMS, now(), progress=lambda m: None)

    catalog_service.invalidate()
    added = catalog_service.get_catalog().procedure("2.000001")
    assert report.added == ["2.000001"] and "2.000002" in report.skipped
    performers = [o.agency.id for o in catalog_service.get_catalog().offerings("2.000001")]
    assert performers == [agency.id] and added.level == 2 and added.online_mode is None


def test_the_same_export_twice_changes_nothing_the_second_time(sample_catalog):
    national_import.apply(export(), FORMS, now(), progress=lambda m: None)
    catalog_service.invalidate()

    report = national_import.apply(export(), FORMS, now(), progress=lambda m: None)

    assert report.updated == {} and report.unchanged == [BIRTH] and report.version is None


def test_a_bad_export_lists_every_problem_and_imports_nothing(sample_catalog):
    version = catalog_store.current_version()["version"]
    bad = export(code="1001193", government_level="district", channels=[])

    with pytest.raises(ValidationFailed) as refused:
        national_import.apply(bad, FORMS, now(), progress=lambda m: None)

    fields = {d.field for d in refused.value.details}
    assert {
        "procedures[0].code",
        "procedures[0].government_level",
        "procedures[0].channels",
    } <= fields
    assert catalog_store.current_version()["version"] == version


def test_a_csv_export_reads_nested_columns_as_json(sample_catalog, tmp_path):
    procedure = export()["procedures"][0]
    header = list(procedure)
    row = [
        json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v for v in procedure.values()
    ]
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerow(row)
    path = tmp_path / "national.csv"
    path.write_text(out.getvalue(), encoding="utf-8")

    report = national_import.import_file(path, FORMS, now(), dry_run=True, progress=lambda m: None)

    assert BIRTH in report.updated
