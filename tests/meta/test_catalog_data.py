"""The Bắc Ninh sample catalog and the application-form schemas agree with the rules."""

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

ROOT = Path(__file__).resolve().parents[2]
CATALOG_PATH = ROOT / "chalicelib" / "data" / "catalog" / "bac-ninh.json"
CATALOG_SCHEMA_PATH = ROOT / "schemas" / "data" / "catalog.schema.json"
FORMS_DIR = ROOT / "schemas" / "forms"
FORM_PATHS = sorted(FORMS_DIR.glob("*.json"))


def load(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


CATALOG = load(CATALOG_PATH)
PROCEDURES = CATALOG["procedures"]
AGENCIES = {a["id"]: a for a in CATALOG["agencies"]}
ONLINE_PROCEDURES = [p for p in PROCEDURES if p["level"] >= 3]


def validator(schema: dict) -> Draft202012Validator:
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def errors(schema: dict, instance) -> list[str]:
    found = validator(schema).iter_errors(instance)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in found]


def walk(schema: dict, path: str = ""):
    """Yield (path, subschema) for every property and array item of a form, depth first."""
    for name, sub in schema.get("properties", {}).items():
        yield f"{path}/{name}", sub
        yield from walk(sub, f"{path}/{name}")
    if isinstance(schema.get("items"), dict):
        yield f"{path}[]", schema["items"]
        yield from walk(schema["items"], f"{path}[]")


def objects(schema: dict, path: str = ""):
    if schema.get("type") == "object":
        yield path or "/", schema
    for sub_path, sub in walk(schema, path):
        if sub.get("type") == "object":
            yield sub_path, sub


form_params = pytest.mark.parametrize("path", FORM_PATHS, ids=lambda p: p.stem)


class TestCatalogFile:
    def test_the_catalog_validates_against_the_catalog_schema(self):
        schema = load(CATALOG_SCHEMA_PATH)

        Draft202012Validator.check_schema(schema)
        assert errors(schema, CATALOG) == []

    def test_the_catalog_schema_rejects_unknown_keys(self):
        schema = load(CATALOG_SCHEMA_PATH)
        procedure = {**PROCEDURES[0], "unexpected": 1}

        assert errors(schema, {**CATALOG, "procedures": [procedure]}) != []

    def test_the_catalog_schema_rejects_a_level_4_procedure_not_delivered_online(self):
        schema = load(CATALOG_SCHEMA_PATH)
        procedure = next(p for p in PROCEDURES if p["level"] == 4)
        offline = {**procedure, "delivery_options": ["counter"]}

        assert errors(schema, {**CATALOG, "procedures": [offline]}) != []

    def test_the_catalog_is_for_bac_ninh(self):
        assert CATALOG["province"] == "Bắc Ninh"


class TestAgencies:
    def test_agency_ids_and_identifier_codes_are_unique(self):
        assert len(AGENCIES) == len(CATALOG["agencies"])
        codes = Counter(a["id_code"] for a in CATALOG["agencies"])
        assert [c for c, n in codes.items() if n > 1] == []

    def test_every_parent_agency_exists_and_only_the_provincial_committee_has_none(self):
        roots = [a["id"] for a in AGENCIES.values() if a["parent_id"] is None]

        assert roots == ["ubnd-tinh"]
        assert [
            a["id"] for a in AGENCIES.values() if a["parent_id"] and a["parent_id"] not in AGENCIES
        ] == []

    def test_there_is_a_public_administration_service_centre_and_departments(self):
        levels = Counter(a["level"] for a in AGENCIES.values())

        assert levels["centre"] >= 1
        assert levels["province"] >= 10

    def test_every_commune_and_ward_of_the_new_province_is_there(self):
        committees = [a for a in AGENCIES.values() if a["name"].startswith("Ủy ban nhân dân ")]
        wards = [a for a in committees if a["name"].startswith("Ủy ban nhân dân phường ")]
        communes = [a for a in committees if a["name"].startswith("Ủy ban nhân dân xã ")]

        assert (len(wards), len(communes)) == (33, 66)
        assert all(a["level"] == "commune" and a["parent_id"] == "ubnd-tinh" for a in wards)
        assert all(a["level"] == "commune" and a["parent_id"] == "ubnd-tinh" for a in communes)
        names = {a["name"] for a in committees}
        assert {
            "Ủy ban nhân dân phường Kinh Bắc",
            "Ủy ban nhân dân phường Bắc Giang",
            "Ủy ban nhân dân phường Tân Tiến",
            "Ủy ban nhân dân xã Hợp Thịnh",
            "Ủy ban nhân dân xã Tuấn Đạo",
        } <= names

    def test_identifier_codes_follow_the_h06_scheme(self):
        pattern = re.compile(r"^[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.H06$")

        assert [a["id"] for a in AGENCIES.values() if not pattern.match(a["id_code"])] == []


class TestProcedures:
    def test_procedure_codes_are_unique(self):
        codes = Counter(p["code"] for p in PROCEDURES)

        assert [c for c, n in codes.items() if n > 1] == []

    def test_every_procedure_agency_exists_among_agencies(self):
        named = [(p["code"], e.get("agency_id")) for p in PROCEDURES for e in p["performed_by"]]

        assert [(code, a) for code, a in named if a is not None and a not in AGENCIES] == []

    def test_commune_level_procedures_of_the_people_s_committee_are_performed_by_all_communes(
        self,
    ):
        everywhere = [p for p in PROCEDURES if {"all_communes": True} in p["performed_by"]]

        assert {"1.001193", "1.000894", "2.000635"} <= {p["code"] for p in everywhere}
        assert all(p["government_level"] == "commune" for p in everywhere)

    def test_every_procedure_field_exists_among_fields(self):
        fields = {f["code"] for f in CATALOG["fields"]}

        assert [p["code"] for p in PROCEDURES if p["field"] not in fields] == []

    def test_a_procedure_is_handled_by_an_agency_of_its_government_level(self):
        expected = {"commune": {"commune"}, "province": {"province", "centre"}}
        mismatched = [
            p["code"]
            for p in PROCEDURES
            for e in p["performed_by"]
            if "agency_id" in e
            and AGENCIES[e["agency_id"]]["level"] not in expected[p["government_level"]]
        ]

        assert mismatched == []

    def test_there_are_at_least_25_procedures_at_both_government_levels(self):
        assert len(PROCEDURES) >= 25
        assert {p["government_level"] for p in PROCEDURES} == {"commune", "province"}

    def test_levels_2_3_and_4_and_both_online_modes_are_present(self):
        assert {p["level"] for p in PROCEDURES} == {2, 3, 4}
        assert {p["online_mode"] for p in PROCEDURES} == {None, "mot_phan", "toan_trinh"}
        assert sum(1 for p in PROCEDURES if p["level"] == 4) >= 8

    def test_online_mode_follows_the_level(self):
        expected = {2: None, 3: "mot_phan", 4: "toan_trinh"}

        assert [p["code"] for p in PROCEDURES if p["online_mode"] != expected[p["level"]]] == []

    def test_birth_registration_is_a_free_same_day_full_online_service(self):
        birth = next(p for p in PROCEDURES if p["code"] == "1.001193")

        assert birth["name"] == "Đăng ký khai sinh"
        assert (birth["level"], birth["online_mode"]) == (4, "toan_trinh")
        assert birth["processing_time"]["same_day"] is True
        assert {f["amount"] for f in birth["fees"]} == {0}

    def test_at_least_one_time_limit_is_stated_in_hours_and_one_in_calendar_days(self):
        units = {p["processing_time"]["unit"] for p in PROCEDURES}

        assert units == {"working_days", "days", "hours"}

    def test_the_same_day_rule_only_applies_to_one_day_limits(self):
        wrong = [
            p["code"]
            for p in PROCEDURES
            if p["processing_time"]["same_day"]
            and (p["processing_time"]["value"], p["processing_time"]["unit"]) != (1, "working_days")
        ]

        assert wrong == []

    def test_each_fee_channel_appears_once_and_online_fees_only_for_online_services(self):
        for p in PROCEDURES:
            channels = [f["channel"] for f in p["fees"]]
            assert len(channels) == len(set(channels)), p["code"]
            assert ("online" in channels) == (p["level"] >= 3), p["code"]

    def test_an_online_fee_is_never_higher_than_the_counter_fee(self):
        for p in PROCEDURES:
            amounts = {f["channel"]: f["amount"] for f in p["fees"]}
            if "online" in amounts and "counter" in amounts:
                assert amounts["online"] <= amounts["counter"], p["code"]

    def test_component_codes_are_unique_within_a_procedure(self):
        for p in PROCEDURES:
            codes = [c["code"] for c in p["components"]]
            assert len(codes) == len(set(codes)), p["code"]

    def test_level_4_is_delivered_online_and_level_3_not_only_online(self):
        for p in PROCEDURES:
            if p["level"] == 4:
                assert "online" in p["delivery_options"], p["code"]
            if p["level"] == 3:
                assert set(p["delivery_options"]) - {"online"}, p["code"]


class TestFormFiles:
    def test_every_online_procedure_has_its_form_file(self):
        for p in ONLINE_PROCEDURES:
            assert p["form_schema"] == f"forms/{p['code']}.json", p["code"]
            assert (FORMS_DIR / f"{p['code']}.json").is_file(), p["code"]

    def test_level_2_procedures_have_no_form(self):
        assert [
            p["code"] for p in PROCEDURES if p["level"] == 2 and p["form_schema"] is not None
        ] == []

    def test_every_form_file_belongs_to_an_online_procedure(self):
        online_codes = {p["code"] for p in ONLINE_PROCEDURES}

        assert sorted(path.stem for path in FORM_PATHS) == sorted(online_codes)


class TestFormSchemas:
    @form_params
    def test_the_form_is_a_valid_2020_12_schema_with_an_id_matching_its_file(self, path):
        schema = load(path)

        Draft202012Validator.check_schema(schema)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["$id"] == f"forms/{path.stem}.json"

    @form_params
    def test_the_form_examples_validate(self, path):
        schema = load(path)

        assert schema.get("examples"), "a form needs at least one example"
        for example in schema["examples"]:
            assert errors(schema, example) == []

    @form_params
    def test_the_form_rejects_an_empty_application(self, path):
        schema = load(path)

        assert errors(schema, {}) != []

    @form_params
    def test_every_object_in_the_form_is_closed_and_lists_its_required_fields(self, path):
        for where, obj in objects(load(path)):
            assert obj.get("additionalProperties") is False, where
            assert set(obj.get("required", [])) <= set(obj["properties"]), where

    @form_params
    def test_every_form_field_has_a_vietnamese_title(self, path):
        schema = load(path)

        assert schema.get("title")
        assert [where for where, sub in walk(schema) if not sub.get("title")] == []

    @form_params
    def test_every_free_text_field_has_a_length_limit(self, path):
        unbounded = [
            where
            for where, sub in walk(load(path))
            if sub.get("type") == "string"
            and "enum" not in sub
            and "format" not in sub
            and "maxLength" not in sub
        ]

        assert unbounded == []

    @form_params
    def test_the_form_is_short_enough_to_fill_in_a_few_minutes(self, path):
        leaves = [
            where for where, sub in walk(load(path)) if sub.get("type") not in ("object", "array")
        ]

        assert 6 <= len(leaves) <= 15
