"""The citizen's document wallet: only the owner reaches a document (anyone else's id is not
found); a new dossier may reuse one that fits the component; an owned dossier's accepted files
join the wallet, a reused copy does not join twice."""

from types import SimpleNamespace

import pytest

from chalicelib.domain.catalog import Component
from chalicelib.domain.errors import FieldError, NotFound
from chalicelib.domain.principal import Principal
from chalicelib.services.documents import wallet
from tests import builders

OWNER, STRANGER = Principal("citizen-1", "citizen"), Principal("citizen-2", "citizen")
PDF_ONLY = Component("TP1", "Giấy chứng sinh", True, ("application/pdf",), 5 * 1024 * 1024)
PROCEDURE = SimpleNamespace(component={"TP1": PDF_ONLY}.get)


@pytest.fixture
def stored(monkeypatch):
    documents = {}
    monkeypatch.setattr(wallet.document_store, "get", documents.get)
    return documents


def test_only_the_owner_reaches_a_document(stored):
    mine = builders.document()
    stored[mine.document_id] = mine

    assert wallet.owned(OWNER, mine.document_id) is mine
    for who, document_id in [(STRANGER, mine.document_id), (OWNER, "short"), (OWNER, "f" * 32)]:
        with pytest.raises(NotFound):
            wallet.owned(who, document_id)


def test_a_reused_document_must_be_the_callers_and_fit_the_component(stored):
    fits = builders.document(document_id="a" * 32)
    image = builders.document(document_id="b" * 32, content_type="image/png")
    large = builders.document(document_id="c" * 32, size_bytes=6 * 1024 * 1024)
    theirs = builders.document(document_id="d" * 32, owner="citizen-2")
    stored.update({d.document_id: d for d in (fits, image, large, theirs)})
    items = [{"component_code": "TP1", "document_id": d.document_id} for d in stored.values()]
    items.append({"component_code": "TP1", "upload_id": "u"})  # a new upload: not the wallet's
    problems: list[FieldError] = []

    chosen = wallet.check_reused(items, PROCEDURE, OWNER, problems)

    assert [d.document_id for d, _ in chosen] == [fits.document_id]
    assert [(p.field, p.message) for p in problems] == [
        ("attachments[1].document_id", "Kiểu tệp không được chấp nhận cho thành phần này"),
        ("attachments[2].document_id", "Tệp lớn hơn dung lượng cho phép"),
        ("attachments[3].document_id", wallet.NOT_YOURS),
    ]


def test_an_anonymous_filer_reuses_nothing(stored):
    mine = builders.document()
    stored[mine.document_id] = mine
    problems: list[FieldError] = []

    item = {"component_code": "TP1", "document_id": mine.document_id}
    assert wallet.check_reused([item], PROCEDURE, None, problems) == []
    assert problems[0].message == wallet.NOT_YOURS


def test_an_owned_dossiers_uploaded_files_join_the_wallet_once():
    attachments = [
        {"component_code": "TP1", "filename": "a.pdf", "content_type": "application/pdf",
         "size_bytes": 10, "key": "attachments/x/a.pdf"},
        {"component_code": "TP2", "filename": "b.pdf", "content_type": "application/pdf",
         "size_bytes": 10, "key": "attachments/y/b.pdf", "reused": True},
    ]  # fmt: skip
    owned = builders.dossier(owner="citizen-1", attachments=attachments)

    joined = wallet.accepted_attachments(owned, builders.MONDAY)

    assert [(d.owner, d.key, d.component_code) for d in joined] == [
        ("citizen-1", "attachments/x/a.pdf", "TP1")
    ]
    anonymous = builders.dossier(attachments=attachments)
    assert wallet.accepted_attachments(anonymous, builders.MONDAY) == []
