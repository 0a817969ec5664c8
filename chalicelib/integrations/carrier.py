"""Postal carrier port: send a result by post and follow the shipment.

`VnpostCarrier` speaks a VNPost-style JSON API (create an order with a reference of ours, then
read its status by the carrier's item code) over httpx; the transport is injectable, so the local
stage and the tests run this very adapter against the stand-in in `fake_carrier`.

Errors::

    CarrierError               base: the carrier could not do it
    ├── CarrierTemporaryError  transport failure, timeout, HTTP 5xx: retry later
    └── CarrierPermanentError  the carrier refused the order (bad address, bad credentials)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx

TIMEOUT_SECONDS, CONNECT_SECONDS = 10.0, 3.0
# The carrier's order states, in the order a parcel goes through them.
STATUSES = {
    1: ("created", "Đã tạo đơn gửi"),
    2: ("picked_up", "Bưu điện đã nhận bưu gửi"),
    3: ("in_transit", "Đang vận chuyển"),
    4: ("delivered", "Đã phát thành công"),
    5: ("returned", "Chuyển hoàn về người gửi"),
}


class CarrierError(Exception):
    """Base class of the carrier adapter's errors."""


class CarrierTemporaryError(CarrierError):
    """The carrier could not be reached or failed: the same order may be sent again."""


class CarrierPermanentError(CarrierError):
    """The carrier refused the order; retrying the same order will not help."""


@dataclass(frozen=True)
class ShipmentOrder:
    """What is sent, from whom, to whom. `reference` (the dossier code) makes a retry of the same
    order return the first shipment instead of a second parcel."""

    reference: str
    content: str
    sender_name: str
    sender_address: str
    receiver_name: str
    receiver_phone: str
    receiver_address: str


@dataclass(frozen=True)
class Shipment:
    carrier: str
    tracking_number: str
    status: str
    status_label: str
    updated_at: str

    def to_dict(self) -> dict:
        return {
            "carrier": self.carrier,
            "tracking_number": self.tracking_number,
            "status": self.status,
            "status_label": self.status_label,
            "updated_at": self.updated_at,
        }


class VnpostCarrier:
    name = "vnpost"

    def __init__(self, base_url: str, token: str, transport: httpx.BaseTransport | None = None):
        import httpx  # loaded by the first shipment, not by the API handler's cold start

        self._http_error = httpx.HTTPError
        self._client = httpx.Client(
            base_url=base_url.rstrip("/"),
            transport=transport,
            timeout=httpx.Timeout(TIMEOUT_SECONDS, connect=CONNECT_SECONDS),
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
        )

    def create_shipment(self, order: ShipmentOrder) -> Shipment:
        body = {
            "OrderCode": order.reference,
            "ContentNote": order.content,
            "SenderFullname": order.sender_name,
            "SenderAddress": order.sender_address,
            "ReceiverFullname": order.receiver_name,
            "ReceiverTel": order.receiver_phone,
            "ReceiverAddress": order.receiver_address,
            "ServiceName": "BCCI",
        }
        return self._shipment(self._call("POST", "/orders", json=body))

    def track(self, tracking_number: str) -> Shipment:
        return self._shipment(self._call("GET", f"/orders/{tracking_number}"))

    def _call(self, method: str, path: str, **kwargs) -> dict:
        try:
            response = self._client.request(method, path, **kwargs)
        except self._http_error as exc:
            raise CarrierTemporaryError(f"carrier unreachable: {type(exc).__name__}") from exc
        if response.status_code >= 500:
            raise CarrierTemporaryError(f"carrier answered {response.status_code}")
        try:
            data = response.json()
        except ValueError as exc:
            raise CarrierTemporaryError("carrier answered something that is not JSON") from exc
        if response.status_code >= 400 or not data.get("Success"):
            raise CarrierPermanentError(str(data.get("Message") or response.status_code))
        return data.get("Data") or {}

    def _shipment(self, data: dict) -> Shipment:
        code = data.get("OrderStatusId")
        if not data.get("ItemCode") or code not in STATUSES:
            raise CarrierPermanentError("carrier answer without an item code or a known status")
        status, label = STATUSES[code]
        return Shipment(self.name, data["ItemCode"], status, label, str(data.get("UpdatedDate")))
