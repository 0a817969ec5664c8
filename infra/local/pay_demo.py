"""A level-4 dossier from submission to the downloaded result, paid through the fake gateway.

Run it against `make run` (stdlib only, over HTTP, as a browser and the officers would):

    .venv/bin/python -m infra.local.pay_demo [--base http://127.0.0.1:8000]

Steps: submit 1.004873 (5.000 đồng online fee, result online) → the receptionist accepts and
asks for payment → the citizen creates a payment, opens the fake gateway's page and presses
"Thanh toán thành công" (the gateway sends the signed IPN and returns the browser) → the events
worker moves the dossier on → the result is attached and approved → the citizen downloads it.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import urllib.error
import urllib.request
import uuid
from urllib.parse import urlencode

PROCEDURE = "1.004873"
AGENCY = "ubnd-xa-hop-thinh"
PHONE = "0912345678"


def _sample_pdf() -> bytes:
    from fpdf import FPDF  # a development dependency, like this demo

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=14)
    pdf.cell(text="Giay xac nhan tinh trang hon nhan (ban thu)")
    return bytes(pdf.output())


PDF = _sample_pdf()


def _http(url: str) -> str:
    if not url.startswith(("http://", "https://")):
        raise SystemExit(f"not an http(s) URL: {url}")
    return url


def request(method, url, body=None, token=None, headers=None, form=False):
    data, content_type = None, "application/json"
    if body is not None:
        data = urlencode(body).encode() if form else json.dumps(body).encode()
        content_type = "application/x-www-form-urlencoded" if form else content_type
    all_headers = {"Content-Type": content_type, **(headers or {})}
    if token:
        all_headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(_http(url), data, all_headers, method=method)  # noqa: S310
    try:
        with urllib.request.urlopen(req, timeout=30) as response:  # noqa: S310 - local stack
            return response.status, response.read(), response.geturl()
    except urllib.error.HTTPError as error:
        return error.code, error.read(), url


def api(method, url, body=None, token=None, expect=(200, 201)):
    status, raw, _ = request(method, url, body, token, {"Idempotency-Key": uuid.uuid4().hex})
    answer = json.loads(raw) if raw else None
    if status not in expect:
        raise SystemExit(f"{method} {url} -> {status}: {answer}")
    return answer


def post_to_s3(upload: dict, content: bytes, content_type: str) -> None:
    """The presigned POST a browser sends (multipart form, the file last)."""
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in upload["fields"].items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="f.pdf"\r\n'
        f"Content-Type: {content_type}\r\n\r\n".encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    body = b"".join(parts)
    req = urllib.request.Request(_http(upload["url"]), body, headers, method="POST")  # noqa: S310
    with urllib.request.urlopen(req, timeout=30):  # noqa: S310 - the emulated S3
        pass


def officer_action(base, code, token, action, **params):
    version = api("GET", f"{base}/v1/officer/dossiers/{code}", token=token)["version"]
    body = {"action": action, "version": version, **params}
    return api("POST", f"{base}/v1/officer/dossiers/{code}/actions", body, token)


def wait_for_status(base, code, wanted, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status = api("GET", f"{base}/v1/dossiers/{code}?phone={PHONE}")["status"]
        if status == wanted:
            return
        time.sleep(0.5)
    raise SystemExit(f"dossier {code} did not reach {wanted} (still {status})")


def submit(base) -> str:
    procedure = api("GET", f"{base}/v1/procedures/{PROCEDURE}")
    form = api("GET", f"{base}/v1/procedures/{PROCEDURE}/form")["examples"][0]
    attachments = []
    for component in procedure["components"]:
        if not component["required"] or component.get("filled_online"):
            continue
        upload = api(
            "POST",
            f"{base}/v1/uploads",
            {
                "procedure_code": PROCEDURE,
                "component_code": component["code"],
                "filename": f"{component['code']}.pdf",
                "content_type": "application/pdf",
                "size_bytes": len(PDF),
            },
        )
        post_to_s3(upload, PDF, "application/pdf")
        attachments.append({"component_code": component["code"], "upload_id": upload["upload_id"]})
    applicant = {"full_name": "Nguyễn Thị Bình", "id_number": "001199012345", "phone": PHONE}
    created = api(
        "POST",
        f"{base}/v1/dossiers",
        {
            "procedure_code": PROCEDURE,
            "agency": AGENCY,
            "applicant": applicant,
            "form": form,
            "attachments": attachments,
            "result_delivery": "online",
            "notify": ["sms"],
        },
    )
    return created["code"]


def pay(base, code) -> dict:
    payment = api("POST", f"{base}/v1/dossiers/{code}/payments", {"phone": PHONE})
    status, page, _ = request("GET", payment["payment_url"])
    if status != 200 or "Thanh toán thành công".encode() not in page:
        raise SystemExit(f"the fake gateway page did not open ({status})")
    action = f"{base}/dev/fake-gateway/pay"
    form = {"vnp_TxnRef": payment["payment_id"], "choice": "pay"}
    status, returned, landed = request("POST", action, form, form=True)  # follows the redirect
    if status != 200 or "Thanh toán thành công".encode() not in returned:
        raise SystemExit(f"the return page did not confirm the payment ({status}, {landed})")
    return payment


def run(base: str, say=print) -> dict:
    def token(role):
        body = {"role": role, "agency": AGENCY, "subject": f"{role}-demo"}
        return api("POST", f"{base}/dev/token", body)["access_token"]

    desk, specialist, leader = token("receptionist"), token("specialist"), token("leader")
    code = submit(base)
    say(f"1. Nộp hồ sơ {code} (thủ tục {PROCEDURE}, nhận kết quả trực tuyến)")
    officer_action(base, code, desk, "accept")
    officer_action(base, code, desk, "request_payment", note="Nộp lệ phí trực tuyến")
    say("2. Bộ phận Một cửa tiếp nhận và yêu cầu nộp lệ phí")
    payment = pay(base, code)
    say(f"3. Thanh toán {payment['amount']} đồng qua cổng giả lập (mã {payment['payment_id']})")
    wait_for_status(base, code, "in_progress")
    say("4. IPN đã ghi nhận, hồ sơ chuyển sang 'Đang xử lý'")
    upload = api(
        "POST",
        f"{base}/v1/officer/dossiers/{code}/result",
        {"filename": "xac-nhan.pdf", "content_type": "application/pdf", "size_bytes": len(PDF)},
        specialist,
    )
    post_to_s3(upload, PDF, "application/pdf")
    officer_action(base, code, leader, "approve")
    say("5. Đính kèm kết quả và lãnh đạo phê duyệt")
    result = api("GET", f"{base}/v1/dossiers/{code}/result?phone={PHONE}")
    status, content, _ = request("GET", result["url"])
    if status != 200 or not content.startswith(PDF):  # signed: the upload plus a signature
        raise SystemExit(f"the result did not download ({status})")
    final = api("GET", f"{base}/v1/dossiers/{code}?phone={PHONE}")
    say(f"6. Công dân tải kết quả ({len(content)} byte); trạng thái: {final['status_label']}")
    return {
        "code": code,
        "payment": payment,
        "status": final["status"],
        "fee_paid": final["fee_paid"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    run(parser.parse_args(argv).base.rstrip("/"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
