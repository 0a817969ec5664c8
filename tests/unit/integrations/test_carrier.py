"""The VNPost-style carrier adapter against the local stand-in carrier (a real httpx exchange)."""

import httpx
import pytest

from chalicelib.integrations.carrier import (
    CarrierPermanentError,
    CarrierTemporaryError,
    ShipmentOrder,
    VnpostCarrier,
)
from chalicelib.integrations.fake_carrier import FakeCarrier

ORDER = ShipmentOrder(
    reference="000.14.50.H06-260302-0001",
    content="Kết quả giải quyết hồ sơ: Giấy khai sinh",
    sender_name="Ủy ban nhân dân phường Kinh Bắc",
    sender_address="Phường Kinh Bắc, tỉnh Bắc Ninh",
    receiver_name="Lê Thị Hoa",
    receiver_phone="0912345678",
    receiver_address="Số 5 đường Kinh Dương Vương, phường Kinh Bắc",
)


def adapter(fake, token="t0ken"):
    return VnpostCarrier("http://carrier.test/api", token, transport=fake)


def test_a_shipment_is_created_once_per_reference_and_moves_until_delivered():
    fake = FakeCarrier("t0ken")
    carrier = adapter(fake)

    first = carrier.create_shipment(ORDER)
    again = carrier.create_shipment(ORDER)
    steps = [carrier.track(first.tracking_number).status for _ in range(4)]

    assert first.tracking_number == again.tracking_number and first.status == "created"
    assert steps == ["picked_up", "in_transit", "delivered", "delivered"]
    assert fake.received[0]["ReceiverTel"] == "0912345678"
    assert fake.received[0]["OrderCode"] == ORDER.reference


def test_the_stand_in_refuses_wrong_credentials_and_incomplete_orders():
    fake = FakeCarrier("t0ken")

    with pytest.raises(CarrierPermanentError):
        adapter(fake, token="wrong").create_shipment(ORDER)
    with pytest.raises(CarrierPermanentError, match="ReceiverAddress"):
        adapter(fake).create_shipment(ShipmentOrder(**{**ORDER.__dict__, "receiver_address": " "}))
    with pytest.raises(CarrierPermanentError):
        adapter(fake).create_shipment(ShipmentOrder(**{**ORDER.__dict__, "receiver_phone": "12"}))
    with pytest.raises(CarrierPermanentError):
        adapter(fake).track("EB000000999VN")
    assert fake.received == []


def test_transport_failures_and_server_errors_are_temporary():
    def down(request):
        raise httpx.ConnectError("refused", request=request)

    def failing(request):
        return httpx.Response(503, text="maintenance")

    with pytest.raises(CarrierTemporaryError):
        VnpostCarrier("http://c/api", "t", transport=httpx.MockTransport(down)).track("X")
    with pytest.raises(CarrierTemporaryError):
        VnpostCarrier("http://c/api", "t", transport=httpx.MockTransport(failing)).track("X")
