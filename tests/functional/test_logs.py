"""Structured logs carry a request id and never personal data."""

import json
import logging
import re

from chalicelib.logs import JsonFormatter
from tests.factories import call, submit, token

PERSONAL = re.compile(r"(?<!\d)(0|\+?84)\d{9}(?!\d)|(?<!\d)\d{12}(?!\d)|eyJ[\w-]+\.[\w-]+")


def test_a_whole_flow_logs_no_phone_id_number_or_token(client, caplog):
    caplog.set_level(logging.DEBUG)
    citizen = token(client)
    body, created = submit(client, token_=citizen)
    call(client, "GET", f"/v1/dossiers/{created['code']}?phone={body['applicant']['phone']}")
    call(client, "GET", f"/v1/dossiers/{created['code']}?phone=0999999999")
    call(client, "GET", "/v1/me/dossiers", token=citizen)
    call(client, "POST", "/v1/dossiers", {**body, "form": {}})

    formatter = JsonFormatter()
    lines = [formatter.format(r) for r in caplog.records]

    assert lines
    leaks = [line for line in lines if PERSONAL.search(line)]
    assert leaks == []


def test_access_log_lines_carry_the_request_id_and_route_template(client, caplog):
    caplog.set_level(logging.INFO, logger="dvc.access")

    client.http.get("/v1/procedures/1.001193")

    entry = json.loads(JsonFormatter().format(caplog.records[-1]))
    assert entry["route"] == "/v1/procedures/{code}" and entry["status"] == 200
    assert entry["request_id"] != "-"
