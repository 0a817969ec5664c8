"""Zalo OA adapter: the §1.4 signature vector, §1.5 events, and sends over httpx.MockTransport."""

from __future__ import annotations

import json
import logging
import unicodedata
from urllib.parse import parse_qs

import httpx
import pytest

from chalicelib.integrations.zalo import (
    OAUTH_URL,
    ZNS_URL,
    InMemoryTokenStore,
    ZaloAuthError,
    ZaloClient,
    ZaloPermanentError,
    ZaloTemporaryError,
    ZaloTokens,
    parse_event,
    verify_webhook_signature,
)

# docs/integrations.md §1.4 self-computed test vector, verbatim.
APP_ID = "1234567890123456789"
SECRET = "OASECRETKEYEXAMPLE"
RAW_BODY = (
    b'{"app_id":"1234567890123456789","sender":{"id":"246845883529197922"},'
    b'"recipient":{"id":"388613280878808645"},"event_name":"user_send_text",'
    b'"message":{"text":"xin chao","msg_id":"96d3cdf3af150460909"},"timestamp":"1543908534740"}'
)
HEADER = "mac=ed73d1caaaaaf614634e0cd41a7bacf813a434127e2b31b9d9b70a4ccc5f39cc"
TIMESTAMP = "1543908534740"


class TestWebhookSignature:
    def test_reference_vector_verifies(self):
        assert verify_webhook_signature(RAW_BODY, HEADER, APP_ID, SECRET, TIMESTAMP)

    def test_timestamp_read_from_the_body_verifies(self):
        timestamp = json.loads(RAW_BODY)["timestamp"]
        assert verify_webhook_signature(RAW_BODY.decode(), HEADER, APP_ID, SECRET, timestamp)

    @pytest.mark.parametrize("header", [HEADER[4:], HEADER.upper(), f"  {HEADER} "])
    def test_prefix_case_and_whitespace_do_not_matter(self, header):
        assert verify_webhook_signature(RAW_BODY, header, APP_ID, SECRET, TIMESTAMP)

    @pytest.mark.parametrize(
        ("raw", "header", "app_id", "secret", "timestamp"),
        [
            (RAW_BODY.replace(b"xin chao", b"xin chao!"), HEADER, APP_ID, SECRET, TIMESTAMP),
            (RAW_BODY, HEADER, APP_ID, "ANOTHERSECRET", TIMESTAMP),
            (RAW_BODY, HEADER, APP_ID, SECRET, "1543908534741"),
            (RAW_BODY, HEADER, "388613280878808645", SECRET, TIMESTAMP),
            (RAW_BODY, "mac=" + "0" * 64, APP_ID, SECRET, TIMESTAMP),
            (RAW_BODY, "", APP_ID, SECRET, TIMESTAMP),
            (RAW_BODY, "mac=chữ ký giả", APP_ID, SECRET, TIMESTAMP),
        ],
    )
    def test_anything_else_is_refused(self, raw, header, app_id, secret, timestamp):
        assert not verify_webhook_signature(raw, header, app_id, secret, timestamp)

    def test_re_serialised_json_does_not_verify(self):
        reserialised = json.dumps(json.loads(RAW_BODY)).encode()
        assert not verify_webhook_signature(reserialised, HEADER, APP_ID, SECRET, TIMESTAMP)


class TestParseEvent:
    def test_user_send_text(self):
        event = parse_event(json.loads(RAW_BODY))
        assert event.event_name == "user_send_text"
        assert (event.app_id, event.timestamp) == (APP_ID, TIMESTAMP)
        assert (event.user_id, event.oa_id) == ("246845883529197922", "388613280878808645")
        assert (event.msg_id, event.text) == ("96d3cdf3af150460909", "xin chao")
        assert event.dedupe_key == "96d3cdf3af150460909"

    @pytest.mark.parametrize("name", ["follow", "unfollow"])
    def test_follow_events_name_the_follower(self, name):
        event = parse_event(
            {
                "event_name": name,
                "app_id": APP_ID,
                "oa_id": "388613280878808645",
                "follower": {"id": "246845883529197922"},
                "source": "oa_profile",
                "user_id_by_app": "552177279717587730",
                "timestamp": TIMESTAMP,
            }
        )
        assert (event.user_id, event.oa_id) == ("246845883529197922", "388613280878808645")
        assert event.dedupe_key == f"{name}:246845883529197922:{TIMESTAMP}"

    def test_zns_receipt_carries_the_phone_and_tracking_id(self):
        event = parse_event(
            {
                "event_name": "user_received_message",
                "app_id": APP_ID,
                "sender": {"id": "388613280878808645"},
                "recipient": {"id": "84912345678"},
                "message": {
                    "delivery_time": "1543908535000",
                    "msg_id": "zns-msg-1",
                    "tracking_id": "hs_0001_notify_1",
                },
                "timestamp": TIMESTAMP,
            }
        )
        assert (event.oa_id, event.phone) == ("388613280878808645", "84912345678")
        assert event.user_id == ""
        assert (event.tracking_id, event.delivery_time) == ("hs_0001_notify_1", "1543908535000")
        assert event.msg_id == "zns-msg-1"

    @pytest.mark.parametrize(
        "info",
        [
            {"name": "Nguyễn Văn A", "phone": "84912345678", "address": "1 Lê Lợi", "city": "Huế"},
            {
                "name": "Nguyễn Văn A",
                "phone": "84912345678",
                "user_dob": "01/01/1990",
                "full_address": {"user_city": "Huế", "user_address": "1 Lê Lợi"},
            },
        ],
    )
    def test_submitted_info_is_flattened_and_kept_out_of_repr(self, info):
        event = parse_event(
            {
                "event_name": "user_submit_info",
                "app_id": APP_ID,
                "sender": {"id": "246845883529197922"},
                "recipient": {"id": "388613280878808645"},
                "info": info,
                "timestamp": TIMESTAMP,
            }
        )
        assert event.user_id == "246845883529197922"
        assert event.phone == "84912345678"
        assert event.info["name"] == "Nguyễn Văn A"
        assert "Huế" in event.info.values()
        assert "84912345678" not in repr(event)

    def test_a_missing_or_odd_payload_does_not_raise(self):
        event = parse_event({"event_name": "user_send_sticker", "sender": "?", "message": None})
        assert (event.user_id, event.msg_id, event.timestamp) == ("", "", "")


OLD = ZaloTokens("old-access", "old-refresh", 90000)
PHONE = "0912 345 678"


def ok(data: dict) -> httpx.Response:
    return httpx.Response(200, json={"error": 0, "message": "Success", "data": data})


def zalo_error(code: int) -> httpx.Response:
    return httpx.Response(200, json={"error": code, "message": f"error {code}"})


NEW_TOKENS = httpx.Response(
    200, json={"access_token": "new-access", "refresh_token": "new-refresh", "expires_in": "90000"}
)


class FakeZalo:
    """Answers each URL with the next scripted response (or raises a scripted exception)."""

    def __init__(self, **by_url: list) -> None:
        self.answers = {_URLS[key]: list(answers) for key, answers in by_url.items()}
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers[str(request.url)].pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer(request) if callable(answer) else answer

    def urls(self) -> list[str]:
        return [str(request.url) for request in self.requests]


_URLS = {
    "cs": "https://openapi.zalo.me/v3.0/oa/message/cs",
    "template": "https://openapi.zalo.me/v3.0/oa/message/template",
    "zns": ZNS_URL,
    "oauth": OAUTH_URL,
}


def make_client(server: FakeZalo, tokens: ZaloTokens | None = OLD):
    store = InMemoryTokenStore(tokens)
    http = httpx.Client(transport=httpx.MockTransport(server))
    return ZaloClient(http, store, APP_ID, SECRET), store


class TestSending:
    def test_cs_text_uses_the_bare_access_token_header(self):
        server = FakeZalo(cs=[ok({"message_id": "m1", "user_id": "u1"})])
        client, _ = make_client(server)
        assert client.send_text("u1", "Hồ sơ của bạn đã được tiếp nhận.") == "m1"
        (request,) = server.requests
        assert request.headers["access_token"] == "old-access"
        assert "authorization" not in request.headers
        body = json.loads(request.content)
        assert body == {
            "recipient": {"user_id": "u1"},
            "message": {"text": "Hồ sơ của bạn đã được tiếp nhận."},
        }

    def test_cs_text_is_normalised_to_nfc_before_the_length_check(self):
        server = FakeZalo(cs=[ok({"message_id": "m1"})])
        client, _ = make_client(server)
        decomposed = unicodedata.normalize("NFD", "ệ" * 2000)
        client.send_text("u1", decomposed)
        sent = json.loads(server.requests[0].content)["message"]["text"]
        assert sent == "ệ" * 2000

    @pytest.mark.parametrize("text", ["", "a" * 2001])
    def test_cs_text_outside_the_limit_is_refused_locally(self, text):
        server = FakeZalo()
        client, _ = make_client(server)
        with pytest.raises(ValueError):
            client.send_text("u1", text)
        assert server.requests == []

    def test_zns_sends_the_normalised_phone(self):
        server = FakeZalo(zns=[ok({"msg_id": "z1", "sent_time": "1"})])
        client, _ = make_client(server)
        data = {"customer_name": "Nguyễn Văn A", "ma_ho_so": "HS-2025-0001"}
        assert client.send_zns(PHONE, 231677, data, "hs_0001_notify_1") == "z1"
        assert json.loads(server.requests[0].content) == {
            "phone": "84912345678",
            "template_id": "231677",
            "template_data": data,
            "tracking_id": "hs_0001_notify_1",
        }

    def test_zns_development_mode(self):
        server = FakeZalo(zns=[ok({"msg_id": "z1"})])
        client, _ = make_client(server)
        client.send_zns("+84912345678", "1", {}, "t", development=True)
        assert json.loads(server.requests[0].content)["mode"] == "development"

    def test_zns_refuses_an_invalid_phone_without_calling_zalo(self):
        server = FakeZalo()
        client, _ = make_client(server)
        with pytest.raises(ZaloPermanentError) as caught:
            client.send_zns("12345", "1", {}, "t")
        assert caught.value.code == -108
        assert server.requests == []

    def test_template_by_user_id(self):
        server = FakeZalo(template=[ok({"message_id": "t1", "user_id": "u1"})])
        client, _ = make_client(server)
        assert client.send_template("u1", "42", {"ma_ho_so": "HS1"}) == "t1"
        assert json.loads(server.requests[0].content) == {
            "user_id": "u1",
            "template_id": "42",
            "template_data": {"ma_ho_so": "HS1"},
        }


class TestTokenRefresh:
    def test_expired_token_is_refreshed_once_rotated_and_the_send_retried(self):
        server = FakeZalo(cs=[zalo_error(-216), ok({"message_id": "m1"})], oauth=[NEW_TOKENS])
        client, store = make_client(server)
        assert client.send_text("u1", "xin chao") == "m1"
        assert server.urls() == [_URLS["cs"], OAUTH_URL, _URLS["cs"]]
        oauth = server.requests[1]
        assert oauth.headers["secret_key"] == SECRET
        assert parse_qs(oauth.content.decode()) == {
            "app_id": [APP_ID],
            "grant_type": ["refresh_token"],
            "refresh_token": ["old-refresh"],
        }
        assert server.requests[2].headers["access_token"] == "new-access"
        assert store.get() == ZaloTokens("new-access", "new-refresh", 90000)

    @pytest.mark.parametrize(("key", "code"), [("cs", -220), ("zns", -124)])
    def test_other_token_errors_also_refresh(self, key, code):
        answers = {key: [zalo_error(code), ok({"message_id": "m", "msg_id": "m"})]}
        server = FakeZalo(**answers, oauth=[NEW_TOKENS])
        client, store = make_client(server)
        if key == "cs":
            client.send_text("u1", "xin chao")
        else:
            client.send_zns(PHONE, "1", {}, "t")
        assert store.get().refresh_token == "new-refresh"

    def test_a_second_rejection_is_an_auth_error_after_a_single_refresh(self):
        server = FakeZalo(cs=[zalo_error(-216), zalo_error(-216)], oauth=[NEW_TOKENS])
        client, _ = make_client(server)
        with pytest.raises(ZaloAuthError) as caught:
            client.send_text("u1", "xin chao")
        assert caught.value.code == -216
        assert server.urls().count(OAUTH_URL) == 1

    def test_a_refused_refresh_token_is_an_auth_error_and_keeps_the_store(self):
        refused = httpx.Response(200, json={"error": -14014, "message": "Invalid refresh token"})
        server = FakeZalo(cs=[zalo_error(-216)], oauth=[refused])
        client, store = make_client(server)
        with pytest.raises(ZaloAuthError) as caught:
            client.send_text("u1", "xin chao")
        assert caught.value.code == -14014
        assert store.get() == OLD

    def test_a_pair_rotated_by_another_worker_is_used_without_refreshing_again(self):
        store = InMemoryTokenStore(OLD)
        rotated = ZaloTokens("their-access", "their-refresh", 90000)

        def rejected_while_another_worker_rotates(request):
            store.put(rotated)
            return zalo_error(-216)

        server = FakeZalo(cs=[rejected_while_another_worker_rotates, ok({"message_id": "m1"})])
        client = ZaloClient(httpx.Client(transport=httpx.MockTransport(server)), store, APP_ID, "s")
        assert client.send_text("u1", "xin chao") == "m1"
        assert OAUTH_URL not in server.urls()
        assert server.requests[1].headers["access_token"] == "their-access"

    def test_proactive_refresh_stores_the_new_pair(self):
        server = FakeZalo(oauth=[NEW_TOKENS])
        client, store = make_client(server)
        assert client.refresh_tokens() == ZaloTokens("new-access", "new-refresh", 90000)
        assert store.get().access_token == "new-access"

    def test_an_empty_store_is_an_auth_error(self):
        client, _ = make_client(FakeZalo(), tokens=None)
        with pytest.raises(ZaloAuthError):
            client.send_text("u1", "xin chao")

    def test_tokens_never_appear_in_reprs(self):
        assert "old-access" not in repr(OLD) and "old-refresh" not in repr(OLD)


class TestErrorMapping:
    @pytest.mark.parametrize("code", [-108, -109, -131, -114, -118, -213, -230, -227, -999])
    def test_permanent_codes_ask_for_another_channel(self, code):
        client, _ = make_client(FakeZalo(zns=[zalo_error(code)]))
        with pytest.raises(ZaloPermanentError) as caught:
            client.send_zns(PHONE, "1", {}, "t")
        assert caught.value.code == code

    @pytest.mark.parametrize("code", [-32, -133, -144, -147, -234])
    def test_rate_quota_and_night_codes_are_temporary(self, code):
        client, _ = make_client(FakeZalo(zns=[zalo_error(code)]))
        with pytest.raises(ZaloTemporaryError) as caught:
            client.send_zns(PHONE, "1", {}, "t")
        assert caught.value.code == code

    @pytest.mark.parametrize(
        "answer",
        [
            httpx.Response(503),
            httpx.Response(429),
            httpx.Response(200, text="<html>gateway</html>"),
            httpx.ConnectError("refused"),
        ],
    )
    def test_outages_are_temporary(self, answer):
        client, _ = make_client(FakeZalo(cs=[answer]))
        with pytest.raises(ZaloTemporaryError):
            client.send_text("u1", "xin chao")

    def test_permanent_and_temporary_errors_are_zalo_errors_but_not_auth_errors(self):
        assert not issubclass(ZaloPermanentError, ZaloAuthError)
        assert not issubclass(ZaloTemporaryError, ZaloPermanentError)


def test_logs_carry_neither_phone_numbers_nor_tokens(caplog):
    server = FakeZalo(zns=[zalo_error(-216), zalo_error(-131)], oauth=[NEW_TOKENS])
    client, _ = make_client(server)
    with caplog.at_level(logging.DEBUG), pytest.raises(ZaloPermanentError):
        client.send_zns(PHONE, "1", {}, "t")
    logged = " ".join(str(record.__dict__) for record in caplog.records)
    assert caplog.records
    for secret in ("912345678", "old-access", "old-refresh", "new-access", "new-refresh", SECRET):
        assert secret not in logged
