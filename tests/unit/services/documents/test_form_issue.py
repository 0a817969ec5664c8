"""Issuing a one-stop form: the deciding agency signs the form's PDF; Forms 01–05 join the
owner's wallet, Form 06 (the internal control slip) stays with the agency; the dossier keeps the
latest issue of each form, saved in one transaction with the new document."""

from dataclasses import replace
from types import SimpleNamespace

import pytest

from chalicelib.domain import documents
from chalicelib.domain.principal import Principal
from chalicelib.services.documents import form_issue
from tests import builders

LEADER = Principal("leader-1", "leader", "ubnd-phuong-kinh-bac")


@pytest.fixture
def issued(monkeypatch):
    """The stored dossier and what the issue asked of the renderer, signer and store."""
    state = SimpleNamespace(
        dossier=builders.dossier(owner="citizen-1", version=4, extra={}), calls=[], saved=[]
    )

    def load_to_decide(code, principal):
        state.calls.append(("load", code, principal))
        return state.dossier

    def sign_pdf(data, dossier, *, kind, name, reason, now, field):
        state.calls.append(("sign", data, kind, name, reason, field))
        return replace(
            builders.document(document_id="f" * 32, owner=dossier.owner, kind=kind),
            sha256="ab" * 32,
            signed_by="UBND phường Kinh Bắc",
        )

    def save(dossier, expected, also=()):
        state.saved.append((dossier.extra["issued_forms"], expected, also))
        dossier.version = expected + 1

    monkeypatch.setattr(form_issue.workflow, "load_to_decide", load_to_decide)
    monkeypatch.setattr(form_issue.forms, "form_document", lambda d, n, issuing: (n, issuing))
    monkeypatch.setattr(form_issue.pdf, "render_pdf", lambda doc: f"pdf of {doc}".encode())
    monkeypatch.setattr(form_issue.issuing, "sign_pdf", sign_pdf)
    monkeypatch.setattr(form_issue.issuing, "staging", lambda d: [("staged", d.owner, d.extra)])
    monkeypatch.setattr(form_issue.dossier_store, "save", save)
    return state


def test_a_form_is_signed_recorded_on_the_dossier_and_joins_the_wallet(issued):
    code = issued.dossier.code

    answer = form_issue.issue_form(code, "01", LEADER, builders.MONDAY)

    assert issued.calls[0] == ("load", code, LEADER)
    _, data, kind, name, reason, field = issued.calls[1]
    assert (data, kind, name, field) == (
        b"pdf of ('01', True)",
        documents.FORM,
        f"mau-so-01-{code}.pdf",
        "number",
    )
    assert reason.startswith("Mẫu số 01. ") and code in reason
    record = {
        "number": "01",
        "title": form_issue.forms.TITLES["01"],
        "document_id": "f" * 32,
        "sha256": "ab" * 32,
        "signed_by": "UBND phường Kinh Bắc",
        "signed_at": builders.MONDAY.isoformat(),
        "verification_url": "/xac-thuc/" + "f" * 32,
    }
    extra = {"form_number": "01", "issued_by": "leader-1"}
    assert issued.saved == [({"01": record}, 4, [("staged", "citizen-1", extra)])]
    assert answer == {**record, "in_wallet": True, "version": 5}


def test_the_control_slip_stays_with_the_agency(issued):
    answer = form_issue.issue_form(issued.dossier.code, "06", LEADER, builders.MONDAY)

    assert answer["in_wallet"] is False
    assert issued.saved[0][2][0][1] is None


def test_the_latest_issue_of_each_form_is_kept(issued):
    issued.dossier.extra["issued_forms"] = {
        "01": {"number": "01", "document_id": "old"},
        "02": {"number": "02", "document_id": "kept"},
    }

    form_issue.issue_form(issued.dossier.code, "01", LEADER, builders.MONDAY)

    forms = issued.dossier.extra["issued_forms"]
    assert (forms["01"]["document_id"], forms["02"]["document_id"]) == ("f" * 32, "kept")
