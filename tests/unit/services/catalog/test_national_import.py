"""Importing from the national procedure database: what the export says replaces the national
fields, what the province added stays (its components and their settings, fee channels,
keywords, level, e-form); a new procedure comes in at the counter only for an agency the catalog
knows; a dry run says what would change and writes nothing."""

import copy
from types import SimpleNamespace

import pytest

from chalicelib.domain.errors import ValidationFailed
from chalicelib.services.catalog import national_import as nat
from tests.builders import MONDAY

FIELDS = [{"code": "ho-tich", "name": "Hộ tịch"}, {"code": "dat-dai", "name": "Đất đai"}]
LOCAL = {
    "code": "1.001193", "version": 2, "name": "Khai sinh", "field": "ho-tich", "level": 4,
    "online_mode": "toan_trinh", "form_schema": "forms/1.001193.json",
    "government_level": "commune", "keywords": ["khai sinh", "trẻ sơ sinh"],
    "processing_time": {"value": 3, "unit": "working_days", "same_day": False},
    "result": {"name": "Giấy khai sinh", "electronic": True},
    "fees": [{"channel": "post", "name": "Cước", "amount": 30000, "exemptions": None}],
    "components": [
        {"code": "TP1", "name": "Tờ khai đăng ký khai sinh", "required": True, "copies": 1,
         "file_types": ["application/pdf"], "max_size_mb": 5, "filled_online": True},
        {"code": "TP9", "name": "Ảnh của trẻ", "required": False, "copies": 1,
         "file_types": ["image/jpeg"], "max_size_mb": 2},
    ],
}  # fmt: skip
NATIONAL = {
    "code": "1.001193", "name": "Đăng ký khai sinh", "government_level": "commune",
    "field": "HỘ TỊCH", "decision_no": "QĐ 1/2026", "result": "Giấy khai sinh (bản chính)",
    "keywords": ["đăng ký khai sinh", "khai sinh"],
    "channels": [
        {"channel": "online", "time_limit": {"value": 1, "unit": "working_days"},
         "fees": []},
        {"channel": "counter", "time_limit": {"value": 2, "unit": "working_days",
                                              "same_day": True},
         "fees": [{"name": "Lệ phí", "amount": 5000, "description": "Miễn cho hộ nghèo"},
                  {"name": "Phí bản sao", "amount": 3000}]},
    ],
    "components": [
        {"name": "tờ khai đăng ký khai sinh", "required": True,
         "copies": {"original": 1, "copy": 1}},
        {"code": "TP3", "name": "Giấy chứng sinh", "forms": [{"name": "Mẫu 1"}]},
    ],
}  # fmt: skip


def test_the_national_fields_are_taken_and_the_provinces_additions_kept():
    merged = nat.merge(copy.deepcopy(LOCAL), NATIONAL, FIELDS)

    assert (merged["name"], merged["decision_no"], merged["field"]) == (
        "Đăng ký khai sinh",
        "QĐ 1/2026",
        "ho-tich",
    )
    assert (merged["level"], merged["online_mode"], merged["form_schema"]) == (
        4,
        "toan_trinh",
        "forms/1.001193.json",
    )
    assert merged["processing_time"] == {"value": 2, "unit": "working_days", "same_day": True}
    assert merged["result"] == {"name": "Giấy khai sinh (bản chính)", "electronic": True}
    assert merged["keywords"] == ["đăng ký khai sinh", "khai sinh", "trẻ sơ sinh"]


def test_one_fee_per_channel_of_the_export_the_provinces_own_channels_kept():
    fees = nat._fees(NATIONAL, LOCAL["fees"])

    assert fees == [
        {"channel": "online", "name": "Không thu phí, lệ phí", "amount": 0, "exemptions": None},
        {"channel": "counter", "name": "Lệ phí + Phí bản sao", "amount": 8000,
         "exemptions": "Miễn cho hộ nghèo"},
        LOCAL["fees"][0],
    ]  # fmt: skip


def test_components_match_by_code_else_by_name_and_the_provinces_own_stay():
    components = nat._components(NATIONAL["components"], LOCAL["components"])

    by_name, new, added = components
    assert (by_name["code"], by_name["copies"], by_name["filled_online"]) == ("TP1", 2, True)
    assert by_name["name"] == "tờ khai đăng ký khai sinh" and by_name["max_size_mb"] == 5
    assert (new["code"], new["forms"], new["copies"]) == ("TP3", [{"name": "Mẫu 1"}], 1)
    assert added == LOCAL["components"][1]
    renamed = nat._components([{"code": "TP9", "name": "Ảnh"}], LOCAL["components"])
    assert [(c["code"], c["name"]) for c in renamed] == [
        ("TP9", "Ảnh"), ("TP1", "Tờ khai đăng ký khai sinh")
    ]  # fmt: skip


def test_a_new_component_gets_a_free_code_and_the_default_file_settings():
    (new,) = nat._components([{"code": "TP9", "name": "Mới"}], [])
    (clash, other) = nat._components([{"name": "Mới"}], [{"code": "TP1", "name": "Cũ"}])

    assert (new["code"], new["file_types"], new["max_size_mb"]) == (
        "TP9",
        nat.DEFAULT_FILE_TYPES,
        nat.DEFAULT_MAX_MB,
    )
    assert (clash["code"], other["code"]) == ("TP2", "TP1")


def test_the_field_by_code_else_by_name():
    assert nat._field_code({"field_code": "dat-dai", "field": "Hộ tịch"}, FIELDS) == "dat-dai"
    assert nat._field_code({"field_code": "x", "field": "dat dai"}, FIELDS) == "dat-dai"
    assert nat._field_code({"field": "Khác"}, FIELDS) is None


def test_a_new_procedure_is_offered_at_the_counter_by_its_agency():
    national = {**NATIONAL, "code": "1.000001", "field": "Khác"}

    added = nat.new_procedure(national, SimpleNamespace(id="ubnd-a"), FIELDS)

    assert added["performed_by"] == [{"agency_id": "ubnd-a"}]
    assert (added["level"], added["online_mode"], added["delivery_options"]) == (
        2,
        None,
        ["counter"],
    )
    assert added["field"] == "ho-tich" and added["result"]["electronic"] is False


@pytest.fixture
def catalog(monkeypatch):
    """The current catalog (LOCAL only), and what the import checked and published."""
    state = SimpleNamespace(checked=[], published=[], said=[])
    current = SimpleNamespace(
        agencies={"ubnd-a": SimpleNamespace(id="ubnd-a", id_code="000.00.01.H06",
                                            to_dict=lambda: {"id": "ubnd-a"})},
        procedures={"1.001193": SimpleNamespace(to_dict=lambda: copy.deepcopy(LOCAL))},
        fields=FIELDS,
    )  # fmt: skip

    def publish(document, forms, now, progress):
        state.published.append(document)
        return SimpleNamespace(version="v-new")

    monkeypatch.setattr(nat.catalog_service, "get_catalog", lambda: current)
    monkeypatch.setattr(nat.catalog_store, "current_version", lambda: {"province": "Bắc Ninh"})
    monkeypatch.setattr(nat.importer, "check", lambda d, f: state.checked.append(d) or {})
    monkeypatch.setattr(nat.importer, "publish", publish)
    return state


def export(*procedures) -> dict:
    return {"procedures": [copy.deepcopy(p) for p in procedures]}


NEW_KNOWN = {**NATIONAL, "code": "1.000001", "agency_id_code": "000.00.01.H06"}
NEW_UNKNOWN = {**NATIONAL, "code": "1.000002", "agency_id_code": "999"}


def test_a_dry_run_says_what_would_change_and_writes_nothing(catalog):
    report = nat.apply(export(NATIONAL, NEW_KNOWN, NEW_UNKNOWN), None, MONDAY, dry_run=True,
                       progress=catalog.said.append)  # fmt: skip

    assert report.added == ["1.000001"] and list(report.skipped) == ["1.000002"]
    assert {"name", "fees", "components", "keywords"} <= set(report.updated["1.001193"])
    assert catalog.published == [] and report.version is None
    assert len(catalog.checked) == 1  # checked whole all the same
    assert catalog.said[0].startswith("Chạy thử (không ghi gì): 1 thủ tục mới, 1 cập nhật")


def test_an_import_publishes_the_merged_catalog(catalog):
    report = nat.apply(export(NATIONAL), None, MONDAY, progress=catalog.said.append)

    assert report.version == "v-new"
    (document,) = catalog.published
    assert document["procedures"][0]["name"] == "Đăng ký khai sinh"
    assert document["province"] == "Bắc Ninh" and document["version"] == "2026.03"


def test_nothing_changed_publishes_nothing(catalog):
    merged = nat.merge(copy.deepcopy(LOCAL), NATIONAL, FIELDS)
    catalog_again = nat.catalog_service.get_catalog()
    catalog_again.procedures["1.001193"].to_dict = lambda: copy.deepcopy(merged)

    report = nat.apply(export(NATIONAL), None, MONDAY, progress=catalog.said.append)

    assert report.unchanged == ["1.001193"] and catalog.published == []


def test_an_export_not_in_the_layout_is_refused_whole(catalog):
    with pytest.raises(ValidationFailed):
        nat.apply({"procedures": [{"code": "x"}]}, None, MONDAY, progress=catalog.said.append)
    assert catalog.checked == []


def test_csv_rows_hold_json_in_the_nested_columns():
    text = 'code,name,channels,keywords\n1.000001,Thủ tục A,"[{""channel"": ""online""}]",\n'

    assert nat._from_csv(text) == {"procedures": [
        {"code": "1.000001", "name": "Thủ tục A", "channels": [{"channel": "online"}],
         "keywords": []}]}  # fmt: skip
    with pytest.raises(ValidationFailed) as refused:
        nat._from_csv("code,steps\n1.000001,[oops\n")
    assert [d.field for d in refused.value.details] == ["dòng 2, cột steps"]
