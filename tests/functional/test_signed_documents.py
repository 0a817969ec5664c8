"""Signed electronic results (PAdES, checked with pyHanko's own validator), their public
verification, what refuses to issue a result unsigned, and the citizen's document wallet."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import uuid
import zipfile
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import boto3
import pytest

from chalicelib.config import get_settings, reset_settings
from chalicelib.integrations import signing
from tests.factories import PROCEDURE, call, put_uploaded_file, sample_pdf, submit, token

AGENCY = "ubnd-phuong-kinh-bac"  # performs tests.factories.PROCEDURE (no fee)


def officer(client, role="receptionist"):
    return token(client, role=role, agency=AGENCY)


def act(client, code, who, action, **params):
    _, view = call(client, "GET", f"/v1/officer/dossiers/{code}", token=who)
    return call(
        client,
        "POST",
        f"/v1/officer/dossiers/{code}/actions",
        {"action": action, "version": view["version"], **params},
        token=who,
    )


def in_progress(client, citizen=None) -> tuple[str, dict]:
    body, created = submit(client, token_=citizen)
    code, desk = created["code"], officer(client)
    assert act(client, code, desk, "accept")[0] == 200
    assert act(client, code, desk, "assign", assignee="cb-tu-phap")[0] == 200
    return code, body


def attach(client, code, content: bytes) -> None:
    status, upload = call(
        client,
        "POST",
        f"/v1/officer/dossiers/{code}/result",
        {
            "filename": "giay-khai-sinh.pdf",
            "content_type": "application/pdf",
            "size_bytes": len(content),
        },
        token=officer(client, "specialist"),
    )
    assert status == 201, upload
    put_uploaded_file(upload, "application/pdf", content)


def issued(client, citizen=None, content=None) -> tuple[str, dict, dict]:
    """A dossier approved with a signed result: (code, submission body, officer view)."""
    code, body = in_progress(client, citizen)
    attach(client, code, content or sample_pdf("Giay khai sinh"))
    status, view = act(client, code, officer(client, "leader"), "approve")
    assert status == 200, view
    return code, body, view


def signed_bytes(view: dict) -> bytes:
    key = view["result_document"]["signed_key"]
    s3 = boto3.client("s3")
    return s3.get_object(Bucket=get_settings().bucket_results, Key=key)["Body"].read()


def pyhanko_status(data: bytes):
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    trust = signing.trust()
    context = ValidationContext(
        trust_roots=[_cert(p) for p in trust.roots], crls=[_der(c) for c in trust.crls]
    )
    reader = PdfFileReader(io.BytesIO(data))
    with ThreadPoolExecutor(1) as pool:  # pyHanko runs its own event loop
        return pool.submit(validate_pdf_signature, reader.embedded_signatures[-1], context).result()


def _der(pem_bytes):
    from asn1crypto import pem

    return pem.unarmor(pem_bytes)[2]


def _cert(pem_bytes):
    from asn1crypto import x509

    return x509.Certificate.load(_der(pem_bytes))


def compare(client, document_id, data: bytes):
    response = client.http.post(
        f"/v1/documents/{document_id}/verification",
        body=data,
        headers={"Content-Type": "application/pdf"},
    )
    return response.status_code, json.loads(response.body)


class TestSigningOnApproval:
    def test_the_result_is_signed_by_the_agency_over_the_whole_file(self, client):
        from pyhanko.sign.validation.status import SignatureCoverageLevel

        original = sample_pdf("Giay khai sinh")
        code, _, view = issued(client, content=original)
        document = view["result_document"]
        data = signed_bytes(view)
        status = pyhanko_status(data)

        assert status.intact and status.valid and status.trusted
        assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
        assert status.signing_cert.subject.native["common_name"] == document["signed_by"]
        assert "Kinh Bắc" in document["signed_by"]
        assert data.startswith(original)  # an incremental signature: the upload is kept as is
        assert document["verification_url"] == f"/xac-thuc/{document['document_id']}"

    def test_the_stamp_links_to_the_verification_page(self, client):
        from pyhanko.pdf_utils.reader import PdfFileReader

        _, _, view = issued(client)
        reader = PdfFileReader(io.BytesIO(signed_bytes(view)))
        page = reader.root["/Pages"]["/Kids"][0].get_object()
        links = [
            a.get_object()["/A"]["/URI"]
            for a in page["/Annots"]
            if a.get_object().get("/Subtype") == "/Link"
        ]

        assert links == [f"/xac-thuc/{view['result_document']['document_id']}"]

    def test_the_applicant_downloads_the_signed_file_with_its_document_id(self, client):
        citizen = token(client)
        code, _, view = issued(client, citizen)

        status, result = call(client, "GET", f"/v1/dossiers/{code}/result", token=citizen)

        assert status == 200, result
        assert result["document_id"] == view["result_document"]["document_id"]
        key = urlsplit(result["url"]).path.split("/", 2)[2]
        assert key == view["result_document"]["signed_key"]


class TestVerification:
    def test_anyone_verifies_without_seeing_personal_data(self, client):
        code, body, view = issued(client)
        document_id = view["result_document"]["document_id"]

        status, verdict = call(client, "GET", f"/v1/documents/{document_id}/verification")
        page = client.http.get(f"/xac-thuc/{document_id}")

        assert status == 200, verdict
        assert verdict["valid"] is True and verdict["dossier_code"] == code
        assert verdict["sha256"] == view["result_document"]["sha256"]
        assert verdict["signed_by"] == view["result_document"]["signed_by"]
        text = json.dumps(verdict, ensure_ascii=False) + page.body.decode()
        applicant = body["applicant"]
        assert not [v for v in (applicant["phone"], applicant["id_number"]) if v in text]
        assert applicant["full_name"] not in text
        assert page.status_code == 200 and 'data-valid="true"' in page.body.decode()

    def test_the_issued_copy_matches_and_a_tampered_copy_does_not(self, client):
        _, _, view = issued(client)
        document_id = view["result_document"]["document_id"]
        data = signed_bytes(view)
        tampered = bytearray(data)
        at = tampered.find(b"Giay khai sinh")
        tampered[at : at + 4] = b"Giav"

        same = compare(client, document_id, data)
        changed = compare(client, document_id, bytes(tampered))

        assert same[0] == 200 and same[1]["matches"] and same[1]["file_signature_valid"]
        assert changed[0] == 200 and changed[1]["matches"] is False
        assert changed[1]["file_signature_valid"] is False
        assert pyhanko_status(bytes(tampered)).intact is False

    def test_an_unknown_id_is_not_found(self, client):
        unknown = "0" * 32

        assert call(client, "GET", f"/v1/documents/{unknown}/verification")[0] == 404
        assert call(client, "GET", "/v1/documents/not-an-id/verification")[0] == 404
        assert compare(client, unknown, sample_pdf())[0] == 404
        assert client.http.get(f"/xac-thuc/{unknown}").status_code == 404


class TestNothingIsIssuedUnsigned:
    @pytest.mark.parametrize(
        ("content", "reason"),
        [
            (b"%PDF-1.4 this is not really a PDF", "đọc được"),
            (b"\x89PNG\r\n\x1a\n not a pdf at all", "đọc được"),
            ("encrypted", "mật khẩu"),
        ],
        ids=["broken-pdf", "not-a-pdf", "encrypted-pdf"],
    )
    def test_a_file_that_cannot_be_signed_stops_the_approval(self, client, content, reason):
        if content == "encrypted":
            content = _encrypted_pdf()
        code, _ = in_progress(client)
        attach(client, code, content)

        status, error = act(client, code, officer(client, "leader"), "approve")
        _, view = call(client, "GET", f"/v1/officer/dossiers/{code}", token=officer(client))

        assert status == 400 and error["error"]["code"] == "VALIDATION_FAILED"
        assert reason in error["error"]["message"]
        assert error["error"]["details"][0]["field"] == "result_document"
        assert view["status"] == "in_progress" and "document_id" not in view["result_document"]

    @pytest.mark.parametrize("problem", ["revoked", "expired"])
    def test_a_revoked_or_expired_certificate_refuses_to_sign(self, client, agency_pki, problem):
        code, _ = in_progress(client)
        attach(client, code, sample_pdf())
        if problem == "revoked":
            agency_pki.revoke(AGENCY)
        else:
            past = datetime.now(UTC) - timedelta(days=400)
            agency_pki.issue(
                AGENCY,
                "UBND phường Kinh Bắc",
                valid_from=past,
                valid_until=past + timedelta(days=30),
            )
        signing.forget()

        status, error = act(client, code, officer(client, "leader"), "approve")
        _, view = call(client, "GET", f"/v1/officer/dossiers/{code}", token=officer(client))

        assert status == 409 and error["error"]["code"] == "INVALID_TRANSITION"
        assert "hết hạn" in error["error"]["message"] or "thu hồi" in error["error"]["message"]
        assert view["status"] == "in_progress"

    def test_a_result_not_yet_uploaded_stops_the_approval(self, client):
        code, _ = in_progress(client)
        status, _ = call(
            client,
            "POST",
            f"/v1/officer/dossiers/{code}/result",
            {"filename": "kq.pdf", "content_type": "application/pdf", "size_bytes": 900},
            token=officer(client, "specialist"),
        )
        assert status == 201

        status, error = act(client, code, officer(client, "leader"), "approve")

        assert status == 400 and error["error"]["details"][0]["field"] == "result_document"


def _encrypted_pdf() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_encryption(owner_password="chu-so-huu", user_password="mat-khau")  # noqa: S106
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="Ban co mat khau")
    return bytes(pdf.output())


@pytest.fixture
def agency_pki(aws):
    """The local CA; the agency gets a fresh, valid certificate back afterwards."""
    from infra.local.pki import LocalCA

    ca = LocalCA()
    yield ca
    ca.issue(AGENCY, "Ủy ban nhân dân phường Kinh Bắc")
    signing.forget()


class TestKmsBackend:
    def test_a_kms_key_signs_and_the_signature_validates(self, client, agency_pki, monkeypatch):
        from cryptography.hazmat.primitives.serialization import load_der_public_key

        kms = boto3.client("kms")
        key_id = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"][
            "KeyId"
        ]
        public_key = load_der_public_key(kms.get_public_key(KeyId=key_id)["PublicKey"])
        agency_pki.issue(
            AGENCY, "UBND phường Kinh Bắc (KMS)", public_key=public_key, kms_key_id=key_id
        )
        monkeypatch.setenv("SIGNER_BACKEND", "kms")
        reset_settings()
        signing.forget()
        try:
            _, _, view = issued(client)
        finally:
            monkeypatch.delenv("SIGNER_BACKEND")
            reset_settings()

        status = pyhanko_status(signed_bytes(view))
        assert status.intact and status.valid and status.trusted
        assert view["result_document"]["signed_by"] == "UBND phường Kinh Bắc (KMS)"


SOFTHSM = Path("/usr/lib/softhsm/libsofthsm2.so")


@pytest.fixture
def hsm_token(tmp_path, monkeypatch):
    """A SoftHSM2 token (what `make test` installs) holding an EC key labelled as the agency."""
    if not SOFTHSM.exists() or not shutil.which("softhsm2-util"):
        pytest.skip("SoftHSM2 is not installed (make test installs it: make hsm)")
    import pkcs11
    from pkcs11.util.ec import encode_ec_public_key, encode_named_curve_parameters

    (tmp_path / "tokens").mkdir()
    conf = tmp_path / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tmp_path / 'tokens'}\nobjectstore.backend = file\n")
    monkeypatch.setenv("SOFTHSM2_CONF", str(conf))
    label, pin = f"dvc-{uuid.uuid4().hex[:8]}", "246810"
    subprocess.run(
        [
            "softhsm2-util",
            "--init-token",
            "--free",
            "--label",
            label,
            "--pin",
            pin,
            "--so-pin",
            "135791",
        ],
        check=True,
        capture_output=True,
    )
    token = pkcs11.lib(str(SOFTHSM)).get_token(token_label=label)
    with token.open(user_pin=pin, rw=True) as session:
        curve = encode_named_curve_parameters("secp256r1")
        params = session.create_domain_parameters(
            pkcs11.KeyType.EC, {pkcs11.Attribute.EC_PARAMS: curve}, local=True
        )
        public, _ = params.generate_keypair(store=True, label=AGENCY)
        public_der = encode_ec_public_key(public)
    return label, pin, public_der


class TestPkcs11Backend:
    def test_a_key_on_a_pkcs11_device_signs(self, client, agency_pki, hsm_token, monkeypatch):
        from cryptography.hazmat.primitives.serialization import load_der_public_key

        label, pin, public_der = hsm_token
        agency_pki.issue(
            AGENCY, "UBND phường Kinh Bắc (HSM)", public_key=load_der_public_key(public_der)
        )
        secrets = boto3.client("secretsmanager")
        name = get_settings().signing_secret_prefix + "pkcs11"
        value = json.dumps({"token_label": label, "pin": pin})
        try:
            secrets.create_secret(Name=name, SecretString=value)
        except secrets.exceptions.ResourceExistsException:
            secrets.put_secret_value(SecretId=name, SecretString=value)
        monkeypatch.setenv("SIGNER_BACKEND", "pkcs11")
        monkeypatch.setenv("PKCS11_MODULE", str(SOFTHSM))
        reset_settings()
        signing.forget()
        try:
            _, _, view = issued(client)
        finally:
            monkeypatch.delenv("SIGNER_BACKEND")
            reset_settings()

        status = pyhanko_status(signed_bytes(view))
        assert status.intact and status.valid and status.trusted
        assert view["result_document"]["signed_by"] == "UBND phường Kinh Bắc (HSM)"


class TestTheWallet:
    def test_results_and_accepted_files_are_in_the_owners_wallet_only(self, client):
        citizen, other = token(client), token(client)
        code, _, view = issued(client, citizen)

        status, wallet = call(client, "GET", "/v1/me/documents", token=citizen)
        theirs = call(client, "GET", "/v1/me/documents", token=other)[1]

        assert status == 200, wallet
        mine = {
            (d["kind"], d.get("component_code"))
            for d in wallet["items"]
            if d["dossier_code"] == code
        }
        assert mine == {("result", None), ("attachment", "TP2")}
        result = next(d for d in wallet["items"] if d["kind"] == "result")
        assert result["document_id"] == view["result_document"]["document_id"]
        assert theirs["items"] == []

    def test_a_wallet_document_is_attached_to_a_new_dossier_as_reused(self, client):
        citizen, other = token(client), token(client)
        old_code, _, _ = issued(client, citizen)
        wallet = call(client, "GET", "/v1/me/documents", token=citizen)[1]["items"]
        earlier = next(d for d in wallet if d["kind"] == "attachment")

        body, created = submit(
            client,
            token_=citizen,
            attachments=[{"component_code": "TP2", "document_id": earlier["document_id"]}],
        )
        stolen = submit_status(
            client, other, [{"component_code": "TP2", "document_id": earlier["document_id"]}]
        )
        unknown = submit_status(
            client, citizen, [{"component_code": "TP2", "document_id": "f" * 32}]
        )
        _, view = call(
            client, "GET", f"/v1/officer/dossiers/{created['code']}", token=officer(client)
        )

        attachment = view["attachments"][0]
        assert attachment["reused"] is True and attachment["url"].startswith("http")
        assert attachment["origin"]["dossier_code"] == old_code
        assert attachment["origin"]["component_code"] == "TP2"
        assert stolen[0] == unknown[0] == 400
        assert stolen[1]["error"]["details"] == unknown[1]["error"]["details"]
        assert stolen[1]["error"]["details"][0]["field"] == "attachments[0].document_id"

    def test_one_document_and_the_whole_wallet_download(self, client):
        citizen, other = token(client), token(client)
        _, _, view = issued(client, citizen)
        document_id = view["result_document"]["document_id"]

        one = call(client, "GET", f"/v1/me/documents/{document_id}/download", token=citizen)
        refused = call(client, "GET", f"/v1/me/documents/{document_id}/download", token=other)
        export = call(client, "GET", "/v1/me/documents/export", token=citizen)

        assert one[0] == 200 and refused[0] == 404
        assert export[0] == 200 and export[1]["count"] == 2
        key = urlsplit(export[1]["url"]).path.split("/", 2)[2]
        body = boto3.client("s3").get_object(Bucket=get_settings().bucket_results, Key=key)
        names = zipfile.ZipFile(io.BytesIO(body["Body"].read())).namelist()
        assert len(names) == 2 and any(n.endswith("giay-khai-sinh.pdf") for n in names)


def submit_status(client, citizen, attachments):
    from tests.factories import submission

    body = submission(client, PROCEDURE, citizen)
    body["attachments"] = attachments
    return call(client, "POST", "/v1/dossiers", body, token=citizen)


class TestStandardResultTemplate:
    def test_a_standard_result_is_made_from_its_template_and_signed_on_approval(self, client):
        agency = "ubnd-xa-hop-thinh"  # performs 1.004873, whose result is a standard document
        _, created = submit(client, "1.004873", token_=token(client))
        code = created["code"]
        desk = token(client, "receptionist", agency)
        assert act(client, code, desk, "accept")[0] == 200
        assert act(client, code, desk, "assign", assignee="cb-tu-phap")[0] == 200

        status, made = call(
            client,
            "POST",
            f"/v1/officer/dossiers/{code}/result/template",
            {},
            token=token(client, "specialist", agency),
        )
        approved = act(client, code, token(client, "leader", agency), "approve")

        assert status == 201, made
        assert made["result_document"]["from_template"] is True
        assert approved[0] == 200, approved[1]
        data = signed_bytes(approved[1])
        checked = pyhanko_status(data)
        assert checked.intact and checked.valid and checked.trusted
        assert b"/FontFile2" in data  # the Vietnamese font is embedded

    def test_a_procedure_without_a_template_is_refused(self, client):
        code, _ = in_progress(client)

        status, error = call(
            client,
            "POST",
            f"/v1/officer/dossiers/{code}/result/template",
            {},
            token=officer(client, "specialist"),
        )

        assert status == 409 and error["error"]["code"] == "INVALID_TRANSITION"
