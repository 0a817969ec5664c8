"""Importing a catalog: all or nothing, every error with its place, re-import in place."""

import csv
import io
import json
from pathlib import Path

import pytest

from chalicelib.domain.errors import ValidationFailed
from chalicelib.services.catalog import importer as catalog_import
from chalicelib.services.catalog import reads as catalog_service
from chalicelib.services.shared.clock import now
from tests.factories import scratch_table

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "chalicelib" / "data" / "catalog" / "bac-ninh.json"
FORMS = ROOT / "schemas"


@pytest.fixture
def empty_catalog(aws, monkeypatch):
    from chalicelib.config import get_settings, reset_settings

    name = scratch_table("dvc-local-catalog")
    monkeypatch.setenv("TABLE_CATALOG", name)
    reset_settings()
    get_settings()
    catalog_service.invalidate()
    yield name
    monkeypatch.undo()
    reset_settings()
    get_settings()
    catalog_service.invalidate()


def write(tmp_path, document, name="catalog.json"):
    path = tmp_path / name
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def sample():
    return json.loads(SAMPLE.read_text(encoding="utf-8"))


def test_the_sample_catalog_imports_with_progress(empty_catalog, tmp_path):
    messages = []

    report = catalog_import.import_file(SAMPLE, FORMS, now(), progress=messages.append)

    assert report.procedures == len(sample()["procedures"]) and not report.updated
    assert any("Hoàn tất" in m for m in messages) and any("Đã ghi" in m for m in messages)
    assert catalog_service.get_procedure("1.001193").name == "Đăng ký khai sinh"


def test_a_broken_file_is_rejected_whole_with_every_error_listed(empty_catalog, tmp_path):
    document = sample()
    document["procedures"][0]["level"] = 7
    document["procedures"][1]["performed_by"] = [{"agency_id": "khong-ton-tai"}]
    document["procedures"][2]["fees"][0]["amount"] = "free"

    with pytest.raises(ValidationFailed) as failure:
        catalog_import.import_file(write(tmp_path, document), FORMS, now(), progress=print)

    fields = [d.field for d in failure.value.details]
    assert any(f.startswith("procedures[0].level") for f in fields)
    assert any(f.startswith("procedures[2].fees[0].amount") for f in fields)
    assert catalog_service.get_catalog().procedures == {}


def test_semantic_errors_are_reported_when_the_shape_is_right(empty_catalog, tmp_path):
    document = sample()
    document["procedures"][1]["performed_by"] = [{"agency_id": "khong-ton-tai"}]
    document["procedures"][3]["code"] = document["procedures"][4]["code"]

    with pytest.raises(ValidationFailed) as failure:
        catalog_import.import_file(write(tmp_path, document), FORMS, now(), progress=print)

    messages = " ".join(d.message for d in failure.value.details)
    assert "khong-ton-tai" in messages and "bị trùng" in messages
    assert catalog_service.get_catalog().procedures == {}


def test_a_missing_form_file_is_reported(empty_catalog, tmp_path):
    document = sample()
    online = next(p for p in document["procedures"] if p["level"] >= 3)
    online["form_schema"] = "forms/9.999999.json"

    with pytest.raises(ValidationFailed) as failure:
        catalog_import.import_file(write(tmp_path, document), FORMS, now(), progress=print)

    assert "9.999999" in str([d.message for d in failure.value.details])


def test_reimport_updates_in_place_and_bumps_changed_versions(empty_catalog, tmp_path):
    catalog_import.import_file(SAMPLE, FORMS, now(), progress=print)
    document = sample()
    document["procedures"][0]["fees"][0]["amount"] = 12000
    code = document["procedures"][0]["code"]

    report = catalog_import.import_file(write(tmp_path, document), FORMS, now(), progress=print)

    assert report.updated == [code] and report.unchanged == len(document["procedures"]) - 1
    procedure = catalog_service.get_procedure(code)
    assert (
        procedure.version == 2
        and procedure.fee_for(document["procedures"][0]["fees"][0]["channel"]) == 12000
    )


def test_a_csv_of_procedures_merges_into_the_catalog_with_line_numbers_for_errors(
    empty_catalog, tmp_path
):
    catalog_import.import_file(SAMPLE, FORMS, now(), progress=print)
    base = sample()["procedures"][0]
    columns = list(base)
    rows = []
    for code, level in (("1.999001", 2), ("1.999002", "bốn")):
        row = {
            **base,
            "code": code,
            "level": level,
            "online_mode": None,
            "form_schema": None,
            "name": f"Thủ tục thử {code}",
            "delivery_options": ["counter"],
        }
        rows.append(
            {
                k: json.dumps(v, ensure_ascii=False)
                if isinstance(v, (list, dict))
                else ("" if v is None else v)
                for k, v in row.items()
            }
        )
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns)
    writer.writeheader()
    writer.writerows(rows)
    path = tmp_path / "procedures.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")

    with pytest.raises(ValidationFailed) as failure:
        catalog_import.import_file(path, FORMS, now(), progress=print)

    assert any(d.field.startswith("dòng 3") for d in failure.value.details)
    assert catalog_service.get_catalog().procedure("1.999001") is None

    rows[1]["level"] = 2
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns)
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    report = catalog_import.import_file(path, FORMS, now(), progress=print)

    assert set(report.added) == {"1.999001", "1.999002"}
    assert catalog_service.get_procedure("1.001193").name == "Đăng ký khai sinh"


def test_the_cli_reports_errors_and_exits_non_zero(empty_catalog, tmp_path, capsys):
    from chalicelib.entrypoints import cli

    document = sample()
    document["agencies"] = []

    code = cli.main(["import-catalog", str(write(tmp_path, document))])

    assert code == 1
    assert "LỖI" in capsys.readouterr().err


def test_all_communes_in_a_file_expands_to_every_commune_with_overrides(empty_catalog, tmp_path):
    document = sample()
    birth = next(p for p in document["procedures"] if p["code"] == "1.001193")
    late = {"value": 2, "unit": "working_days", "same_day": False}
    birth["performed_by"] = [
        {"all_communes": True},
        {"agency_id": "ubnd-xa-tuan-dao", "processing_time": late},
    ]

    catalog_import.import_file(write(tmp_path, document), FORMS, now(), progress=print)

    catalog = catalog_service.get_catalog()
    offerings = catalog.offerings("1.001193")
    assert len(offerings) == 99
    assert dict(catalog.offering("1.001193", "ubnd-xa-tuan-dao").processing_time) == late
    assert catalog.offering("1.001193", "ubnd-phuong-kinh-bac").processing_time["same_day"]


def test_a_csv_row_may_say_all_communes_in_words(empty_catalog, tmp_path):
    catalog_import.import_file(SAMPLE, FORMS, now(), progress=print)
    base = {**sample()["procedures"][0], "code": "1.999003", "level": 2, "online_mode": None}
    row = {
        **base,
        "form_schema": None,
        "delivery_options": ["counter"],
        "performed_by": "Tất cả xã, phường",
    }
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(row))
    writer.writeheader()
    writer.writerow(
        {
            k: json.dumps(v, ensure_ascii=False)
            if isinstance(v, (list, dict))
            else ("" if v is None else v)
            for k, v in row.items()
        }
    )
    path = tmp_path / "procedures.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")

    catalog_import.import_file(path, FORMS, now(), progress=print)

    assert len(catalog_service.get_catalog().offerings("1.999003")) == 99


def test_an_unknown_performing_agency_is_reported_with_its_path(empty_catalog, tmp_path):
    document = sample()
    document["procedures"][0]["performed_by"] = [{"agency_id": "so-khong-co"}]

    with pytest.raises(ValidationFailed) as failure:
        catalog_import.import_file(write(tmp_path, document), FORMS, now(), progress=print)

    assert [d.field for d in failure.value.details] == ["procedures[0].performed_by[0].agency_id"]


def test_an_internal_process_is_checked_on_import(empty_catalog, tmp_path):
    document = sample()
    birth = next(p for p in document["procedures"] if p["code"] == "1.001193")
    steps = birth["internal_process"]
    steps[1]["code"] = steps[0]["code"]
    steps[2]["agency_id"] = "so-khong-co"
    steps[3]["share"] += 5

    with pytest.raises(ValidationFailed) as failure:
        catalog_import.import_file(write(tmp_path, document), FORMS, now(), progress=print)

    where = f"procedures[{document['procedures'].index(birth)}].internal_process"
    assert {d.field for d in failure.value.details} == {
        f"{where}[1].code",
        f"{where}[2].agency_id",
        where,
    }
    assert "105" in " ".join(d.message for d in failure.value.details)
    assert catalog_service.get_catalog().procedures == {}
