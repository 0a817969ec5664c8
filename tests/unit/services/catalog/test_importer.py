"""Importing a catalog checks everything before writing anything: every problem comes with its
path (or, from a CSV, its line); CSV cells hold JSON or plain lists of performers; a re-import
keeps the version of each procedure that did not change and raises the one of each that did;
the new version is published in one step and the previous one deleted after."""

import copy
import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from chalicelib.domain.errors import ValidationFailed
from chalicelib.services.catalog import importer
from tests.builders import MONDAY

ROOT = Path(__file__).resolve().parents[4]
FORMS = ROOT / "schemas"
SAMPLE = json.loads((ROOT / "chalicelib/data/catalog/bac-ninh.json").read_text(encoding="utf-8"))


def sample() -> dict:
    return copy.deepcopy(SAMPLE)


def fields(problems) -> list[str]:
    return [p.field for p in problems]


def test_the_sample_catalog_passes_with_its_forms():
    forms = importer.check(sample(), FORMS)

    assert "1.001193" in forms and forms["1.001193"]["type"] == "object"


def test_every_problem_of_the_catalog_is_named_at_once():
    document = sample()
    first, second = document["procedures"][0], document["procedures"][1]
    second["code"] = first["code"]
    first["performed_by"] = [{"agency_id": "ubnd-khong-co"}]
    first["internal_process"][0]["share"] = 11
    first["field"] = "khong-co"
    document["agencies"].append(dict(document["agencies"][0]))

    with pytest.raises(ValidationFailed) as refused:
        importer.check(document, FORMS)

    assert set(fields(refused.value.details)) == {
        "procedures[0].performed_by[0].agency_id", "procedures[0].internal_process",
        "procedures[0].field", "procedures[1].code", "agencies",
    }  # fmt: skip


def test_an_internal_process_needs_unique_steps_known_agencies_and_100_percent():
    steps = [{"code": "a", "share": 50}, {"code": "a", "share": 30, "agency_id": "x"}]

    problems = importer._process_problems(steps, {"ubnd-a"}, "procedures[3]")

    assert fields(problems) == ["procedures[3].internal_process[1].code",
                                "procedures[3].internal_process[1].agency_id",
                                "procedures[3].internal_process"]  # fmt: skip
    assert "80" in problems[-1].message


def test_a_form_that_is_missing_or_not_a_schema_is_named(tmp_path):
    (tmp_path / "bad.json").write_text('{"type": 5}', encoding="utf-8")
    (tmp_path / "broken.json").write_text("{", encoding="utf-8")
    document = {"procedures": [{"code": "a", "form_schema": "none.json"},
                               {"code": "b", "form_schema": "bad.json"},
                               {"code": "c", "form_schema": "broken.json"},
                               {"code": "d", "form_schema": {"type": "object"}}]}  # fmt: skip

    forms, problems = importer._forms(document, tmp_path)

    assert list(forms) == ["d"]
    assert fields(problems) == [f"procedures[{i}].form_schema" for i in range(3)]


def test_a_json_syntax_error_names_its_line():
    with pytest.raises(ValidationFailed) as refused:
        importer.json_object('{\n"a": 1,\n}', "")
    assert fields(refused.value.details) == ["dòng 3"]
    with pytest.raises(ValidationFailed, match="đối tượng"):
        importer.json_object("[]", "Phải là một đối tượng JSON.")


def test_csv_cells_are_typed_and_bad_json_names_line_and_column():
    text = ("code,version,performed_by,fees,online_mode\n"
            "1.1,2,ubnd-a; ubnd-b,[],\n"
            "1.2,x,Tất cả xã phường,{oops,toan_trinh\n")  # fmt: skip

    with pytest.raises(ValidationFailed) as refused:
        importer.csv_rows(text, importer._csv_value)
    assert fields(refused.value.details) == ["dòng 3, cột fees"]

    rows = importer.csv_rows(text.replace("{oops", "[]"), importer._csv_value)
    performers = [{"agency_id": "ubnd-a"}, {"agency_id": "ubnd-b"}]
    assert rows[0] == {"code": "1.1", "version": 2, "fees": [], "online_mode": None,
                       "performed_by": performers}  # fmt: skip
    assert rows[1]["performed_by"] == [{"all_communes": True}] and rows[1]["version"] == "x"


def test_a_csv_row_not_matching_the_header_refuses_the_file():
    with pytest.raises(ValidationFailed) as refused:
        importer.csv_rows("code,name\n1.1,A,extra\n", importer._csv_value)
    assert fields(refused.value.details) == ["dòng 2"]


def test_problems_of_csv_procedures_are_told_by_line():
    document = {"procedures": [{"code": "kept"}, {"code": "1.2"}]}
    problem = importer.FieldError("procedures[1].online_mode", "sai")

    assert importer._to_line(problem, document, ["1.1", "1.2"]).field == "dòng 3, online_mode"
    kept = importer.FieldError("procedures[0].code", "sai")
    assert importer._to_line(kept, document, ["1.1", "1.2"]) is kept


@pytest.fixture
def stored(monkeypatch):
    """The current catalog (one procedure at version 3) and what the store was asked to do."""
    state = SimpleNamespace(calls=[], pointer={"version": "v-old"})
    old = {"code": "1.1", "version": 3, "name": "A", "form_schema": None}
    current = SimpleNamespace(
        procedure=lambda code: SimpleNamespace(version=3, to_dict=lambda: dict(old))
        if code == "1.1" else None
    )  # fmt: skip

    def write_snapshot(version, agencies, procedures, forms, progress):
        state.calls.append(("write", version, procedures, forms))
        progress(2)
        return 2

    monkeypatch.setattr(importer.catalog_store, "current_version", lambda: state.pointer)
    monkeypatch.setattr(importer.catalog_store, "write_snapshot", write_snapshot)
    monkeypatch.setattr(
        importer.catalog_store,
        "publish",
        lambda v, previous, meta: state.calls.append(("publish", v, previous)),
    )
    monkeypatch.setattr(importer.catalog_store, "delete_version",
                        lambda v: state.calls.append(("delete", v)))  # fmt: skip
    monkeypatch.setattr(importer.catalog_service, "get_catalog", lambda: current)
    monkeypatch.setattr(importer.catalog_service, "invalidate",
                        lambda: state.calls.append(("invalidate",)))  # fmt: skip
    return state


def test_a_reimport_keeps_unchanged_versions_and_raises_changed_ones(stored):
    def document(name):
        return {"agencies": [{"id": "ubnd-a"}], "version": "2026",
                "procedures": [{"code": "1.1", "version": 1, "name": name},
                               {"code": "1.2", "version": 1, "name": "B"}]}  # fmt: skip

    same = importer.publish(document("A"), {}, MONDAY, progress=lambda m: None)
    changed = importer.publish(document("A mới"), {"1.2": {}}, MONDAY, progress=lambda m: None)

    assert (same.added, same.updated, same.unchanged) == (["1.2"], [], 1)
    assert (changed.added, changed.updated, changed.unchanged) == (["1.2"], ["1.1"], 0)
    procedures = stored.calls[-4][2]
    assert [(p["code"], p["version"], p["form_schema"]) for p in procedures] == [
        ("1.1", 4, None), ("1.2", 1, "forms/1.2.json")
    ]  # fmt: skip
    assert same.version.startswith("20260302090000-") and same.version != changed.version
    assert [c[0] for c in stored.calls[-4:]] == ["write", "publish", "invalidate", "delete"]
    assert stored.calls[-1] == ("delete", "v-old")


def test_a_first_import_adds_everything_and_deletes_nothing(stored):
    stored.pointer = None
    said = []

    report = importer.publish({"agencies": [], "procedures": [{"code": "1.1", "version": 1}]},
                              {}, MONDAY, progress=said.append)  # fmt: skip

    assert report.added == ["1.1"] and report.items_written == 2
    assert [c[0] for c in stored.calls] == ["write", "publish", "invalidate"]
    assert said[0] == "Đã ghi 2/1 mục" and said[-1].startswith("Hoàn tất")
