"""Results sent by post: the carrier port creates a shipment when the desk hands the result to
the post office, the dossier records its tracking number, and the desk (or the citizen's
lookup) follows its status.

The shipment is created before the dossier changes, keyed by the dossier code, so a retry after
a failed commit gets the same tracking number back from the carrier instead of a second parcel.
"""

from __future__ import annotations

from functools import lru_cache

from chalicelib.config import get_settings
from chalicelib.domain.dossier import Dossier
from chalicelib.domain.errors import (
    FieldError,
    InvalidTransition,
    ServiceUnavailable,
    ValidationFailed,
)
from chalicelib.integrations import secrets
from chalicelib.integrations.carrier import (
    CarrierPermanentError,
    CarrierTemporaryError,
    ShipmentOrder,
    VnpostCarrier,
)
from chalicelib.services.catalog import reads as catalog_service

LOCAL_CARRIER_URL = "http://carrier.local/api"


def carrier() -> VnpostCarrier:
    settings = get_settings()
    if settings.carrier_api_url:
        return _carrier(settings.carrier_api_url, secrets.app_secrets().carrier_token)
    if not settings.is_local:
        raise ServiceUnavailable("Chưa cấu hình kết nối đơn vị bưu chính (CARRIER_API_URL).")
    return _local_carrier(secrets.app_secrets().carrier_token)


@lru_cache(maxsize=4)
def _carrier(url: str, token: str) -> VnpostCarrier:
    return VnpostCarrier(url, token)


@lru_cache(maxsize=1)
def _local_carrier(token: str) -> VnpostCarrier:
    return VnpostCarrier(LOCAL_CARRIER_URL, token, transport=stand_in(token))


@lru_cache(maxsize=1)
def stand_in(token: str):
    """The local stage's carrier, one per process (its orders live in memory)."""
    from chalicelib.integrations.fake_carrier import FakeCarrier  # an httpx transport

    return FakeCarrier(token)


def ship_result(dossier: Dossier) -> dict:
    """Hand the result to the carrier; the shipment as the dossier records it."""
    agency = catalog_service.get_catalog().agency(dossier.agency_id)
    address = dossier.applicant.get("address")
    if not address:
        raise ValidationFailed(
            "Hồ sơ không có địa chỉ nhận kết quả qua bưu chính.",
            [FieldError("via", "Thiếu địa chỉ của người nhận")],
        )
    order = ShipmentOrder(
        reference=dossier.code,
        content=f"Kết quả giải quyết hồ sơ {dossier.code}: {dossier.procedure['name']}"[:200],
        sender_name=agency.name if agency else dossier.procedure.get("agency_name", ""),
        sender_address=agency.data.get("address", "") if agency else "",
        receiver_name=dossier.applicant["full_name"],
        receiver_phone=dossier.applicant["phone"],
        receiver_address=address,
    )
    return _ask(lambda c: c.create_shipment(order)).to_dict()


def track(dossier: Dossier) -> dict:
    """The carrier's latest status of the dossier's shipment."""
    shipment = dossier.extra.get("shipment")
    if not shipment:
        raise InvalidTransition("Hồ sơ này chưa gửi kết quả qua bưu chính.")
    return _ask(lambda c: c.track(shipment["tracking_number"])).to_dict()


def _ask(call):
    try:
        return call(carrier())
    except CarrierTemporaryError as exc:
        raise ServiceUnavailable("Không kết nối được đơn vị bưu chính. Vui lòng thử lại.") from exc
    except CarrierPermanentError as exc:
        raise ValidationFailed(
            "Đơn vị bưu chính không nhận bưu gửi.", [FieldError("via", str(exc))]
        ) from exc
