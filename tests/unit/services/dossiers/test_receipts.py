"""What a citizen is shown of a dossier: the receipt reached by a capability (no personal data
in its URL), the status view without any officer's identity."""

from types import SimpleNamespace

import pytest

from chalicelib.domain.dossier import Status
from chalicelib.services.dossiers import receipts
from tests import builders

ENTRY = {"at": "2026-03-02T10:00:00+07:00", "action": "accept", "status_to": "accepted",
         "agency_id": "ubnd-phuong-kinh-bac", "actor_id": "receptionist-7",
         "actor_name": "Trần Thị B", "public_note": None, "note": "ghi chú nội bộ"}  # fmt: skip


@pytest.fixture
def agencies(monkeypatch):
    known = {"ubnd-phuong-kinh-bac": SimpleNamespace(name="UBND phường Kinh Bắc", data={})}
    catalog = SimpleNamespace(agency=known.get)
    monkeypatch.setattr(receipts.catalog_service, "get_catalog", lambda: catalog)


def test_the_receipt_token_is_per_dossier_and_stable():
    assert receipts.receipt_token("D-1") == receipts.receipt_token("D-1")
    assert receipts.receipt_token("D-1") != receipts.receipt_token("D-2")
    token = receipts.receipt_token("D-1")
    assert receipts.receipt_url("D-1").endswith(f"/v1/dossiers/D-1/receipt?t={token}")


def test_the_status_view_names_the_agency_never_the_officer(agencies):
    dossier = builders.dossier(status=Status.ACCEPTED)

    view = receipts.status_view(dossier, [ENTRY])

    assert view["agency"] == {"id": "ubnd-phuong-kinh-bac", "name": "UBND phường Kinh Bắc"}
    (step,) = view["history"]
    assert step["action_label"] == "Tiếp nhận hồ sơ" and step["status"] == "accepted"
    assert not {"actor_id", "actor_name"} & set(step) and step["note"] is None  # public note only
    assert "receptionist-7" not in str(view) and "nội bộ" not in str(view)
    assert view["handling_officer"] is None  # the catalog entry names no officer by default


def test_an_agency_missing_from_the_catalog_is_named_from_the_procedure(agencies):
    dossier = builders.dossier(
        agency_id="so-cu", procedure={"code": "1.1", "name": "X", "agency_name": "Sở cũ"}
    )

    assert receipts.status_view(dossier, [])["agency"] == {"id": "so-cu", "name": "Sở cũ"}


def test_only_a_withdrawable_dossier_offers_withdrawal(agencies):
    submitted = receipts.status_view(builders.dossier(status=Status.SUBMITTED), [])
    returned = receipts.status_view(builders.dossier(status=Status.RETURNED), [])

    assert (submitted["can_withdraw"], returned["can_withdraw"]) == (True, False)
