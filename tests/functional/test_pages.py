"""The portal's server-rendered pages (the browser tests in tests/e2e cover the scripts)."""

import json
import re
from collections import deque
from html.parser import HTMLParser
from pathlib import Path

import pytest

FORMS = Path(__file__).resolve().parents[2] / "schemas" / "forms"


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs, self.names = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])
        if attrs.get("name"):
            self.names.append(attrs["name"])


def page(client, path):
    response = client.http.get(path)
    parsed = Links()
    parsed.feed(response.body.decode() if isinstance(response.body, bytes) else response.body)
    return response, parsed


def catalog_codes(client):
    body = json.loads(client.http.get("/v1/procedures?page_size=100").body)
    return {p["code"] for p in body["items"]}


def test_the_home_page_is_vietnamese_html_with_protective_headers(client):
    response, _ = page(client, "/")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert '<html lang="vi">' in response.body.decode()
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_every_procedure_is_within_three_clicks_of_the_home_page(client):
    seen, reached = {"/"}, set()
    queue = deque([("/", 0)])
    while queue:
        path, clicks = queue.popleft()
        _, links = page(client, path)
        for href in links.hrefs:
            href = href.replace("&amp;", "&")
            match = re.fullmatch(r"/thu-tuc/(\d\.\d{6})", href)
            if match:
                reached.add(match.group(1))
            if href.startswith("/thu-tuc") and href not in seen and clicks + 1 < 3:
                seen.add(href)
                queue.append((href, clicks + 1))

    assert reached == catalog_codes(client)


def test_the_procedure_page_publishes_what_circular_32_requires(client):
    response, links = page(client, "/thu-tuc/1.001193")
    text = response.body.decode()

    for heading in (
        "Trình tự thực hiện",
        "Cách thức thực hiện",
        "Thành phần hồ sơ",
        "Thời hạn giải quyết",
        "Phí, lệ phí",
        "Căn cứ pháp lý",
        "Mẫu đơn, tờ khai",
        "Cơ quan thực hiện",
    ):
        assert heading in text
    assert "/thu-tuc/1.001193/nop-ho-so" in links.hrefs


def leaf_paths(schema, path="form"):
    if schema.get("type") == "object":
        for name, node in schema.get("properties", {}).items():
            yield from leaf_paths(node, f"{path}.{name}")
    elif schema.get("type") == "array" and schema.get("items", {}).get("type") == "object":
        yield from leaf_paths(schema["items"], f"{path}[0]")
    else:
        yield path


@pytest.mark.parametrize("path", sorted(FORMS.glob("*.json")), ids=lambda p: p.stem)
def test_the_application_form_has_a_control_for_every_field_of_the_schema(client, path):
    schema = json.loads(path.read_text(encoding="utf-8"))

    response, parsed = page(client, f"/thu-tuc/{path.stem}/nop-ho-so")

    assert response.status_code == 200
    assert set(leaf_paths(schema)) <= set(parsed.names)
    assert {"applicant.full_name", "applicant.id_number", "applicant.phone"} <= set(parsed.names)
    assert "result_delivery" in parsed.names


def test_a_procedure_submitted_only_at_the_counter_has_no_online_form(client):
    response, _ = page(client, "/thu-tuc/2.000815/nop-ho-so")

    assert response.status_code == 404
    assert "chưa cung cấp dịch vụ nộp hồ sơ trực tuyến" in response.body.decode()


def test_an_unknown_procedure_gets_a_friendly_page(client):
    response, links = page(client, "/thu-tuc/9.999999")

    assert response.status_code == 404
    assert "Không tìm thấy thủ tục" in response.body.decode()
    assert "/thu-tuc" in links.hrefs


def test_browsing_filters_by_field_and_pages_through_results(client):
    response, links = page(client, "/thu-tuc?field=ho-tich")
    everything, _ = page(client, "/thu-tuc?trang=2")

    procedures = [h for h in links.hrefs if re.fullmatch(r"/thu-tuc/\d\.\d{6}", h)]
    assert "/thu-tuc/1.001193" in procedures and "/thu-tuc/1.010041" not in procedures
    assert "Trang 2/2" in everything.body.decode()


def test_static_assets_are_served_with_their_type_and_a_long_cache(client):
    response = client.http.get("/static/portal.css")
    missing = client.http.get("/static/..%2Fpages.py")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/css; charset=utf-8"
    assert "immutable" in response.headers["Cache-Control"]
    assert missing.status_code == 404


def test_the_lookup_form_posted_without_a_script_explains_and_does_not_echo_the_phone(client):
    response = client.http.post(
        "/tra-cuu",
        body=b"code=000.00.21.H06-261127-0001&phone=0912345678",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )

    assert response.status_code == 200
    assert "JavaScript" in response.body.decode()
    assert "0912345678" not in response.body.decode()


def test_pages_only_offer_the_steps_the_running_api_has(client):
    from chalicelib.web.pages import features

    response, _ = page(client, "/tra-cuu")
    offered = re.search(r'data-features="([^"]*)"', response.body.decode()).group(1).split()

    assert set(offered) == features()
    assert {"supplements", "payments", "result", "rating"} <= features()


def test_the_html_pages_are_listed_in_the_api_description(client):
    paths = json.loads(client.http.get("/openapi.json").body)["paths"]

    for path in ("/", "/thu-tuc/{code}/nop-ho-so", "/tra-cuu", "/can-bo/ho-so/{code}"):
        assert "text/html" in paths[path]["get"]["responses"]["200"]["content"]
