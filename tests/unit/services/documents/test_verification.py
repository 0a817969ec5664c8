"""Public verification of a signed document: valid only when the stored copy is intact and its
signature holds; a file someone holds matches only byte for byte; nothing personal is shown;
an unsigned or unknown id is not found."""

from types import SimpleNamespace

import pytest

from chalicelib.domain import documents
from chalicelib.domain.errors import NotFound
from chalicelib.integrations import pades
from chalicelib.services.documents import verification
from tests import builders

PDF = b"%PDF-1.7 signed result"
SIGNED = builders.document(
    document_id="a" * 32,
    kind=documents.RESULT,
    sha256=documents.sha256(PDF),
    signed_by="UBND phường Kinh Bắc",
    signed_at=builders.MONDAY,
)


@pytest.fixture
def held(monkeypatch):
    """The stored bytes by key, and the signature verdict of each content."""
    files = {SIGNED.key: PDF}
    valid = {PDF}
    monkeypatch.setattr(verification.document_store, "get", {SIGNED.document_id: SIGNED}.get)
    monkeypatch.setattr(verification.storage, "read", lambda bucket, key: files.get(key))
    monkeypatch.setattr(verification.signing, "trust", lambda: None)

    def verify(data, trust, signed_at):
        return SimpleNamespace(valid=data in valid)

    monkeypatch.setattr(pades, "verify", verify)
    return SimpleNamespace(files=files, valid=valid)


def test_an_intact_validly_signed_document_is_valid_and_shows_nothing_personal(held):
    found = verification.verification(SIGNED.document_id)

    assert found["valid"] is True and found["signed_by"] == "UBND phường Kinh Bắc"
    assert set(found) == {"document_id", "valid", "kind", "signed_by", "signed_at", "sha256",
                          "dossier_code"}  # fmt: skip


def test_a_stored_copy_that_changed_or_went_missing_is_not_valid(held):
    held.files[SIGNED.key] = PDF + b" "
    held.valid.add(PDF + b" ")
    assert verification.verification(SIGNED.document_id)["valid"] is False

    del held.files[SIGNED.key]
    assert verification.verification(SIGNED.document_id)["valid"] is False


def test_a_held_file_matches_only_byte_for_byte(held):
    same = verification.compare(SIGNED.document_id, PDF)
    other = verification.compare(SIGNED.document_id, PDF.replace(b"1.7", b"1.6"))

    assert (same["matches"], same["file_signature_valid"]) == (True, True)
    assert (other["matches"], other["file_signature_valid"]) == (False, False)


@pytest.mark.parametrize("document_id", ["a" * 31, "z" * 32, "b" * 32])
def test_unknown_or_malformed_ids_are_not_found(held, document_id):
    with pytest.raises(NotFound):
        verification.verification(document_id)


def test_an_unsigned_document_is_not_found(held, monkeypatch):
    unsigned = builders.document(document_id="c" * 32)
    monkeypatch.setattr(verification.document_store, "get", {unsigned.document_id: unsigned}.get)

    with pytest.raises(NotFound):
        verification.verification(unsigned.document_id)
