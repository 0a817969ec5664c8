"""Nothing is issued unsigned: an unreadable or encrypted PDF and a certificate that may not sign
stop the step with a clear error; a signed result is stored under a new id, its verification
link inside, and the dossier's result records the signature."""

from types import SimpleNamespace

import pytest

from chalicelib.domain import documents
from chalicelib.domain.errors import InvalidTransition, ValidationFailed
from chalicelib.integrations import pades
from chalicelib.services.documents import issuing
from tests import builders

UPLOADED = {"key": "results/D/kq.pdf", "filename": "kq.pdf", "content_type": "application/pdf"}


@pytest.fixture
def signer(monkeypatch):
    """The signing path (set `pdf` or `cert` to a reason to refuse) and what was stored."""
    state = SimpleNamespace(stored={"results/D/kq.pdf": b"%PDF result"}, pdf=None, cert=None)

    def open_pdf(data):
        if state.pdf:
            raise pades.PdfRejected(state.pdf)

    def check_certificate(credential, trust, now):
        if state.cert:
            raise pades.CertificateRejected(state.cert)

    def sign(data, credential, url, reason, location):
        return data + f" signed for {url}".encode()

    monkeypatch.setattr(pades, "open_pdf", open_pdf)
    monkeypatch.setattr(pades, "check_certificate", check_certificate)
    monkeypatch.setattr(pades, "sign", sign)
    monkeypatch.setattr(pades, "common_name", lambda certificate: "UBND phường Kinh Bắc")
    monkeypatch.setattr(
        issuing.signing, "credential", lambda agency: SimpleNamespace(certificate=1)
    )
    monkeypatch.setattr(issuing.signing, "trust", lambda: None)
    monkeypatch.setattr(issuing.storage, "read", lambda bucket, key: state.stored.get(key))
    monkeypatch.setattr(
        issuing.storage, "put", lambda b, key, data, t: state.stored.update({key: data})
    )
    return state


def test_a_result_is_signed_stored_under_a_new_id_and_recorded(signer):
    dossier = builders.dossier(owner="citizen-1", extra={"result_document": dict(UPLOADED)})

    document = issuing.sign_result(dossier, builders.MONDAY)

    signed = signer.stored[document.key]
    assert issuing.verification_url(document.document_id).encode() in signed
    assert (document.kind, document.owner, document.sha256) == (
        documents.RESULT,
        "citizen-1",
        documents.sha256(signed),
    )
    recorded = dossier.extra["result_document"]
    assert (
        recorded["document_id"] == document.document_id and recorded["signed_key"] == document.key
    )


def test_no_upload_or_an_already_signed_one_signs_nothing(signer):
    assert issuing.sign_result(builders.dossier(), builders.MONDAY) is None
    signed = {**UPLOADED, "document_id": "d" * 32}
    assert (
        issuing.sign_result(builders.dossier(extra={"result_document": signed}), builders.MONDAY)
        is None
    )


@pytest.mark.parametrize(("pdf", "cert", "error"), [
    ("encrypted", None, ValidationFailed),
    ("unparsable", None, ValidationFailed),
    (None, "expired", InvalidTransition),
    (None, "revoked", InvalidTransition),
])  # fmt: skip
def test_nothing_is_issued_unsigned(signer, pdf, cert, error):
    signer.pdf, signer.cert = pdf, cert
    dossier = builders.dossier(extra={"result_document": dict(UPLOADED)})

    with pytest.raises(error):
        issuing.sign_result(dossier, builders.MONDAY)

    assert list(signer.stored) == ["results/D/kq.pdf"]
    assert "document_id" not in dossier.extra["result_document"]


def test_a_result_not_uploaded_yet_is_refused(signer):
    del signer.stored["results/D/kq.pdf"]

    with pytest.raises(ValidationFailed, match="chưa được tải lên"):
        issuing.sign_result(
            builders.dossier(extra={"result_document": dict(UPLOADED)}), builders.MONDAY
        )
