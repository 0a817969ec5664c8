"""Online payment of fees and the electronic result (citizens), and the payment gateway's
callbacks: the IPN (the only thing that changes a payment) and the browser return page."""

from __future__ import annotations

from chalice import Blueprint
from chalice.app import Request

from chalicelib.config import get_settings
from chalicelib.entrypoints.auth import applicant_body, applicant_query
from chalicelib.entrypoints.http import html, idempotent_create, ok, route
from chalicelib.entrypoints.viewer import client_ip
from chalicelib.services.shared.clock import now
from chalicelib.web.render import render

bp = Blueprint(__name__)
TAG = "Hồ sơ (công dân)"
WEBHOOKS = "Webhooks"
# vnp_ResponseCode (docs/integrations.md §2.4) as the citizen reads it on the return page.
DECLINE_REASONS = {
    "07": "Tiền đã bị trừ nhưng giao dịch bị nghi ngờ bất thường và đang chờ xác minh.",
    "09": "Thẻ/tài khoản chưa đăng ký dịch vụ Internet Banking.",
    "10": "Xác thực thông tin thẻ/tài khoản không đúng quá 3 lần.",
    "11": "Đã hết thời gian chờ thanh toán.",
    "12": "Thẻ/tài khoản đang bị khóa.",
    "13": "Mã xác thực giao dịch (OTP) không đúng.",
    "24": "Bạn đã hủy giao dịch.",
    "51": "Tài khoản không đủ số dư.",
    "65": "Tài khoản đã vượt hạn mức giao dịch trong ngày.",
    "75": "Ngân hàng thanh toán đang bảo trì.",
    "79": "Nhập sai mật khẩu thanh toán quá số lần quy định.",
}
# The codes of a payment refused before any money moved; any other outcome (`07` took the money
# and holds it, `99` or an unknown code says nothing) may have charged the citizen.
DECLINED_UNCHARGED = frozenset(DECLINE_REASONS) - {"07"}


def public_base(request: Request) -> str:
    """The portal's public URL: configured, else the API Gateway domain and stage, else ""."""
    configured = get_settings().public_base_url
    if configured:
        return configured
    context = request.context or {}
    domain = context.get("domainName")
    if not domain:
        return ""
    stage = context.get("stage")
    prefix = f"/{stage}" if stage and domain.endswith(".amazonaws.com") else ""
    return f"https://{domain}{prefix}"


@route(
    bp,
    "/v1/dossiers/{code}/payments",
    "POST",
    summary="Tạo giao dịch nộp phí, lệ phí trực tuyến (chuyển đến cổng thanh toán)",
    tag=TAG,
    request="api/payment-request.json",
    response="api/payment.json",
    errors=(401, 404, 409, 429, 503),
    idempotent=True,
)
def create_payment(code):
    from chalicelib.services.payments import fees as payments

    request = bp.current_request
    principal, body = applicant_body(request, "api/payment-request.json")
    return idempotent_create(
        request,
        "payment",
        principal.subject if principal else f"dossier:{code}",
        {"code": code, **body},
        lambda claim: payments.create(
            code, principal, body.get("phone"), client_ip(request), public_base(request), now()
        ),
    )


@route(
    bp,
    "/v1/dossiers/{code}/result",
    summary="Tải kết quả giải quyết điện tử (chỉ người nộp hồ sơ)",
    tag=TAG,
    query="api/dossier-lookup.query.json",
    response="api/dossier-result.json",
    errors=(401, 403, 404, 409, 429),
)
def download_result(code):
    from chalicelib.services.dossiers import results

    request = bp.current_request
    principal, params = applicant_query(request, "api/dossier-lookup.query.json")
    return ok(results.download(code, principal, params.get("phone"), client_ip(request), now()))


@route(
    bp,
    "/webhooks/vnpay/ipn",
    summary="IPN của cổng thanh toán VNPay 2.1.0 (chữ ký HMAC-SHA512 được kiểm tra)",
    tag=WEBHOOKS,
    response="api/vnpay-ipn.json",
)
def vnpay_ipn():
    from chalicelib.services.payments import fees as payments

    return ok(payments.handle_ipn(dict(bp.current_request.query_params or {}), now()))


@route(
    bp,
    "/payments/vnpay/return",
    summary="Trang kết quả thanh toán khi cổng thanh toán chuyển trình duyệt về (chỉ hiển thị)",
    tag=WEBHOOKS,
    content_type="text/html",
)
def vnpay_return():
    from chalicelib.services.payments import fees as payments

    request = bp.current_request
    view = payments.return_view(dict(request.query_params or {}))
    code = view.get("result_code", "")
    return html(
        render(
            "payments/return.html",
            **view,
            reason=DECLINE_REASONS.get(code, ""),
            uncharged=code in DECLINED_UNCHARGED,
            home=f"{public_base(request)}/",
        )
    )
