"""The local stage's fake VNPay (`make run`), so that a level-4 payment works on one machine.

Its page has two buttons. Either one finishes the payment the way VNPay does: a signed IPN to
`/webhooks/vnpay/ipn` (server to server), then the browser goes to the return URL. It also
answers querydr for the reconciler. Every route is refused (404) on every other stage.

On `make run` (PUBLIC_BASE_URL set) the IPN goes over HTTP from a background thread, once this
request has finished: the local server runs one request at a time. Under the test client
there is no server, so the same signed query goes to the IPN handler in-process, after the
same URL encoding and decoding that a real request goes through.
"""

from __future__ import annotations

import logging
import threading
from urllib.parse import parse_qsl, urlencode

from chalice import Blueprint, Response

from chalicelib.config import get_settings
from chalicelib.domain.paths import FAKE_GATEWAY_API_PATH, FAKE_GATEWAY_PAY_PATH
from chalicelib.entrypoints.auth import local_only
from chalicelib.entrypoints.http import html, json_body, ok, route
from chalicelib.services.shared.clock import now
from chalicelib.web.render import render

bp = Blueprint(__name__)
log = logging.getLogger(__name__)
TAG = "Môi trường thử (local)"
PAGE = "payments/fake_gateway.html"


@route(
    bp,
    FAKE_GATEWAY_PAY_PATH,
    summary="Cổng thanh toán giả lập: trang thanh toán (chỉ môi trường local)",
    tag=TAG,
    content_type="text/html",
    errors=(404,),
    pages=(400,),
)
def fake_payment_page():
    from chalicelib.integrations.fake_vnpay import GATEWAY, FakeGatewayError
    from chalicelib.services.payments import gateway as payment_gateway

    local_only()
    query = dict(bp.current_request.query_params or {})
    config = payment_gateway.vnpay_config()
    try:
        transaction = GATEWAY.open(query, config, now())
    except FakeGatewayError as exc:
        return html(render(PAGE, error=str(exc)), 400)
    return html(
        render(
            PAGE,
            tmn_code=config.tmn_code,
            txn_ref=transaction.request["vnp_TxnRef"],
            order_info=transaction.request["vnp_OrderInfo"],
            amount=transaction.amount_vnd,
            expires_at=transaction.expires_at,
            action=payment_gateway.FAKE_GATEWAY_PAY_PATH,
        )
    )


@route(
    bp,
    FAKE_GATEWAY_PAY_PATH,
    "POST",
    summary="Cổng thanh toán giả lập: thanh toán hoặc hủy (gửi IPN, chuyển về trang kết quả)",
    tag=TAG,
    content_type="text/html",
    content_types=["application/x-www-form-urlencoded"],
    errors=(404,),
    pages=(400,),
    redirects=(302,),
)
def fake_payment_finish():
    from chalicelib.integrations.fake_vnpay import GATEWAY, FakeGatewayError
    from chalicelib.services.payments import gateway as payment_gateway

    local_only()
    request = bp.current_request
    form = dict(parse_qsl((request.raw_body or b"").decode("utf-8", "replace")))
    try:
        query, return_url = GATEWAY.finish(
            form.get("vnp_TxnRef", ""),
            form.get("choice") == "pay",
            payment_gateway.vnpay_config(),
            now(),
        )
    except FakeGatewayError as exc:
        return html(render(PAGE, error=str(exc)), 400)
    encoded = urlencode(query)
    _send_ipn(encoded)
    return Response(body="", status_code=302, headers={"Location": f"{return_url}?{encoded}"})


@route(
    bp,
    FAKE_GATEWAY_API_PATH,
    "POST",
    summary="Cổng thanh toán giả lập: tra cứu giao dịch (querydr)",
    tag=TAG,
    request="api/fake-querydr.json",
    response="api/fake-querydr.response.json",
    errors=(404,),
)
def fake_querydr():
    from chalicelib.integrations.fake_vnpay import GATEWAY
    from chalicelib.services.payments import gateway as payment_gateway

    local_only()
    body = json_body(bp.current_request, "api/fake-querydr.json")
    return ok(GATEWAY.querydr(body, payment_gateway.vnpay_config(), now()))


def _send_ipn(encoded: str) -> None:
    from chalicelib.services.payments import fees as payments
    from chalicelib.services.payments import gateway as payment_gateway

    base = get_settings().public_base_url
    if not base:
        answer = payments.handle_ipn(dict(parse_qsl(encoded)), now())
        log.info("fake gateway IPN answered", extra={"rsp_code": answer["RspCode"]})
        return
    url = f"{base}{payment_gateway.IPN_PATH}?{encoded}"

    def send() -> None:
        import httpx  # the local stand-in only

        try:
            answer = httpx.get(url, timeout=30).json()
            log.info("fake gateway IPN answered", extra={"rsp_code": answer.get("RspCode")})
        except (httpx.HTTPError, ValueError, AttributeError):
            log.warning("fake gateway IPN not delivered", exc_info=True)

    threading.Thread(target=send, name="fake-gateway-ipn", daemon=True).start()
