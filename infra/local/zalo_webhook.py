"""Send a signed, fake Zalo OA webhook to the local stack (`make run`), as Zalo would.

    .venv/bin/python -m infra.local.zalo_webhook "tra cuu <mã hồ sơ> <số điện thoại>"
    .venv/bin/python -m infra.local.zalo_webhook --event user_submit_info --phone 0912345678
    .venv/bin/python -m infra.local.zalo_webhook --event follow

The signature is `mac=` + sha256(app id + raw body + timestamp + OA secret) with the local
stage's ZALO_APP_ID and ZALO_OA_SECRET (.chalice/config.json). The OA's reply appears a moment
later in GET /dev/messages (channel zalo_oa) and in the `make run` console.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
import urllib.error
import urllib.request
import uuid

from infra.local.stack import stage_environment

DEFAULT_USER = "2468458835291979220"
OA_ID = "388613280878808645"


def build(
    text: str | None, user: str = DEFAULT_USER, phone: str | None = None, event: str = ""
) -> tuple[bytes, dict[str, str]]:
    """(raw body, headers) of a signed webhook delivery."""
    local = stage_environment("local")
    app_id = os.environ.get("ZALO_APP_ID") or local["ZALO_APP_ID"]
    secret = os.environ.get("ZALO_OA_SECRET") or local["ZALO_OA_SECRET"]
    event = event or "user_send_text"
    timestamp = str(int(time.time() * 1000))
    body: dict = {"app_id": app_id, "event_name": event, "timestamp": timestamp}
    if event in ("follow", "unfollow"):
        body |= {"oa_id": OA_ID, "follower": {"id": user}, "source": "oa_profile"}
    else:
        body |= {"sender": {"id": user}, "recipient": {"id": OA_ID}}
    if event == "user_send_text":
        body["message"] = {"text": text or "huong dan", "msg_id": uuid.uuid4().hex}
    if event == "user_submit_info":
        body["info"] = {"name": "Người dân thử", "phone": phone or "0912345678"}
    raw = json.dumps(body, ensure_ascii=False).encode("utf-8")
    mac = hashlib.sha256(app_id.encode() + raw + (timestamp + secret).encode()).hexdigest()
    return raw, {"Content-Type": "application/json", "X-ZEvent-Signature": f"mac={mac}"}


def main(argv: list[str] | None = None) -> int:
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("text", nargs="?", help='the chat message, e.g. "tra cuu <code> <phone>"')
    cli.add_argument(
        "--event",
        default="user_send_text",
        choices=["user_send_text", "user_submit_info", "follow", "unfollow"],
    )
    cli.add_argument("--user", default=DEFAULT_USER, help="the Zalo user id (a string)")
    cli.add_argument("--phone", help="for --event user_submit_info")
    cli.add_argument("--url", default=f"http://127.0.0.1:{os.environ.get('PORT', '8000')}")
    args = cli.parse_args(argv)
    raw, headers = build(args.text, args.user, args.phone, args.event)
    request = urllib.request.Request(  # noqa: S310 - a local URL given by the developer
        f"{args.url.rstrip('/')}/webhooks/zalo", data=raw, headers=headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            print(response.status, response.read().decode("utf-8"))
    except urllib.error.HTTPError as error:
        print(error.code, error.read().decode("utf-8"))
        return 1
    print(f"The OA's reply shows up in {args.url.rstrip('/')}/dev/messages in a moment.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
