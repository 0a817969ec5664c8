"""A procedure's JSON Schema becomes form fields whose names are the API's error paths."""

import json
from pathlib import Path

from chalicelib.web.schema_form import ROW, build

FORMS = Path(__file__).resolve().parents[3] / "schemas" / "forms"


def form(code):
    return build(json.loads((FORMS / f"{code}.json").read_text(encoding="utf-8")))


def by_path(fields, path):
    for f in fields:
        if f.path == path:
            return f
        found = by_path(f.children + f.rows, path)
        if found:
            return found
    return None


def test_field_names_are_the_paths_the_api_reports_errors_at():
    fields = form("1.001193")

    assert by_path(fields, "form.me.ho_ten").label == "Họ, chữ đệm và tên của mẹ"
    assert by_path(fields, "form.me.ho_ten").id == "f-form-me-ho_ten"


def test_fields_of_a_required_group_are_required_and_of_an_optional_group_only_when_it_is_used():
    fields = form("1.001193")

    mother, father = by_path(fields, "form.me"), by_path(fields, "form.cha")
    assert mother.required and not mother.optional_group
    assert by_path(fields, "form.me.ho_ten").required
    assert father.optional_group
    assert not by_path(fields, "form.cha.ho_ten").required
    assert by_path(fields, "form.cha.ho_ten").group_required


def test_short_choices_are_radio_buttons_and_long_ones_a_list():
    fields = form("1.004873")

    assert by_path(fields, "form.tinh_trang_hon_nhan").kind == "radio"
    assert by_path(fields, "form.muc_dich_su_dung").kind == "select"


def test_constraints_become_attributes_the_browser_checks():
    fields = form("1.004873")

    id_number = by_path(fields, "form.nguoi_yeu_cau.so_dinh_danh")
    copies = by_path(fields, "form.so_ban")
    assert id_number.attrs["data-pattern"] == "^[0-9]{12}$"
    assert id_number.attrs["inputmode"] == "numeric"
    assert id_number.attrs["maxlength"] == 12
    assert by_path(fields, "form.nguoi_yeu_cau.ngay_sinh").kind == "date"
    assert by_path(fields, "form.nguoi_yeu_cau.so_dien_thoai").kind == "tel"
    assert (copies.kind, copies.value_type, copies.attrs["min"], copies.attrs["max"]) == (
        "number",
        "integer",
        1,
        5,
    )
    assert copies.default == 1


def test_a_list_of_objects_starts_with_its_minimum_rows_and_keeps_a_template_for_more():
    shareholders = by_path(form("2.002043"), "form.co_dong_sang_lap")

    assert shareholders.kind == "repeat"
    assert [r.path for r in shareholders.rows] == [f"form.co_dong_sang_lap[{i}]" for i in range(3)]
    assert shareholders.template.path == f"form.co_dong_sang_lap[{ROW}]"
    assert shareholders.max_items == 50


def test_defaults_are_not_prefilled_inside_an_optional_group():
    fields = form("1.004873")

    assert by_path(fields, "form.nguoi_du_dinh_ket_hon.quoc_tich").default is None
