"""A dossier's files are tagged for cheaper storage once it closes: its attachments in the
uploads bucket and every result under `results/<code>/`; an open status, an unknown status or a
dossier no longer stored tags nothing."""

from types import SimpleNamespace

import pytest

from chalicelib.domain.dossier import Status
from chalicelib.services.dossiers import closing
from tests.builders import MONDAY, dossier

CODE = "000.00.51.H06-250303-0001"


@pytest.fixture
def tagged(monkeypatch):
    tags: list[tuple[str, str, dict]] = []
    stored = dossier(
        code=CODE,
        status=Status.RETURNED,
        attachments=[{"code": "TP1", "key": "attachments/a/x.pdf"}, {"code": "TP2"}],
    )
    settings = SimpleNamespace(bucket_uploads="uploads", bucket_results="results")
    monkeypatch.setattr(closing, "get_settings", lambda: settings)
    monkeypatch.setattr(closing.dossier_store, "get", lambda code: stored if code == CODE else None)
    monkeypatch.setattr(
        closing.storage,
        "keys",
        lambda bucket, prefix: [f"{prefix}ket-qua.pdf"] if bucket == "results" else [],
    )
    monkeypatch.setattr(
        closing.storage, "add_tags", lambda bucket, key, tags_: tags.append((bucket, key, tags_))
    )
    return tags


def event(status, code=CODE) -> dict:
    return {"dossier_code": code, "data": {"status": status}}


def test_a_closed_dossier_tags_its_attachments_and_results(tagged):
    closing.on_event(event("returned"), MONDAY)

    assert tagged == [
        ("uploads", "attachments/a/x.pdf", closing.CLOSED_TAG),
        ("results", f"results/{CODE}/ket-qua.pdf", closing.CLOSED_TAG),
    ]


@pytest.mark.parametrize(
    "given",
    [event("in_progress"), event("submitted"), event("no-such-status"), {"dossier_code": CODE},
     event("returned", code="000.00.51.H06-250303-9999")],
)  # fmt: skip
def test_open_unknown_or_missing_tags_nothing(tagged, given):
    closing.on_event(given, MONDAY)

    assert tagged == []
