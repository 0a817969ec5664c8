"""The printable forms of Circular 03/2025/TT-VPCP as documents: dated at the commune of a
commune agency (else the province), with the dossier's code and the officer's last note of the
matching step; an unknown form number is not found."""

from datetime import timedelta
from types import SimpleNamespace

import pytest

from chalicelib.documents.pdf import Paragraph, Title
from chalicelib.domain.errors import NotFound
from chalicelib.services.dossiers import forms
from tests import builders

COMMUNE = SimpleNamespace(name="Ủy ban nhân dân phường Kinh Bắc", level="commune",
                          data={"address": "1 Lý Thái Tổ", "phone": "0222 3822 123"})  # fmt: skip
STOP = {"action": "stop", "at": (builders.MONDAY + timedelta(days=2)).isoformat(),
        "public_note": "Theo yêu cầu của cơ quan có thẩm quyền"}  # fmt: skip


@pytest.fixture
def form(monkeypatch):
    catalog = SimpleNamespace(agency=lambda agency_id: COMMUNE)
    monkeypatch.setattr(forms.catalog_service, "get_catalog", lambda: catalog)
    monkeypatch.setattr(forms.dossier_store, "history", lambda code: [STOP])

    def make(number, **changes):
        return forms.form_document(builders.make_dossier(**changes), number)

    return make


def text(document) -> str:
    return "\n".join(getattr(b, "text", "") for b in document.blocks)


def test_a_form_names_its_number_the_dossier_and_the_agency(form):
    document = form("05")

    assert document.title.startswith("Mẫu số 05. Thông báo dừng giải quyết hồ sơ")
    assert document.keywords == ("000.00.01.H06-260302-0001", "mau-so-05")
    assert document.author == COMMUNE.name and forms.LEGAL_BASIS in document.subject
    assert any(isinstance(b, Title) and "000.00.01.H06-260302-0001" in b.subtitle
               for b in document.blocks)  # fmt: skip


def test_the_stop_notice_gives_the_officers_public_reason_and_the_commune_as_place(form):
    body = text(form("05"))

    assert "Theo yêu cầu của cơ quan có thẩm quyền" in body
    assert any(isinstance(b, Paragraph) and b.text.startswith("Kinh Bắc, ngày")
               for b in form("05").blocks)  # fmt: skip


def test_an_unknown_form_is_not_found(form):
    with pytest.raises(NotFound):
        form("07")


def test_time_limits_and_register_entries():
    assert forms._time_limit({"value": 10, "unit": "working_days"}) == "10 ngày làm việc"
    assert forms._time_limit({"value": 1, "unit": "working_days", "same_day": True}).startswith(
        "Trong ngày làm việc"
    )
    assert forms.book_and_sequence("000.00.51.H06-250303-0042") == ("250303", "0042")
