"""Behind the portal's CloudFront distribution (issue 18) every visitor of an edge location
arrives from that edge's address; the per-address limits (issue 15, finding 2) must still tell
visitors apart, and nobody calling the API directly may pick the address they are counted by."""

from __future__ import annotations

import uuid

import boto3
import pytest

from chalicelib.integrations import secrets
from tests.factories import call, calling_from, random_phone, submit

EDGE = "130.176.1.10"  # a CloudFront edge server, the source address API Gateway sees
TOKEN = "origin-token-" + uuid.uuid4().hex


@pytest.fixture
def distribution(aws, limits):
    """The secret the distribution's X-Origin-Verify header comes from, as the template makes it."""
    name = f"dvc/test/origin-{uuid.uuid4().hex[:8]}"
    boto3.client("secretsmanager").create_secret(Name=name, SecretString=f'{{"token": "{TOKEN}"}}')
    limits(SECRET_ORIGIN=name, LOOKUP_FAILURES_PER_IP=100000)
    secrets.reset()
    yield
    secrets.reset()


def through_cloudfront(viewer: str, token: str = TOKEN) -> dict:
    return {"CloudFront-Viewer-Address": viewer, "X-Origin-Verify": token}


def test_visitors_behind_one_edge_are_counted_apart(client, distribution):
    body, created = submit(client)
    code, phone = created["code"], body["applicant"]["phone"]

    with calling_from(EDGE):
        guesses = [
            call(client, "GET", f"/v1/dossiers/{code}?phone={random_phone()}",
                 headers=through_cloudfront("203.0.113.7:51000"))[0]
            for _ in range(6)
        ]  # fmt: skip
        applicant, view = call(client, "GET", f"/v1/dossiers/{code}?phone={phone}",
                               headers=through_cloudfront("2001:db8:5::1:443"))  # fmt: skip

    assert guesses == [404] * 5 + [429]
    assert applicant == 200 and view["code"] == code


@pytest.mark.parametrize("token", [None, "wrong-token"])
def test_a_forged_viewer_address_is_not_believed(client, distribution, token):
    """Sent straight to the API (no token, or a guessed one), the header changes nothing: the
    guesser is counted by the address it connects from, whatever it claims."""
    _, created = submit(client)
    code = created["code"]

    with calling_from("198.51.100.66"):
        statuses = []
        for n in range(6):
            headers = {"CloudFront-Viewer-Address": f"203.0.113.{n + 1}:443"}
            if token:
                headers["X-Origin-Verify"] = token
            statuses.append(
                call(client, "GET", f"/v1/dossiers/{code}?phone={random_phone()}",
                     headers=headers)[0]
            )  # fmt: skip

    assert statuses == [404] * 5 + [429]
