"""The local stand-in of the national portal's sync service (`make run`, tests).

It checks what a real counterpart would: the province's credentials (HTTP Basic, 401), the
record against its JSON Schema (400 listing every problem), that it names the dossier of the URL,
and that it is not older than a record it already holds for that dossier (409: the national
side keeps the newest version). It stores what it accepts, and can be told to fail:
`unavailable` (503), `timeout` (504), `reject` (422), for every dossier or one, until cleared
or for the next n records.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import os
from datetime import datetime

from chalicelib.domain.errors import (
    Conflict,
    DomainError,
    FieldError,
    Unauthenticated,
    ValidationFailed,
)
from chalicelib.domain.national_sync import RECORD_SCHEMA
from chalicelib.persistence import national_standin_store as store
from chalicelib.validation import errors_for

FAULT_MODES = ("none", "unavailable", "timeout", "reject")


class StandInFault(DomainError):
    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status = status
        self.code = code


FAULTS = {
    "unavailable": (503, "SERVICE_UNAVAILABLE", "Hệ thống đồng bộ quốc gia đang bảo trì."),
    "timeout": (504, "SERVICE_UNAVAILABLE", "Hết thời gian chờ."),
    "reject": (422, "VALIDATION_FAILED", "Hồ sơ không được chấp nhận (lỗi giả lập)."),
}


def receive(code: str, record: object, authorization: str, now: datetime) -> dict:
    _check_credentials(authorization)
    fault = store.take_fault(code)
    if fault:
        raise StandInFault(*FAULTS[fault])
    problems = errors_for(record, RECORD_SCHEMA)
    if isinstance(record, dict) and record.get("dossier_code") not in (None, code):
        problems.append(FieldError("dossier_code", "Không khớp với mã hồ sơ trên đường dẫn"))
    if problems:
        raise ValidationFailed("Bản ghi đồng bộ không hợp lệ.", problems)
    newest = store.newest_version(code)
    if record["version"] < newest:
        raise Conflict(f"Đã có phiên bản mới hơn ({newest}) của hồ sơ này.")
    store.store(code, record, now)
    return {"accepted": True, "dossier_code": code, "version": record["version"]}


def received(code: str) -> dict:
    return {
        "items": [
            {
                "status_code": int(r.status_code),
                "version": int(r.version),
                "sent_at": r.sent_at,
                "record": r.record,
            }
            for r in store.received(code)
        ]
    }


def set_fault(body: dict, now: datetime) -> dict:
    scope = body.get("dossier_code") or store.EVERY_DOSSIER
    store.set_fault(scope, body["mode"], body.get("count"), now)
    return {
        "dossier_code": body.get("dossier_code"),
        "mode": body["mode"],
        "count": body.get("count"),
    }


def _check_credentials(authorization: str) -> None:
    scheme, _, encoded = (authorization or "").partition(" ")
    try:
        given = base64.b64decode(encoded, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        given = ""
    expected = (
        f"{os.environ.get('NATIONAL_PORTAL_CLIENT_ID', '')}:"
        f"{os.environ.get('NATIONAL_PORTAL_CLIENT_SECRET', '')}"
    )
    if scheme.lower() != "basic" or expected == ":" or not hmac.compare_digest(given, expected):
        raise Unauthenticated("Sai thông tin xác thực của tỉnh.")
