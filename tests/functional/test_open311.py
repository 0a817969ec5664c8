"""Open311 GeoReport v2 under /open311/v2, checked against the spec's shapes in JSON and XML:
top-level arrays, the XML wrappers and item names, string ids, error bodies and status codes."""

import json
from urllib.parse import urlencode
from xml.etree import ElementTree as ET

import pytest

from tests.factories import call, random_phone, token

BASE = "/open311/v2"
KEY = "dvc-local-open311-key"  # .chalice/config.json, stage local
FORM = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
REQUEST_FIELDS = {
    "service_request_id", "status", "status_notes", "service_name", "service_code",
    "description", "agency_responsible", "service_notice", "requested_datetime",
    "updated_datetime", "expected_datetime", "address", "address_id", "zipcode", "lat", "long",
    "media_url",
}  # fmt: skip


def get(client, path):
    response = client.http.get(f"{BASE}/{path}")
    headers = {k.lower(): v for k, v in response.headers.items()}
    return response.status_code, headers.get("content-type", ""), response.body


def get_json(client, path):
    status, content_type, body = get(client, path)
    assert content_type.startswith("application/json"), content_type
    return status, json.loads(body)


def get_xml(client, path):
    status, content_type, body = get(client, path)
    assert content_type.startswith("text/xml"), content_type
    assert body.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return status, ET.fromstring(body)  # well-formed or it raises


def post(client, fields, fmt="json"):
    response = client.http.post(f"{BASE}/requests.{fmt}", body=urlencode(fields), headers=FORM)
    if fmt == "json":
        return response.status_code, json.loads(response.body)
    return response.status_code, ET.fromstring(response.body)


def report(**overrides):
    fields = {
        "api_key": KEY,
        "service_code": "co_so_ha_tang",
        "address_string": "Số 12 phố Kinh Bắc",
        "lat": "21.1861",
        "long": "106.0763",
        "description": "Ổ gà lớn giữa đường, rất nguy hiểm.",
        "first_name": "Văn An",
        "last_name": "Nguyễn",
        "email": "an@example.vn",
        "phone": random_phone(),
        "media_url": "https://example.vn/o-ga.jpg",
        "attribute[public]": "true",
        "attribute[title]": "Ổ gà trên phố Kinh Bắc",
    }
    fields.update(overrides)
    return {k: v for k, v in fields.items() if v is not None}


def create(client, **overrides):
    status, body = post(client, report(**overrides))
    assert status == 200, body
    return body[0]["service_request_id"]


def assert_errors_json(body, code):
    assert isinstance(body, list) and body
    assert all(set(e) == {"code", "description"} and e["description"] for e in body)
    assert body[0]["code"] == code


def assert_errors_xml(root, code):
    assert root.tag == "errors"
    errors = root.findall("error")
    assert errors and all(e.findtext("description") for e in errors)
    assert errors[0].findtext("code") == str(code)


def test_discovery_in_both_formats(client):
    status, body = get_json(client, "discovery.json")
    xml_status, root = get_xml(client, "discovery.xml")

    assert status == xml_status == 200
    assert {"changeset", "contact", "key_service", "endpoints"} <= set(body)
    (endpoint,) = body["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2")
    assert endpoint["formats"] == ["text/xml", "application/json"]
    assert root.tag == "discovery"
    formats = [f.text for f in root.find("endpoints").find("endpoint").find("formats")]
    assert formats == ["text/xml", "application/json"]


def test_services_are_our_categories_in_both_formats(client):
    status, services = get_json(client, "services.json")
    _, root = get_xml(client, "services.xml")

    assert status == 200 and isinstance(services, list) and len(services) == 7
    for service in services:
        assert isinstance(service["service_code"], str)
        assert service["metadata"] is True and service["type"] == "realtime"
        assert {"service_name", "description", "keywords", "group"} <= set(service)
    assert root.tag == "services"
    assert [s.findtext("service_code") for s in root.findall("service")] == [
        s["service_code"] for s in services
    ]
    assert root.find("service").findtext("metadata") == "true"


def test_a_service_definition_lists_its_attributes(client):
    status, definition = get_json(client, "services/moi_truong.json")
    _, root = get_xml(client, "services/moi_truong.xml")

    assert status == 200 and definition["service_code"] == "moi_truong"
    attributes = definition["attributes"]
    assert [a["order"] for a in attributes] == list(range(1, len(attributes) + 1))
    public = next(a for a in attributes if a["code"] == "public")
    assert public["datatype"] == "singlevaluelist" and public["variable"] is True
    assert {v["key"] for v in public["values"]} == {"true", "false"}
    assert root.tag == "service_definition"
    codes = [a.findtext("code") for a in root.find("attributes").findall("attribute")]
    assert codes == [a["code"] for a in attributes]
    assert root.find("attributes").find("attribute[code='public']/values/value/key") is not None


def test_unknown_services_and_formats_are_404_in_the_spec_error_shape(client):
    status, body = get_json(client, "services/khong-co.json")
    xml_status, root = get_xml(client, "services/khong-co.xml")
    bad_format, unknown = get_xml(client, "services.html")
    bad_resource, missing = get_json(client, "nothing.json")

    assert status == xml_status == bad_format == bad_resource == 404
    assert_errors_json(body, 404)
    assert_errors_xml(root, 404)
    assert_errors_xml(unknown, 404)
    assert_errors_json(missing, 404)


@pytest.mark.parametrize("key", [None, "", "wrong-key"])
def test_posting_without_a_valid_api_key_is_403(client, key):
    status, body = post(client, report(api_key=key))
    xml_status, root = post(client, report(api_key=key), "xml")

    assert status == xml_status == 403
    assert_errors_json(body, 403)
    assert_errors_xml(root, 403)


def test_a_request_without_location_or_description_lists_both_errors(client):
    status, body = post(client, report(address_string=None, lat=None, long=None, description=None))

    assert status == 400 and len(body) == 2
    assert_errors_json(body, 400)


def test_an_unknown_service_code_is_404(client):
    status, body = post(client, report(service_code="khong-co"))

    assert status == 404
    assert_errors_json(body, 404)


def test_a_client_creates_a_request_and_reads_it_back_in_both_formats(client):
    status, created = post(client, report())
    (item,) = created
    request_id = item["service_request_id"]

    assert status == 200 and isinstance(request_id, str) and "token" not in item
    assert item["service_notice"]
    _, (found,) = get_json(client, f"requests/{request_id}.json")
    assert set(found) == REQUEST_FIELDS
    assert found["service_request_id"] == request_id and found["status"] == "open"
    assert found["service_code"] == "co_so_ha_tang"
    assert found["requested_datetime"].endswith("+07:00") and found["expected_datetime"]
    _, root = get_xml(client, f"requests/{request_id}.xml")
    assert root.tag == "service_requests"
    (request,) = root.findall("request")
    assert request.findtext("service_request_id") == request_id
    assert request.findtext("status") == "open"


def publish(client, request_id, agency="so-xay-dung"):
    leader = token(client, "leader", agency)
    for action, params in (
        ("classify", {"classification": "within_competence"}),
        ("answer", {"answer": "Đã vá ổ gà ngày 27/11."}),
        ("publish", {}),
    ):
        _, view = call(client, "GET", f"/v1/officer/feedback/{request_id}", token=leader)
        status, data = call(
            client,
            "POST",
            f"/v1/officer/feedback/{request_id}/actions",
            {"action": action, "version": view["version"], **params},
            token=leader,
        )
        assert status == 200, data


def test_what_the_sender_wrote_is_shown_only_once_an_officer_published_it(client):
    """Issue 15 #7: a request marked public showed its description, address and media before
    any officer looked at it; Open311 now follows the web API's one rule."""
    request_id = create(client, **{"attribute[agency]": "so-xay-dung"})
    sender_words = ("Ổ gà lớn", "Số 12 phố Kinh Bắc", "o-ga.jpg", "21.1861")

    _, body = get(client, f"requests/{request_id}.json")[1:]
    _, xml_body = get(client, f"requests/{request_id}.xml")[1:]
    _, (listed,) = get_json(client, f"requests.json?service_request_id={request_id}")
    assert not [w for w in sender_words if w in body.decode() + xml_body.decode()]
    assert listed["description"] is None and listed["media_url"] is None
    assert call(client, "GET", f"/v1/feedback/{request_id}")[0] == 404

    publish(client, request_id)
    _, (found,) = get_json(client, f"requests/{request_id}.json")
    status, web = call(client, "GET", f"/v1/feedback/{request_id}")

    assert found["description"] == web["content"] == "Ổ gà lớn giữa đường, rất nguy hiểm."
    assert found["address"] == web["location"]["address"] == "Số 12 phố Kinh Bắc"
    assert (found["lat"], found["long"]) == (21.1861, 106.0763)
    assert found["media_url"] == "https://example.vn/o-ga.jpg"


@pytest.mark.parametrize(
    "media_url",
    ["http://example.vn/o-ga.jpg", "javascript:alert(1)", "//example.vn/a.jpg", "https:///x"],
)
def test_only_https_media_urls_are_accepted(client, media_url):
    status, body = post(client, report(media_url=media_url))

    assert status == 400 and body[0]["description"].startswith("media_url:"), body


def test_a_request_created_in_xml_answers_in_xml(client):
    status, root = post(client, report(), "xml")

    assert status == 200 and root.tag == "service_requests"
    assert root.find("request").findtext("service_request_id").startswith("PAKN-")


def test_personal_data_never_appears_and_private_requests_hide_their_content(client):
    phone = random_phone()
    request_id = create(client, phone=phone, **{"attribute[public]": None})

    _, body = get(client, f"requests/{request_id}.json")[1:]
    (found,) = json.loads(body)

    text = body.decode()
    assert phone not in text and "an@example.vn" not in text and "Nguyễn" not in text
    assert found["description"] is None and found["address"] is None and found["lat"] is None
    assert found["status"] == "open" and found["status_notes"]


def test_requests_are_queried_by_id_code_status_and_window(client):
    first, second = create(client), create(client, service_code="moi_truong")

    _, by_id = get_json(client, f"requests.json?service_request_id={first},{second}&status=closed")
    _, by_code = get_json(client, "requests.json?service_code=moi_truong&status=open")
    _, closed = get_json(client, "requests.json?service_code=moi_truong&status=closed")
    _, recent = get_json(client, "requests.json")
    _, old = get_json(
        client, "requests.json?start_date=2020-01-01T00:00:00Z&end_date=2020-03-01T00:00:00Z"
    )
    _, root = get_xml(client, "requests.xml?service_code=moi_truong")

    assert [r["service_request_id"] for r in by_id] == [first, second]
    assert second in {r["service_request_id"] for r in by_code}
    assert first not in {r["service_request_id"] for r in by_code}
    assert second not in {r["service_request_id"] for r in closed}
    assert {first, second} <= {r["service_request_id"] for r in recent}
    assert len(recent) <= 1000 and old == []
    times = [r["requested_datetime"] for r in recent]
    assert times == sorted(times, reverse=True)
    assert second in [r.findtext("service_request_id") for r in root.findall("request")]


@pytest.mark.parametrize(
    "query",
    [
        "start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z",
        "start_date=not-a-date",
        "status=pending",
    ],
)
def test_invalid_query_filters_are_400(client, query):
    status, body = get_json(client, f"requests.json?{query}")
    xml_status, root = get_xml(client, f"requests.xml?{query}")

    assert status == xml_status == 400
    assert_errors_json(body, 400)
    assert_errors_xml(root, 400)


def test_an_unknown_request_is_404(client):
    status, body = get_json(client, "requests/PAKN-000000-XXXXX.json")

    assert status == 404
    assert_errors_json(body, 404)


def test_internal_statuses_collapse_to_closed_with_the_detail_in_status_notes(client):
    request_id = create(client, **{"attribute[agency]": "so-xay-dung"})
    publish(client, request_id)

    _, (found,) = get_json(client, f"requests/{request_id}.json")

    assert found["status"] == "closed" and found["expected_datetime"] is None
    assert "Đã trả lời" in found["status_notes"] and "Đã vá ổ gà" in found["status_notes"]
    assert found["agency_responsible"] == "Sở Xây dựng tỉnh Bắc Ninh"


def test_invalid_attribute_values_are_400(client):
    status, body = post(client, report(**{"attribute[agency]": "khong-co"}))

    assert status == 400 and "attribute[agency]" in body[0]["description"]


def test_tokens_are_never_issued_so_every_token_is_404(client):
    status, body = get_json(client, "tokens/abc123.json")
    xml_status, root = get_xml(client, "tokens/abc123.xml")

    assert status == xml_status == 404
    assert_errors_json(body, 404)
    assert_errors_xml(root, 404)


def test_the_open311_routes_are_in_the_openapi_document(client):
    _, document = call(client, "GET", "/openapi.json")

    paths = document["paths"]
    assert {"get", "post"} <= set(paths["/open311/v2/{resource}"])
    post_body = paths["/open311/v2/{resource}"]["post"]["requestBody"]["content"]
    assert "application/x-www-form-urlencoded" in post_body
    for path in ("services/{code_fmt}", "requests/{id_fmt}", "tokens/{token_fmt}"):
        assert "get" in paths[f"/open311/v2/{path}"]
