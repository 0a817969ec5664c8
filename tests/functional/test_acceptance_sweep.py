"""Defects found by an acceptance sweep of the running portal with real clients (an Open311
client, curl, a browser), each kept here as the request that showed it."""

import html
import json
import random

import httpx
import pytest

from tests.factories import PROCEDURE, RECEIVING_AGENCY, call, calling_from, submit, token
from tests.functional.test_officer_sign_in import sign_in as officer_sign_in
from tests.functional.test_open311 import assert_errors_json, assert_errors_xml, post, report


def test_open311_post_without_service_code_is_400_not_404(client):
    """GeoReport v2: a service_code that is not provided is a 400; only one provided and unknown
    is a 404."""
    status, body = post(client, report(service_code=None))
    xml_status, root = post(client, report(service_code=""), fmt="xml")

    assert status == xml_status == 400
    assert_errors_json(body, 400)
    assert "service_code" in body[0]["description"]
    assert_errors_xml(root, 400)


def test_open311_post_checks_the_sender_email_and_phone_like_the_web_api(client):
    status, body = post(client, report(email="khong-phai-email", phone="12345"))

    assert status == 400
    assert_errors_json(body, 400)
    described = " ".join(e["description"] for e in body)
    assert "email" in described and "phone" in described


def test_open311_post_takes_a_phone_written_with_spaces_or_the_country_code(client):
    status, body = post(client, report(phone="+84 912 345 678"))

    assert status == 200, body


def test_an_action_the_status_or_role_does_not_allow_is_told_in_vietnamese_words(client):
    """The console shows these messages to officers: they named the action and the role by
    their API identifiers ('approve', 'receptionist')."""
    _, created = submit(client)
    code = created["code"]
    desk = token(client, "receptionist", RECEIVING_AGENCY[PROCEDURE])
    version = call(client, "GET", f"/v1/officer/dossiers/{code}", token=desk)[1]["version"]

    early = call(client, "POST", f"/v1/officer/dossiers/{code}/actions",
                 {"action": "approve", "version": version}, token=desk)  # fmt: skip
    for action, extra in (("accept", {}), ("assign", {"assignee": "can-bo-tu-phap-1"})):
        path = f"/v1/officer/dossiers/{code}/actions"
        body = {"action": action, "version": version, **extra}
        status, body = call(client, "POST", path, body, token=desk)
        assert status == 200, body
        version = body["version"]
    wrong_role = call(client, "POST", f"/v1/officer/dossiers/{code}/actions",
                      {"action": "approve", "version": version}, token=desk)  # fmt: skip

    assert early[0] == 409 and early[1]["error"]["code"] == "INVALID_TRANSITION"
    assert wrong_role[0] == 403 and wrong_role[1]["error"]["code"] == "FORBIDDEN"
    for _, body in (early, wrong_role):
        message = body["error"]["message"]
        assert "Phê duyệt kết quả" in message, message
        assert "approve" not in message and "receptionist" not in message, message


def test_a_feedback_action_the_status_does_not_allow_is_told_in_vietnamese_words(client):
    status, created = call(client, "POST", "/v1/feedback", {
        "title": "Đèn đường hỏng", "content": "Đèn đường trước số 8 hỏng đã một tuần.",
        "category": "co_so_ha_tang", "sender": {"full_name": "Nguyễn Văn An"}, "public": False,
    })  # fmt: skip
    assert status == 201, created
    officer = token(client, "leader", created["agency"]["id"])
    path = f"/v1/officer/feedback/{created['id']}"
    version = call(client, "GET", path, token=officer)[1]["version"]

    status, body = call(client, "POST", f"{path}/actions",
                        {"action": "publish", "version": version}, token=officer)  # fmt: skip

    assert status == 409 and body["error"]["code"] == "INVALID_TRANSITION", body
    assert "Công khai kết quả trả lời" in body["error"]["message"], body
    assert "'publish'" not in body["error"]["message"]


def test_a_console_page_an_officer_may_not_open_says_so_rather_than_not_found(client):
    """A receptionist opening the accounts page got a 403 titled "Không tìm thấy"."""
    receptionist, _ = officer_sign_in(client, f"receptionist.{RECEIVING_AGENCY[PROCEDURE]}")

    answer = client.http.get("/can-bo/tai-khoan", headers=receptionist.header())
    page = answer.body.decode()

    assert answer.status_code == 403
    assert "<h1>Không có quyền truy cập</h1>" in page and "Không tìm thấy" not in page
    assert "Chỉ quản trị của cơ quan mới vào được trang này." in page


def test_a_wrong_content_type_is_told_which_type_the_route_takes(client):
    """The 415 message always said "hãy gửi application/json", also to a client posting a PDF
    to the verification route or a form to the console's sign-in."""
    pdf = client.http.post("/v1/documents/abc/verification", body=b"%PDF-1.4",
                           headers={"Content-Type": "text/plain"})  # fmt: skip
    form = client.http.post("/can-bo/dang-nhap", body=b"{}",
                            headers={"Content-Type": "application/json"})  # fmt: skip
    url_encoded = {"Content-Type": "application/x-www-form-urlencoded"}
    api = client.http.post("/v1/dossiers", body=b"a=b", headers=url_encoded)

    messages = [json.loads(r.body)["error"]["message"] for r in (pdf, form, api)]
    assert [r.status_code for r in (pdf, form, api)] == [415, 415, 415]
    assert "application/pdf" in messages[0] and "application/json" not in messages[0]
    assert "application/x-www-form-urlencoded" in messages[1]
    assert "application/json" in messages[2]


def test_the_local_server_answers_any_method_with_the_contract_error(local_server):
    """`make run` answered TRACE or QUERY with the bare HTTP server's 501 HTML page (a 5xx for
    every fuzzer), and an unknown path without the headers every answer carries."""
    url = f"{local_server}/v1/procedures"
    odd = [httpx.request(method, url, timeout=10) for method in ("TRACE", "QUERY")]
    first = httpx.get(f"{local_server}/khong-co-trang-nay", timeout=10)
    unknown = httpx.get(f"{local_server}/cung-khong-co", timeout=10)  # the second one too

    assert [r.status_code for r in odd] == [405, 405]
    assert all(r.json()["error"]["code"] == "METHOD_NOT_ALLOWED" for r in odd)
    assert first.status_code == unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "NOT_FOUND"
    assert unknown.headers["content-type"] == "application/json; charset=utf-8"
    assert unknown.headers["x-content-type-options"] == "nosniff"
    assert unknown.headers["cache-control"] == "no-store"


def documented(client, method, path, status, content_type):
    """Whether /openapi.json documents `status` for the operation, with this content type (a
    redirect has none)."""
    operations = json.loads(client.http.get("/openapi.json").body)["paths"][path]
    answer = operations[method.lower()]["responses"].get(str(status))
    if answer is None:
        return False
    media = content_type.split(";")[0].strip()
    return not media or any(
        media == declared or (declared.endswith("/*") and media.startswith(declared[:-1]))
        for declared in answer.get("content", {})
    )


def test_what_pages_and_body_routes_answer_is_in_the_openapi_description(client):
    """Schemathesis, run on /openapi.json against `make run`, found statuses the description did
    not list: the sign-in redirects, the pages' own 404/400/403 pages, 413 and 415."""
    receptionist, _ = officer_sign_in(client, f"receptionist.{RECEIVING_AGENCY[PROCEDURE]}")
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    cases = [
        ("GET", "/dang-nhap", "/dang-nhap", {}, None),
        ("GET", "/dang-nhap/callback", "/dang-nhap/callback", {}, None),
        ("POST", "/dang-xuat", "/dang-xuat", form, b""),
        ("GET", "/ho-so-cua-toi/{code}", "/ho-so-cua-toi/abc", {}, None),
        ("GET", "/thu-tuc/{code}", "/thu-tuc/0", {}, None),
        ("GET", "/thu-tuc/{code}/nop-ho-so", "/thu-tuc/0/nop-ho-so", {}, None),
        ("GET", "/xac-thuc/{document_id}", "/xac-thuc/abc", {}, None),
        ("GET", "/static/{name}", "/static/khong-co.css", {}, None),
        ("GET", "/can-bo", "/can-bo", {}, None),
        ("GET", "/can-bo/ho-so", "/can-bo/ho-so", {}, None),
        ("GET", "/can-bo/ho-so/{code}", "/can-bo/ho-so/abc", {}, None),
        ("GET", "/can-bo/tiep-nhan", "/can-bo/tiep-nhan", {}, None),
        ("GET", "/can-bo/phan-anh", "/can-bo/phan-anh", {}, None),
        ("GET", "/can-bo/so-theo-doi", "/can-bo/so-theo-doi", {}, None),
        ("GET", "/can-bo/lich", "/can-bo/lich", {}, None),
        ("GET", "/can-bo/tai-khoan", "/can-bo/tai-khoan", {}, None),
        ("GET", "/can-bo/tai-khoan", "/can-bo/tai-khoan", receptionist.header(), None),
        ("POST", "/can-bo/dang-nhap", "/can-bo/dang-nhap", form,
         b"step=password&username=khong-co&password=sai"),
        ("POST", "/can-bo/dang-nhap", "/can-bo/dang-nhap", {"Content-Type": "text/plain"}, b"x"),
        ("POST", "/v1/dossiers", "/v1/dossiers", {"Content-Type": "text/plain"}, b"x"),
        ("POST", "/v1/dossiers", "/v1/dossiers", {"Content-Type": "application/json"},
         b'{"a": "' + b"x" * 300_000 + b'"}'),
        ("POST", "/v1/documents/{document_id}/verification", "/v1/documents/abc/verification",
         {"Content-Type": "text/plain"}, b"x"),
        ("GET", "/dev/fake-gateway/pay", "/dev/fake-gateway/pay", {}, None),
        ("POST", "/dev/fake-gateway/pay", "/dev/fake-gateway/pay", form, b"vnp_TxnRef=khong-co"),
    ]  # fmt: skip

    missing = []
    for method, template, path, headers, body in cases:
        answer = getattr(client.http, method.lower())(path, headers=headers, body=body)
        content_type = {k.lower(): v for k, v in answer.headers.items()}.get("content-type", "")
        if answer.status_code in (301, 302, 303, 307):
            content_type = ""
        if not documented(client, method, template, answer.status_code, content_type):
            missing.append(f"{method} {path} {answer.status_code} {content_type}")
    assert not missing, "\n".join(missing)


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("from=bad", "Từ ngày: phải có dạng 2025-01-31"),
        ("from=2026-12-01&to=2026-01-01", "Từ ngày: Phải trước"),
        ("agency=khong-co", "Cơ quan: Không có cơ quan"),
    ],
)
def test_the_statistics_page_tells_a_bad_filter_in_the_words_of_its_form(client, query, shown):
    """The page showed "from: Từ ngày (YYYY-MM-DD); mặc định ngày đầu năm: phải có dạng …",
    twice: the query's identifier and the schema's whole title."""
    answer = client.http.get(f"/thong-ke?{query}")
    page = html.unescape(answer.body.decode())

    assert answer.status_code == 200
    assert page.count(shown) == 1, page[page.find("không hợp lệ") - 100 :][:400]
    assert "from:" not in page and "agency:" not in page and "YYYY-MM-DD); mặc định" not in page


@pytest.mark.parametrize("path", ["/", "/v1/procedures", "/dang-nhap/callback", "/v1/me"])
def test_a_request_without_a_body_is_not_refused_for_its_content_type(client, path):
    """httpx, following the identity provider's redirect after the sign-in form, keeps the
    form's Content-Type on the GET to /dang-nhap/callback: the sign-in ended in a 415 (and so did
    the GET / after signing out)."""
    answer = client.http.get(path, headers={"Content-Type": "application/x-www-form-urlencoded"})

    assert answer.status_code != 415
    if answer.status_code >= 400 and path.startswith("/v1"):
        assert json.loads(answer.body)["error"]["code"] != "UNSUPPORTED_MEDIA_TYPE"


def _upload_request(path):
    if path == "/v1/uploads":
        return {"procedure_code": PROCEDURE, "component_code": "TP2", "filename": "a.pdf",
                "content_type": "application/pdf", "size_bytes": 100}  # fmt: skip
    return {"filename": "anh.jpg", "content_type": "image/jpeg", "size_bytes": 100}


@pytest.mark.parametrize("path", ["/v1/uploads", "/v1/feedback/uploads"])
def test_one_address_cannot_flood_anonymous_uploads(client, limits, path):
    """The contract limits anonymous creates, uploads included, per client address: any number
    of presigned uploads (10 MB each into the uploads bucket) were handed out."""
    limits(UPLOADS_PER_IP=2)
    flooder = f"198.51.100.{random.randint(1, 254)}"

    with calling_from(flooder):
        invalid = call(client, "POST", path, {**_upload_request(path), "size_bytes": 10**10})
        answers = [call(client, "POST", path, _upload_request(path)) for _ in range(3)]
    with calling_from(f"203.0.113.{random.randint(1, 254)}"):
        elsewhere = call(client, "POST", path, _upload_request(path))
    citizen = token(client)
    with calling_from(flooder):
        signed_in = call(client, "POST", path, _upload_request(path), token=citizen)

    assert invalid[0] in (400, 413)  # a refused request takes nothing from the budget
    assert [status for status, _ in answers] == [201, 201, 429]
    assert answers[-1][1]["error"]["code"] == "RATE_LIMITED"
    assert "tệp" in answers[-1][1]["error"]["message"]
    assert elsewhere[0] == 201 and signed_in[0] == 201


def test_limits_are_told_in_words_people_use(client):
    """A time limit of 100000 days was told "phải là số dương" (it is positive); a result file
    over the limit "Phải nhỏ hơn hoặc bằng 20971520"."""
    status, due = call(client, "GET", "/v1/calendar/due?from=2026-12-03T16:00:00%2B07:00"
                       "&amount=100000&unit=working_days")  # fmt: skip
    _, created = submit(client)
    specialist = token(client, "specialist", RECEIVING_AGENCY[PROCEDURE])
    result_path = f"/v1/officer/dossiers/{created['code']}/result"
    big = {"filename": "kq.pdf", "content_type": "application/pdf", "size_bytes": 10**9}
    too_big = call(client, "POST", result_path, big, token=specialist)

    assert status == 400 and "3650" in due["error"]["details"][0]["message"]
    assert "số dương" not in due["error"]["details"][0]["message"]
    assert too_big[0] == 400 and "20 MB" in too_big[1]["error"]["details"][0]["message"]
