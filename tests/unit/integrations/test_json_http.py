"""A partner's JSON API: which failures are worth a retry."""

import httpx
import pytest

from chalicelib.integrations.json_http import post_json


class Temporary(Exception):
    pass


class Permanent(Exception):
    pass


def client(handler) -> httpx.Client:
    return httpx.Client(transport=httpx.MockTransport(handler))


def call(handler, retry_statuses=()):
    errors = (Temporary, Permanent)
    return post_json(client(handler), "https://partner.test/api", "partner", errors,
                     retry_statuses, json={"a": 1})  # fmt: skip


def test_the_answer_is_the_decoded_json_of_what_was_posted():
    def echo(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=request.content)

    assert call(echo) == {"a": 1}


@pytest.mark.parametrize(
    ("handler", "expected", "retry_statuses"),
    [
        (lambda r: httpx.Response(503), Temporary, ()),
        (lambda r: httpx.Response(400), Permanent, ()),
        (lambda r: httpx.Response(429), Permanent, ()),
        (lambda r: httpx.Response(429), Temporary, (429,)),
        (lambda r: httpx.Response(200, text="<html>"), Temporary, ()),
    ],
)
def test_failures_are_temporary_or_permanent(handler, expected, retry_statuses):
    with pytest.raises(expected, match="partner"):
        call(handler, retry_statuses)


def test_an_unreachable_partner_is_temporary():
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with pytest.raises(Temporary, match="unreachable: ConnectError"):
        call(refuse)
