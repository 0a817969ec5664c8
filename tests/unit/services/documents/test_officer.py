"""A result generated from the standard template: only for procedures whose result is a
standard document, only before the decision; the form's answers are labelled by its schema."""

from types import SimpleNamespace

import pytest

from chalicelib.domain.dossier import Status
from chalicelib.domain.errors import InvalidTransition
from chalicelib.domain.principal import Principal
from chalicelib.services.documents import officer
from tests import builders

SPECIALIST = Principal("specialist-1", "specialist", "ubnd-a")
SCHEMA = {"properties": {
    "ho_ten": {"title": "Họ và tên"},
    "noi_sinh": {"title": "Nơi sinh", "properties": {"tinh": {"title": "Tỉnh"}}},
    "song_thai": {"title": "Sinh đôi"},
    "giay_to": {"title": "Giấy tờ"},
    "ghi_chu": {"title": "Ghi chú"},
}}  # fmt: skip
FORM = {"ho_ten": "Nguyễn Văn An", "noi_sinh": {"tinh": "Bắc Ninh"}, "song_thai": False,
        "giay_to": ["CCCD", "Giấy chứng sinh"], "ghi_chu": ""}  # fmt: skip


def test_the_forms_answers_are_labelled_by_its_schema_and_empty_ones_left_out():
    assert list(officer._walk(SCHEMA, FORM, "")) == [
        ("Họ và tên", "Nguyễn Văn An"),
        ("Nơi sinh › Tỉnh", "Bắc Ninh"),
        ("Sinh đôi", "Không"),
        ("Giấy tờ", "CCCD, Giấy chứng sinh"),
    ]


@pytest.fixture
def generate(monkeypatch):
    stored, saved = {}, []

    def run(status=Status.IN_PROGRESS, result=None):
        procedure = {"code": "1.001193", "name": "Đăng ký khai sinh", "agency_name": "UBND A",
                     "result": result}  # fmt: skip
        dossier = builders.dossier(status=status, procedure=procedure, form=FORM)
        monkeypatch.setattr(officer.workflow, "load_to_decide", lambda code, p: dossier)
        return officer.result_from_template(dossier.code, SPECIALIST, builders.MONDAY)

    monkeypatch.setattr(officer.catalog_service, "get_form", lambda code: SCHEMA)
    monkeypatch.setattr(officer.pdf, "render_pdf", lambda doc: b"%PDF " + doc.title.encode())
    monkeypatch.setattr(officer.storage, "put", lambda b, key, data, k: stored.update({key: data}))
    monkeypatch.setattr(officer.dossier_store, "save", lambda d, v: saved.append(d))
    return SimpleNamespace(run=run, stored=stored, saved=saved)


def test_a_standard_result_is_rendered_stored_and_attached_for_the_leader_to_sign(generate):
    answer = generate.run(result={"name": "Giấy khai sinh", "template": "khai-sinh"})

    document = answer["result_document"]
    assert document["from_template"] is True and document["attached_by"] == "specialist-1"
    assert document["key"].startswith("results/") and document["filename"].endswith(".pdf")
    assert generate.stored[document["key"]] == "%PDF Giấy khai sinh".encode()
    assert generate.saved[0].extra["result_document"] == document


def test_no_template_or_a_decided_dossier_generates_nothing(generate):
    with pytest.raises(InvalidTransition, match="không phải văn bản theo mẫu"):
        generate.run(result={"name": "Quyết định"})
    with pytest.raises(InvalidTransition, match="trước khi phê duyệt"):
        generate.run(Status.RESULT_READY, {"name": "Giấy khai sinh", "template": "khai-sinh"})
    assert generate.stored == {}
