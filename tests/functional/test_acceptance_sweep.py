"""Defects found by an acceptance sweep of the running portal with real clients (an Open311
client, curl, a browser), each kept here as the request that showed it."""

from tests.functional.test_open311 import assert_errors_json, assert_errors_xml, post, report


def test_open311_post_without_service_code_is_400_not_404(client):
    """GeoReport v2: a service_code that is not provided is a 400; only one provided and unknown
    is a 404."""
    status, body = post(client, report(service_code=None))
    xml_status, root = post(client, report(service_code=""), fmt="xml")

    assert status == xml_status == 400
    assert_errors_json(body, 400)
    assert "service_code" in body[0]["description"]
    assert_errors_xml(root, 400)


def test_open311_post_checks_the_sender_email_and_phone_like_the_web_api(client):
    status, body = post(client, report(email="khong-phai-email", phone="12345"))

    assert status == 400
    assert_errors_json(body, 400)
    described = " ".join(e["description"] for e in body)
    assert "email" in described and "phone" in described


def test_open311_post_takes_a_phone_written_with_spaces_or_the_country_code(client):
    status, body = post(client, report(phone="+84 912 345 678"))

    assert status == 200, body
