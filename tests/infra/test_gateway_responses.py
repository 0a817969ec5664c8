"""The answers API Gateway makes itself (unknown route, default 4xx and 5xx, throttled, blocked by
the firewall) carry the headers every answer of the app carries (entrypoints/middleware.py): no
answer is sniffed into another type or kept by a cache."""

import pytest

from chalicelib.entrypoints import caching
from infra.provision import load_template

RESOURCES = load_template()["Resources"]
GATEWAY_RESPONSES = sorted(
    key for key, r in RESOURCES.items() if r.get("Type") == "AWS::ApiGateway::GatewayResponse"
)


def test_the_template_defines_the_gateway_responses():
    assert len(GATEWAY_RESPONSES) >= 5


@pytest.mark.parametrize("key", GATEWAY_RESPONSES)
def test_a_gateway_response_carries_the_headers_of_every_answer(key):
    parameters = RESOURCES[key]["Properties"]["ResponseParameters"]

    assert parameters["gatewayresponse.header.X-Content-Type-Options"] == "'nosniff'"
    assert parameters["gatewayresponse.header.Cache-Control"] == f"'{caching.PRIVATE}'"
    assert parameters["gatewayresponse.header.Content-Type"] == "'application/json; charset=utf-8'"
