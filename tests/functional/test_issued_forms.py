"""One-stop forms issued as signed documents: the agency holding the dossier signs the form's PDF
like a result (checked with pyHanko's validator), the QR code's page verifies it, the applicant
finds Forms 01–05 in their wallet; a form with nothing to record, an unknown form, another
agency or a certificate that may not sign issues nothing."""

from __future__ import annotations

import boto3

from chalicelib.config import get_settings
from chalicelib.integrations import signing
from tests.factories import call, submit, token
from tests.functional.test_signed_documents import AGENCY, act, agency_pki, pyhanko_status

__all__ = ["agency_pki"]  # the fixture, used by name below


def officer(client, role="receptionist", agency=AGENCY):
    return token(client, role=role, agency=agency)


def issue(client, code, number, who, **headers):
    return call(
        client, "POST", f"/v1/officer/dossiers/{code}/forms/{number}/issue", {}, who, headers
    )


def accepted(client, citizen=None) -> str:
    _, created = submit(client, token_=citizen)
    assert act(client, created["code"], officer(client), "accept")[0] == 200
    return created["code"]


def stored(document_id: str) -> bytes:
    s3 = boto3.client("s3")
    key = f"documents/{document_id}.pdf"
    return s3.get_object(Bucket=get_settings().bucket_results, Key=key)["Body"].read()


def wallet_forms(client, citizen) -> list[dict]:
    items = call(client, "GET", "/v1/me/documents", token=citizen)[1]["items"]
    return [d for d in items if d["kind"] == "form"]


class TestIssuingAForm:
    def test_form_01_is_signed_over_the_whole_file_and_verifies(self, client):
        from pyhanko.sign.validation.status import SignatureCoverageLevel

        citizen = token(client)
        code = accepted(client, citizen)

        status, issued = issue(client, code, "01", officer(client))
        verdict = call(client, "GET", f"/v1/documents/{issued['document_id']}/verification")[1]
        page = client.http.get(f"/xac-thuc/{issued['document_id']}").body.decode()
        view = call(client, "GET", f"/v1/officer/dossiers/{code}", token=officer(client))[1]

        assert status == 201, issued
        checked = pyhanko_status(stored(issued["document_id"]))
        assert checked.intact and checked.valid and checked.trusted
        assert checked.coverage == SignatureCoverageLevel.ENTIRE_FILE
        assert verdict["valid"] is True and verdict["kind"] == "form"
        assert verdict["dossier_code"] == code and verdict["sha256"] == issued["sha256"]
        assert 'data-valid="true"' in page and "Mẫu phiếu của Bộ phận Một cửa" in page
        assert issued["verification_url"] == f"/xac-thuc/{issued['document_id']}"
        assert view["issued_forms"]["01"]["document_id"] == issued["document_id"]
        mine = wallet_forms(client, citizen)
        assert [d["document_id"] for d in mine] == [issued["document_id"]]
        assert issued["in_wallet"] is True

    def test_form_02_is_issued_once_a_supplement_was_asked_for(self, client):
        code = accepted(client)
        before = issue(client, code, "02", officer(client))
        act(client, code, officer(client, "specialist"), "request_supplement", items=["Bản sao"])

        after = issue(client, code, "02", officer(client))

        assert before[0] == 409 and before[1]["error"]["code"] == "INVALID_TRANSITION"
        assert "chưa có yêu cầu bổ sung" in before[1]["error"]["message"]
        assert after[0] == 201, after[1]

    def test_the_control_slip_is_verifiable_and_stays_out_of_the_wallet(self, client):
        citizen = token(client)
        code = accepted(client, citizen)

        status, issued = issue(client, code, "06", officer(client))

        assert status == 201 and issued["in_wallet"] is False
        assert call(client, "GET", f"/v1/documents/{issued['document_id']}/verification")[0] == 200
        assert wallet_forms(client, citizen) == []

    def test_the_same_idempotency_key_issues_once(self, client):
        code = accepted(client)
        who = officer(client)

        first = issue(client, code, "01", who, **{"Idempotency-Key": "mau-01-lan-1"})
        again = issue(client, code, "01", who, **{"Idempotency-Key": "mau-01-lan-1"})

        assert first[0] == again[0] == 201
        assert first[1]["document_id"] == again[1]["document_id"]


class TestNothingIsIssued:
    def test_a_receipt_before_acceptance_or_an_unknown_form_is_refused(self, client):
        _, created = submit(client, token_=token(client))
        code = created["code"]

        early = issue(client, code, "01", officer(client))
        unknown = issue(client, code, "09", officer(client))

        assert early[0] == 409 and "chưa được tiếp nhận" in early[1]["error"]["message"]
        assert unknown[0] == 404 and unknown[1]["error"]["code"] == "NOT_FOUND"

    def test_another_agency_cannot_issue_the_form(self, client):
        citizen = token(client)
        code = accepted(client, citizen)

        status, error = issue(client, code, "01", officer(client, agency="ubnd-phuong-vo-cuong"))
        view = call(client, "GET", f"/v1/officer/dossiers/{code}", token=officer(client))[1]

        assert status == 404, error
        assert view["issued_forms"] == {} and wallet_forms(client, citizen) == []

    def test_a_revoked_certificate_issues_nothing(self, client, agency_pki):
        citizen = token(client)
        code = accepted(client, citizen)
        agency_pki.revoke(AGENCY)
        signing.forget()

        status, error = issue(client, code, "01", officer(client))
        view = call(client, "GET", f"/v1/officer/dossiers/{code}", token=officer(client))[1]

        assert status == 409 and "thu hồi" in error["error"]["message"]
        assert view["issued_forms"] == {} and wallet_forms(client, citizen) == []
