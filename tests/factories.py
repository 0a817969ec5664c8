"""Builders for test data: fresh identifiers every time, so tests never collide."""

from __future__ import annotations

import json
import uuid
from contextlib import contextmanager
from unittest import mock

import boto3
import botocore.client

from tests.personal_data import random_id_number, random_phone, remember_in

PROCEDURE = "1.001193"
# Where the tests file each procedure that several agencies perform (officers of these agencies
# then act on the dossiers).
RECEIVING_AGENCY = {
    "1.001193": "ubnd-phuong-kinh-bac",
    "1.000894": "ubnd-phuong-bac-giang",
    "1.000656": "ubnd-phuong-vo-cuong",
    "1.004873": "ubnd-xa-hop-thinh",
    "2.000635": "ubnd-phuong-tan-tien",
    "1.004859": "ubnd-phuong-tan-tien",
    "2.000908": "ubnd-phuong-tu-son",
    "2.001263": "ubnd-phuong-vo-cuong",
    "1.001612": "ubnd-phuong-tu-son",
    "1.009122": "ubnd-xa-hop-thinh",
    "1.013978": "ubnd-xa-hop-thinh",
    "1.004222": "cong-an-phuong-kinh-bac",
    "1.004194": "cong-an-phuong-bac-giang",
    "1.010041": "cong-an-phuong-kinh-bac",
    "1.003622": "ubnd-phuong-tan-tien",
    "2.001283": "ubnd-phuong-vo-cuong",
}


def sample_pdf(text: str = "Giay xac nhan (ban thu)") -> bytes:
    """A small, well-formed one-page PDF (what an officer would upload as a result)."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=14)
    pdf.cell(text=text)
    return bytes(pdf.output())


# Minimal files of each type a component accepts: their first bytes are the type's real
# signature, which the portal checks before a file leaves quarantine (domain/file_types.py).
SAMPLE_FILES = {
    "application/pdf": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n",
    "image/jpeg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9",
    "image/png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06"
    b"\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\x00IEND\xaeB`\x82",
}


@contextmanager
def calling_from(address: str):
    """Requests of the test client arrive from `address` (API Gateway's sourceIp)."""
    import chalice.local

    previous = chalice.local.LambdaEventConverter.LOCAL_SOURCE_IP
    chalice.local.LambdaEventConverter.LOCAL_SOURCE_IP = address
    try:
        yield
    finally:
        chalice.local.LambdaEventConverter.LOCAL_SOURCE_IP = previous


def call(client, method, path, body=None, token=None, headers=None):
    # Accept */* as browsers and curl send it (a binary answer, e.g. a PDF, needs a matching
    # Accept header in API Gateway and Chalice).
    all_headers = {"Content-Type": "application/json", "Accept": "*/*", **(headers or {})}
    if token:
        all_headers["Authorization"] = f"Bearer {token}"
    remember_in(body)
    payload = json.dumps(body).encode() if body is not None else None
    response = getattr(client.http, method.lower())(path, body=payload, headers=all_headers)
    try:
        data = json.loads(response.body) if response.body else None
    except ValueError:
        data = response.body
    return response.status_code, data


def token(client, role="citizen", agency=None, subject=None):
    body = {"role": role, "subject": subject or f"{role}-{uuid.uuid4().hex[:10]}"}
    if agency:
        body["agency"] = agency
    status, data = call(client, "POST", "/dev/token", body)
    assert status == 201, data
    return data["access_token"]


def procedure(client, code=PROCEDURE) -> dict:
    status, data = call(client, "GET", f"/v1/procedures/{code}")
    assert status == 200, data
    return data


def form_example(client, code=PROCEDURE) -> dict:
    status, form = call(client, "GET", f"/v1/procedures/{code}/form")
    assert status == 200, form
    return json.loads(json.dumps(form["examples"][0]))


def put_uploaded_file(upload: dict, content_type: str, content: bytes) -> None:
    """What the browser does with the presigned POST (the functional tests use moto in-process)."""
    key = upload["fields"]["key"]
    bucket = upload["url"].rstrip("/").rsplit("/", 1)[-1]
    boto3.client("s3").put_object(Bucket=bucket, Key=key, Body=content, ContentType=content_type)


def upload(
    client,
    component: dict,
    code=PROCEDURE,
    token_=None,
    content=None,
    content_type=None,
    put=True,
    filename=None,
) -> str:
    content_type = content_type or component["file_types"][0]
    content = SAMPLE_FILES[content_type] if content is None else content
    status, data = call(
        client,
        "POST",
        "/v1/uploads",
        {
            "procedure_code": code,
            "component_code": component["code"],
            "filename": filename or f"{component['code']}.pdf",
            "content_type": content_type,
            "size_bytes": len(content),
        },
        token=token_,
    )
    assert status == 201, data
    if put:
        put_uploaded_file(data, content_type, content)
    return data["upload_id"]


def needs_file(component: dict) -> bool:
    return component["required"] and not component.get("filled_online")


def submission(client, code=PROCEDURE, token_=None, phone=None, **overrides) -> dict:
    proc = procedure(client, code)
    attachments = [
        {"component_code": c["code"], "upload_id": upload(client, c, code, token_)}
        for c in proc["components"]
        if needs_file(c)
    ]
    body = {
        "procedure_code": code,
        **({"agency": RECEIVING_AGENCY[code]} if len(proc["agencies"]) > 1 else {}),
        "applicant": {
            "full_name": "Nguyễn Văn An",
            "id_number": random_id_number(),
            "phone": phone or random_phone(),
            "email": "an@example.vn",
        },
        "form": form_example(client, code),
        "attachments": attachments,
        "result_delivery": proc["delivery_options"][0],
        "notify": ["sms"],
    }
    body.update(overrides)
    return body


def submit(client, code=PROCEDURE, token_=None, headers=None, **overrides):
    body = submission(client, code, token_, **overrides)
    status, data = call(client, "POST", "/v1/dossiers", body, token=token_, headers=headers)
    assert status == 201, data
    return body, data


def app_secret(value: dict | str | None = None) -> str:
    """A fresh app secret in (emulated) Secrets Manager, as a cloud stage reads it; its ARN.
    By default a real one: a random `secret_key` and nothing else."""
    import secrets

    value = {"secret_key": secrets.token_urlsafe(48)} if value is None else value
    text = value if isinstance(value, str) else json.dumps(value)
    name = f"dvc/test-{uuid.uuid4().hex[:8]}/app"
    return boto3.client("secretsmanager").create_secret(Name=name, SecretString=text)["ARN"]


@contextmanager
def dynamodb_calls():
    """The DynamoDB operations called meanwhile (by any boto3 or PynamoDB client)."""
    calls: list[str] = []
    real = botocore.client.BaseClient._make_api_call

    def counting(self, operation, params):
        if self.meta.service_model.service_name == "dynamodb":
            calls.append(operation)
        return real(self, operation, params)

    with mock.patch.object(botocore.client.BaseClient, "_make_api_call", counting):
        yield calls


def scratch_table(prefix: str) -> str:
    """A new empty table keyed PK/SK (strings), on demand: for tests of the emulator and the
    bench's meter, or an empty copy of a table keyed that way."""
    name = f"{prefix}-{uuid.uuid4().hex[:8]}"
    boto3.client("dynamodb").create_table(
        TableName=name,
        KeySchema=[
            {"AttributeName": "PK", "KeyType": "HASH"},
            {"AttributeName": "SK", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "PK", "AttributeType": "S"},
            {"AttributeName": "SK", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    return name


@contextmanager
def serving_locally(app):
    """`app` served by `make run`'s HTTP server (infra/local/server.py) on a free port: its base
    URL."""
    import threading

    from infra.local.server import make_server

    server = make_server(app, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server.server_address[1]}"
    finally:
        server.shutdown()
        thread.join(5)
