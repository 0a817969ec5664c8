"""The citizen answers a supplement request: changed form fields and new files checked like a
submission, then the `resubmit` transition; nothing to answer, or an empty answer, is refused."""

from types import SimpleNamespace

import pytest

from chalicelib.domain.dossier import Status
from chalicelib.domain.errors import InvalidTransition, ValidationFailed
from chalicelib.services.dossiers import supplements
from tests import builders

NEW_FILE = SimpleNamespace(attachment={"component_code": "TP2", "key": "k2"})


@pytest.fixture
def answer(monkeypatch):
    """Answer a dossier in `status` with `body`; what was saved."""
    saved = []

    def run(status, body, files=()):
        dossier = builders.make_dossier(status)
        dossier.form = {"ho_ten": "A", "noi_sinh": "Bắc Ninh"}
        monkeypatch.setattr(supplements, "authorized", lambda *args: dossier)
        monkeypatch.setattr(supplements.uploads, "check", lambda *args: list(files))
        monkeypatch.setattr(supplements.uploads, "mark_used", lambda checked, code: [])
        monkeypatch.setattr(supplements.uploads, "move_out_of_quarantine", lambda *args: None)
        answer = supplements.answer(dossier.code, None, body, "10.0.0.1", builders.MONDAY)
        return dossier, answer

    procedure = SimpleNamespace(code="1.000894")
    monkeypatch.setattr(supplements.catalog_service, "get_procedure", lambda code: procedure)
    monkeypatch.setattr(supplements.catalog_service, "get_form", lambda code: {"type": "object"})
    monkeypatch.setattr(supplements.deadlines, "calendar", lambda agency: builders.CALENDAR)
    monkeypatch.setattr(supplements.dossier_store, "save", lambda d, v, also: saved.append(v) or [])
    monkeypatch.setattr(supplements.dossier_store, "history", lambda code: [])
    monkeypatch.setattr(supplements.receipts, "status_view", lambda d, h: {"status": d.status})
    run.saved = saved
    return run


def test_an_answer_merges_the_form_adds_the_files_and_resubmits(answer):
    dossier, view = answer(Status.SUPPLEMENT_REQUESTED, {"form": {"noi_sinh": "Hà Nội"}},
                           [NEW_FILE])  # fmt: skip

    assert dossier.form == {"ho_ten": "A", "noi_sinh": "Hà Nội"}
    assert dossier.attachments[-1] == NEW_FILE.attachment
    assert view["status"] is not Status.SUPPLEMENT_REQUESTED and dossier.requested is None
    assert answer.saved == [0]  # checked against the version the dossier had


def test_an_empty_answer_is_refused(answer):
    with pytest.raises(ValidationFailed) as refused:
        answer(Status.SUPPLEMENT_REQUESTED, {})

    assert refused.value.details[0].field == "attachments"


def test_nothing_to_answer_without_a_pending_request(answer):
    with pytest.raises(InvalidTransition, match="yêu cầu bổ sung"):
        answer(Status.IN_PROGRESS, {"form": {"noi_sinh": "Hà Nội"}})
