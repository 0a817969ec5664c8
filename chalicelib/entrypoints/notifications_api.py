"""Notifications at the HTTP edge: the Zalo OA webhook, the SMS delivery callback, officer
notifications asked by other provincial systems, and the dev message log of the local stage."""

from __future__ import annotations

import hmac

from chalice import Blueprint

from chalicelib.domain.errors import NotFound, PayloadTooLarge
from chalicelib.domain.principal import OFFICER_ROLES, SERVICE
from chalicelib.entrypoints.auth import local_only
from chalicelib.entrypoints.http import MAX_BODY_BYTES, ok, query_params, route
from chalicelib.services.shared import paging
from chalicelib.services.shared.clock import now

bp = Blueprint(__name__)
TAG = "Thông báo và Zalo OA"


@route(
    bp,
    "/webhooks/zalo",
    "POST",
    summary="Sự kiện từ Zalo Official Account (kiểm tra X-ZEvent-Signature)",
    tag=TAG,
    request="api/zalo-webhook.json",
    response="api/webhook-ack.json",
    errors=(401, 403, 413, 503),
    extra={
        "parameters": [
            {
                "name": "X-ZEvent-Signature",
                "in": "header",
                "required": True,
                "schema": {"type": "string", "pattern": "^mac=[0-9a-f]{64}$"},
            }
        ]
    },
)
def zalo_webhook():
    from chalicelib.services.notifications import zalo_inbound

    request = bp.current_request
    raw = request.raw_body or b""
    if len(raw) > MAX_BODY_BYTES:
        raise PayloadTooLarge()
    signature = (request.headers or {}).get("x-zevent-signature")
    return ok({"status": zalo_inbound.accept(raw, signature, now())})


@route(
    bp,
    "/webhooks/sms/esms",
    summary="Báo cáo gửi SMS từ eSMS (đường dẫn có mã bí mật)",
    tag=TAG,
    response="api/webhook-ack.json",
    errors=(404,),
    extra={
        "parameters": [
            {"name": "token", "in": "query", "required": True, "schema": {"type": "string"}}
        ]
    },
)
def esms_callback():
    from chalicelib.integrations import notify_config
    from chalicelib.integrations.sms import EsmsGateway
    from chalicelib.services.notifications import dispatch as notifications

    params = dict(bp.current_request.query_params or {})
    expected = notify_config.sms_callback_token()
    if not expected or not hmac.compare_digest(params.pop("token", "").encode(), expected.encode()):
        raise NotFound("Không tìm thấy đường dẫn yêu cầu.")
    try:
        report = EsmsGateway.parse_callback(params)
    except ValueError:
        return ok({"status": "ignored"})
    if report.status.value == "pending" or not report.ref:
        return ok({"status": "ignored"})
    found = notifications.record_receipt(report.ref, report.status.value, "", now())
    return ok({"status": "recorded" if found else "ignored"})


@route(
    bp,
    "/v1/integrations/officer-notifications",
    "POST",
    summary="Hệ thống khác của tỉnh yêu cầu thông báo cho cán bộ (mỗi document_id một lần)",
    tag=TAG,
    request="api/officer-notification.json",
    response="api/officer-notification.response.json",
    status=201,
    auth=(SERVICE,),
    errors=(409, 503),
)
def officer_notification(principal, body):
    from chalicelib.services.notifications import officer_requests as officer_notifications

    answer, replayed = officer_notifications.request(principal, body, now())
    return ok(answer, 201, {"Idempotent-Replayed": "true"} if replayed else None)


@route(
    bp,
    "/v1/officer/notifications",
    summary="Thông báo của cán bộ (việc đang chờ), mới nhất trước",
    tag=TAG,
    query="api/officer-notifications.query.json",
    response="api/officer-notification-list.json",
    auth=OFFICER_ROLES,
)
def my_notifications(principal, params):
    from chalicelib.persistence import notification_store

    mine = params.get("scope", "mine") == "mine"
    subject = f"OFFICER#{principal.subject}" if mine else f"AGENCY#{principal.agency}"
    items, last = notification_store.subject_page(
        subject,
        params.get("page_size", paging.DEFAULT_PAGE_SIZE),
        paging.decode(params.get("page_token"), subject),
    )
    return ok(
        {
            "items": [
                {
                    "id": r.id,
                    "template": r.template,
                    "title": r.message["title"],
                    "text": r.message["body"],
                    "dossier_code": r.dossier_code,
                    "created_at": r.created_at,
                }
                for r in items
            ],
            "next_page_token": paging.scoped(last, subject),
        }
    )


@route(
    bp,
    "/dev/messages",
    summary="Tin nhắn các kênh giả đã gửi, mới nhất trước (chỉ môi trường local)",
    tag="Môi trường thử (local)",
    query="api/dev-messages.query.json",
    response="api/dev-messages.json",
    errors=(404,),
)
def dev_messages():
    from chalicelib.persistence import notification_store

    local_only()
    params = query_params(bp.current_request, "api/dev-messages.query.json")
    scope = "dev-messages"
    items, last = notification_store.dev_messages_page(
        params.get("page_size", paging.DEFAULT_PAGE_SIZE),
        paging.decode(params.get("page_token"), scope),
    )
    fields = ("notification_id", "channel", "template", "dossier_code", "to", "title", "text")
    return ok(
        {
            "items": [{**{f: getattr(r, f) for f in fields}, "sent_at": r.sent_at} for r in items],
            "next_page_token": paging.scoped(last, scope),
        }
    )
