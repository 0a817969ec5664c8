"""End to end: an Open311 GeoReport v2 client, written as an unmodified client would be (service
discovery, then plain HTTP with a form-encoded POST and `.json` / `.xml` paths), creates a
request on `make run`'s stack and reads it back.

No Open311 client library on PyPI fits: `three` is Python 2 only, `open311` dates from 2011 and
`georeport` cannot POST and pins an xmltodict older than the one moto needs; so the client here
is urllib, which is what those libraries do underneath."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from tests.e2e.test_local_stack import stack  # noqa: F401 - the module-scoped stack fixture

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def api_key() -> str:
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    return config["stages"]["local"]["environment_variables"]["OPEN311_API_KEYS"].split(",")[0]


class Open311Client:
    """The calls a GeoReport v2 client makes; `endpoint` comes from service discovery."""

    def __init__(self, endpoint: str, key: str, fmt: str = "json"):
        self.endpoint, self.key, self.fmt = endpoint.rstrip("/"), key, fmt

    def _read(self, request: urllib.request.Request):
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        return status, json.loads(raw) if self.fmt == "json" else ET.fromstring(raw)

    def get(self, path: str, **params):
        query = f"?{urllib.parse.urlencode(params)}" if params else ""
        return self._read(urllib.request.Request(f"{self.endpoint}/{path}.{self.fmt}{query}"))

    def post_request(self, **fields):
        data = urllib.parse.urlencode({"api_key": self.key, **fields}).encode()
        request = urllib.request.Request(
            f"{self.endpoint}/requests.{self.fmt}",
            data=data,
            method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
        )
        return self._read(request)


def discover(base: str) -> str:
    with urllib.request.urlopen(f"{base}/open311/v2/discovery.json", timeout=30) as answer:  # noqa: S310
        document = json.loads(answer.read())
    (endpoint,) = document["endpoints"]
    assert "application/json" in endpoint["formats"] and "text/xml" in endpoint["formats"]
    return endpoint["url"]


def test_an_open311_client_creates_a_request_and_reads_it_back(stack):  # noqa: F811
    client = Open311Client(discover(stack), api_key())

    status, services = client.get("services")
    assert status == 200 and "moi_truong" in [s["service_code"] for s in services]
    status, created = client.post_request(
        service_code="moi_truong",
        address_string="Ngõ 5 phố Kinh Bắc",
        description="Rác thải tồn đọng nhiều ngày.",
        first_name="Văn An",
        last_name="Nguyễn",
        phone="0912345678",
        **{"attribute[public]": "true"},
    )
    assert status == 200, created
    request_id = created[0]["service_request_id"]

    status, (found,) = client.get(f"requests/{request_id}")
    assert status == 200 and found["status"] == "open"
    # Nothing the sender wrote is public before an officer publishes the answer (the web API's
    # rule, Feedback.disclosure()), even though the sender ticked "public".
    assert found["description"] is None and found["address"] is None
    assert "Rác thải" not in json.dumps(found, ensure_ascii=False)
    assert "0912345678" not in json.dumps(found)
    status, listed = client.get("requests", service_request_id=request_id)
    assert [r["service_request_id"] for r in listed] == [request_id]

    xml = Open311Client(client.endpoint, client.key, "xml")
    status, root = xml.get(f"requests/{request_id}")
    assert status == 200 and root.find("request").findtext("service_request_id") == request_id
    status, errors = Open311Client(client.endpoint, "not-a-key").post_request(
        service_code="moi_truong", address_string="x", description="x"
    )
    assert status == 403 and errors[0]["code"] == 403
