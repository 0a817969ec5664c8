"""The status view names the handling agency always and the handling officer only where the
agency's catalog entry says so (`status_view`). The rule cited for naming officers (Decree
224/2026/NĐ-CP art. 15) could not be verified, so the choice is data: by default nobody is named,
and when configured only the public name configured for that officer, at the statuses listed."""

from __future__ import annotations

import pytest

from chalicelib.domain.catalog import Agency
from chalicelib.services.catalog import reads as catalog_service
from tests.factories import call, submit, token

AGENCY = "ubnd-phuong-kinh-bac"
PUBLIC_NAME = "Nguyễn Văn Bình, công chức Tư pháp - Hộ tịch"


class _Configured:
    """The real catalog, with `status_view` added to one agency's entry."""

    def __init__(self, real, agency_id: str, status_view: dict):
        self._real = real
        changed = real.agencies[agency_id].to_dict() | {"status_view": status_view}
        self.agencies = {**real.agencies, agency_id: Agency.from_dict(changed)}

    def agency(self, agency_id):
        found = self._real.agency(agency_id)
        return self.agencies[found.id] if found is not None else None

    def __getattr__(self, name):
        return getattr(self._real, name)


@pytest.fixture
def configure(monkeypatch):
    real = catalog_service.get_catalog

    def apply(status_view: dict) -> None:
        monkeypatch.setattr(
            catalog_service, "get_catalog", lambda: _Configured(real(), AGENCY, status_view)
        )

    return apply


PHONE = "0912000824"


def assigned(client, username):
    """A dossier accepted by the desk and assigned to officer `username` (in progress)."""
    _, created = submit(client, phone=PHONE)
    code = created["code"]
    desk = token(client, role="receptionist", agency=AGENCY)
    leader = token(client, role="leader", agency=AGENCY)
    for who, body in ((desk, {"action": "accept"}),
                      (leader, {"action": "assign", "assignee": username})):  # fmt: skip
        _, view = call(client, "GET", f"/v1/officer/dossiers/{code}", token=who)
        status, view = call(
            client,
            "POST",
            f"/v1/officer/dossiers/{code}/actions",
            {**body, "version": view["version"]},
            token=who,
        )
        assert status == 200, view
    return code


def status_view(client, code):
    status, view = call(client, "GET", f"/v1/dossiers/{code}?phone={PHONE}")
    assert status == 200, view
    return view


def test_by_default_the_agency_is_named_and_no_officer(client):
    code = assigned(client, "chuyenvien.binh")
    view = status_view(client, code)

    assert view["agency"]["name"] == "Ủy ban nhân dân phường Kinh Bắc"
    assert view["handling_officer"] is None
    assert "chuyenvien.binh" not in str(view)


def test_a_configured_agency_names_its_officer_at_the_configured_statuses(client, configure):
    configure(
        {
            "officer_named_at": ["in_progress"],
            "officers": [{"username": "chuyenvien.binh", "name": PUBLIC_NAME}],
        }
    )
    code = assigned(client, "chuyenvien.binh")
    view = status_view(client, code)

    assert view["status"] == "in_progress"
    assert view["handling_officer"] == {"name": PUBLIC_NAME}
    assert "chuyenvien.binh" not in str(view)  # the account itself is never shown


def test_an_officer_not_listed_or_a_status_not_listed_names_nobody(client, configure):
    configure(
        {
            "officer_named_at": ["result_ready"],
            "officers": [{"username": "chuyenvien.binh", "name": PUBLIC_NAME}],
        }
    )
    listed = assigned(client, "chuyenvien.binh")
    unlisted = assigned(client, "chuyenvien.khac")

    assert status_view(client, listed)["handling_officer"] is None  # in progress: not listed
    assert status_view(client, unlisted)["handling_officer"] is None


def test_the_public_agency_list_does_not_carry_the_status_view_settings(client, configure):
    configure(
        {
            "officer_named_at": ["in_progress"],
            "officers": [{"username": "chuyenvien.binh", "name": PUBLIC_NAME}],
        }
    )
    status, page = call(client, "GET", "/v1/agencies?page_size=100")

    assert status == 200
    assert PUBLIC_NAME not in str(page) and "status_view" not in str(page)
