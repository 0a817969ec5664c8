"""A stand-in for the postal carrier's order API, for the local stage and the tests.

It is an httpx transport: `VnpostCarrier` sends it real requests and reads real answers. It
checks what it receives (credentials, the fields an order needs, a Vietnamese mobile number) and
answers like the carrier: the same `OrderCode` again returns the first order; each status read
moves a parcel one step on (created → picked up → in transit → delivered), so a local run sees a
result travel and arrive. The orders live in memory, like moto's state on the local stage.
"""

from __future__ import annotations

import json
import re
import threading
from datetime import datetime

import httpx

from chalicelib.domain.calendar import VN_TZ

DELIVERED = 4
_REQUIRED = (
    "OrderCode", "ContentNote", "SenderFullname", "SenderAddress", "ReceiverFullname",
    "ReceiverTel", "ReceiverAddress",
)  # fmt: skip
_PHONE = re.compile(r"^(0|\+84)[0-9]{9}$")


class FakeCarrier(httpx.BaseTransport):
    def __init__(self, token: str):
        self._token = token
        self._lock = threading.Lock()
        self._orders: dict[str, dict] = {}
        self._by_reference: dict[str, str] = {}
        self.received: list[dict] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.headers.get("authorization") != f"Bearer {self._token}":
            return _answer(401, False, "Sai mã xác thực")
        path = request.url.path.rstrip("/")
        with self._lock:
            if request.method == "POST" and path.endswith("/orders"):
                return self._create(request)
            if request.method == "GET" and "/orders/" in path:
                return self._track(path.rsplit("/", 1)[-1])
        return _answer(404, False, "Không có chức năng này")

    def _create(self, request: httpx.Request) -> httpx.Response:
        try:
            body = json.loads(request.content)
        except ValueError:
            return _answer(400, False, "Dữ liệu không phải JSON")
        missing = [f for f in _REQUIRED if not str(body.get(f) or "").strip()]
        if missing:
            return _answer(400, False, "Thiếu " + ", ".join(missing))
        if not _PHONE.match(body["ReceiverTel"]):
            return _answer(400, False, "Số điện thoại người nhận không hợp lệ")
        self.received.append(body)
        item = self._by_reference.get(body["OrderCode"])
        if item is None:
            item = f"EB{len(self._orders) + 1:09d}VN"
            self._by_reference[body["OrderCode"]] = item
            self._orders[item] = {"ItemCode": item, "OrderStatusId": 1, "UpdatedDate": _now()}
        return _answer(200, True, "OK", self._orders[item])

    def _track(self, item: str) -> httpx.Response:
        order = self._orders.get(item)
        if order is None:
            return _answer(404, False, "Không có bưu gửi này")
        if order["OrderStatusId"] < DELIVERED:
            order["OrderStatusId"] += 1
            order["UpdatedDate"] = _now()
        return _answer(200, True, "OK", order)


def _now() -> str:
    return datetime.now(VN_TZ).isoformat(timespec="seconds")


def _answer(status: int, success: bool, message: str, data: dict | None = None) -> httpx.Response:
    body = {"Success": success, "Message": message, "Data": dict(data) if data else None}
    return httpx.Response(status, json=body)
