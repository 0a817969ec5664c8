"""Open311 parameters into ours: a POSTed form becomes a feedback body, every problem at once in
the spec's error shape; the GET filters (time window, status, service codes)."""

from datetime import datetime, timedelta

import pytest

from chalicelib.domain.calendar import VN_TZ
from chalicelib.domain.errors import NotFound, ValidationFailed
from chalicelib.domain.feedback import Category
from chalicelib.services.feedback import open311_intake as intake
from chalicelib.services.feedback.open311_intake import Open311Error

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=VN_TZ)
SPAN = timedelta(days=90)
CODE = next(iter(Category)).value
FORM = {
    "service_code": CODE,
    "description": "  Đèn đường hỏng ở ngõ 12  ",
    "lat": "21.18",
    "long": "106.07",
    "first_name": "An",
    "last_name": "Nguyễn Văn",
    "phone": " 0912345678 ",
    "attribute[public]": "true",
    "attribute[procedure_code]": "1.001193",
}


def test_a_form_becomes_a_feedback_body():
    body = intake.feedback_body(FORM)

    assert body["content"] == "Đèn đường hỏng ở ngõ 12"
    assert body["category"] == CODE and body["public"] is True
    assert body["procedure_code"] == "1.001193"
    assert body["location"] == {"lat": 21.18, "long": 106.07}
    assert body["sender"]["full_name"] == "Nguyễn Văn An"
    assert body["sender"]["phone"] == "0912345678"
    assert body["attachments"] == []


def test_every_problem_of_a_form_is_reported_at_once():
    form = {"service_code": CODE, "lat": "91", "long": "x", "attribute[public]": "maybe",
            "media_url": "http://insecure.test/a.jpg"}  # fmt: skip

    with pytest.raises(Open311Error) as refused:
        intake.feedback_body(form)

    fields = [e["description"].split(":")[0] for e in refused.value.errors]
    assert refused.value.status == 400
    assert fields == ["description", "lat, long", "attribute[public]", "media_url"]


def test_a_form_needs_a_place():
    with pytest.raises(Open311Error, match="location"):
        intake.feedback_body({"service_code": CODE, "description": "x"})


def test_domain_errors_keep_403_and_404_and_the_rest_are_400s():
    assert intake.Open311Error.from_domain(NotFound()).status == 404
    refused = ValidationFailed("x", [])
    assert intake.Open311Error.from_domain(refused).errors == [{"code": 400, "description": "x"}]


def test_the_window_defaults_to_the_last_span_and_refuses_longer_or_reversed_ones():
    assert intake.window(None, None, NOW, SPAN) == (NOW - SPAN, NOW)
    start, end = intake.window("2026-01-01T00:00:00Z", None, NOW, SPAN)
    assert end - start == SPAN and start.utcoffset() == timedelta(0)

    with pytest.raises(Open311Error, match="end_date"):
        intake.window("2026-02-01T00:00:00", "2026-01-01T00:00:00", NOW, SPAN)
    with pytest.raises(Open311Error, match="90"):
        intake.window("2025-01-01T00:00:00", "2026-01-01T00:00:00", NOW, SPAN)
    with pytest.raises(Open311Error, match="ISO 8601"):
        intake.window("hôm qua", None, NOW, SPAN)


def test_statuses_and_service_codes():
    assert intake.statuses("open") == ["open"]
    assert intake.statuses("open, closed") == []  # both: no filter
    with pytest.raises(Open311Error):
        intake.statuses("pending")
    assert intake.service_codes(f"{CODE},unknown") == [CODE]
    assert intake.service_codes(None) == [c.value for c in Category]
