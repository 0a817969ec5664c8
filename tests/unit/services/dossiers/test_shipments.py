"""A result sent by post: the order names the agency and the applicant's address, keyed by the
dossier code; the carrier's failures become a retryable 503 or a refusal the desk can read."""

from types import SimpleNamespace

import pytest

from chalicelib.domain.errors import InvalidTransition, ServiceUnavailable, ValidationFailed
from chalicelib.integrations.carrier import CarrierPermanentError, CarrierTemporaryError
from chalicelib.services.dossiers import shipments
from tests import builders

APPLICANT = {"full_name": "Nguyễn Văn An", "phone": "0912345678", "address": "12 Ngõ Chùa"}


class Carrier:
    def __init__(self, error=None):
        self.orders, self.error = [], error

    def create_shipment(self, order):
        if self.error:
            raise self.error
        self.orders.append(order)
        return SimpleNamespace(to_dict=lambda: {"tracking_number": "EV1", "status": "created"})

    def track(self, number):
        return SimpleNamespace(to_dict=lambda: {"tracking_number": number, "status": "delivered"})


@pytest.fixture
def post(monkeypatch):
    def use(error=None):
        found = Carrier(error)
        monkeypatch.setattr(shipments, "carrier", lambda: found)
        return found

    agency = SimpleNamespace(name="UBND phường Kinh Bắc", data={"address": "1 Lý Thái Tổ"})
    catalog = SimpleNamespace(agency=lambda agency_id: agency)
    monkeypatch.setattr(shipments.catalog_service, "get_catalog", lambda: catalog)
    return use


def test_the_order_goes_from_the_agency_to_the_applicant_keyed_by_the_dossier(post):
    carrier = post()
    dossier = builders.dossier(applicant=APPLICANT)

    assert shipments.ship_result(dossier) == {"tracking_number": "EV1", "status": "created"}
    (order,) = carrier.orders
    assert order.reference == dossier.code
    assert (order.sender_name, order.sender_address) == ("UBND phường Kinh Bắc", "1 Lý Thái Tổ")
    assert (order.receiver_name, order.receiver_address) == ("Nguyễn Văn An", "12 Ngõ Chùa")


def test_no_address_no_parcel(post):
    carrier = post()

    with pytest.raises(ValidationFailed, match="địa chỉ"):
        shipments.ship_result(builders.dossier())
    assert carrier.orders == []


@pytest.mark.parametrize(
    ("error", "expected"),
    [(CarrierTemporaryError("down"), ServiceUnavailable),
     (CarrierPermanentError("bad address"), ValidationFailed)],
)  # fmt: skip
def test_carrier_failures_are_retryable_or_readable(post, error, expected):
    post(error)

    with pytest.raises(expected):
        shipments.ship_result(builders.dossier(applicant=APPLICANT))


def test_tracking_needs_a_shipment(post):
    post()
    shipped = builders.dossier(extra={"shipment": {"tracking_number": "EV1"}})

    assert shipments.track(shipped)["status"] == "delivered"
    with pytest.raises(InvalidTransition):
        shipments.track(builders.dossier())
