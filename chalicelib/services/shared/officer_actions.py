"""What every officer action on a dossier or a feedback checks first, the same way."""

from __future__ import annotations

from chalicelib.domain.errors import Conflict
from chalicelib.services.catalog import reads as catalog_service


def checked(body: dict, version: int, item: str) -> dict:
    """The action's body, refused if the officer acted on an older `version` of the item than
    the stored one (optimistic locking; `item` names it: "Hồ sơ", "Phản ánh"), with the agency it
    names (transfer, forward) resolved to the catalog's id."""
    if body["version"] != version:
        raise Conflict(
            f"{item} đã thay đổi từ khi bạn mở (phiên bản {version}). Vui lòng tải lại và thử lại."
        )
    if body.get("agency"):
        return {**body, "agency": catalog_service.agency_id(body["agency"])}
    return body
