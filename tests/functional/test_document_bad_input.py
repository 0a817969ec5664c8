"""Bad input around signed documents that the other files do not cover: an id that is a
citizen's filed file (not a signed document) verifies as unknown and shows nothing, and a file
that fails to parse or is encrypted, posted for comparison, is simply "not matching"."""

from __future__ import annotations

import pytest

from tests.factories import call, token
from tests.functional.test_signed_documents import _encrypted_pdf, compare, issued


def test_a_filed_file_is_not_a_signed_document(client):
    citizen = token(client)
    _, body, _ = issued(client, citizen)
    items = call(client, "GET", "/v1/me/documents", token=citizen)[1]["items"]
    filed = next(d for d in items if d["kind"] == "attachment")

    status, error = call(client, "GET", f"/v1/documents/{filed['document_id']}/verification")
    page = client.http.get(f"/xac-thuc/{filed['document_id']}")

    assert status == 404 and error["error"]["code"] == "NOT_FOUND"
    assert page.status_code == 404
    assert body["applicant"]["full_name"] not in page.body.decode()


@pytest.mark.parametrize(
    "content", [b"%PDF-1.7 broken", b"", "encrypted"], ids=["broken", "empty", "encrypted"]
)
def test_a_file_that_cannot_be_read_does_not_match(client, content):
    _, _, view = issued(client)
    document_id = view["result_document"]["document_id"]
    data = _encrypted_pdf() if content == "encrypted" else content

    status, verdict = compare(client, document_id, data)

    if not data:
        assert status == 400 and verdict["error"]["code"] == "VALIDATION_FAILED"
        return
    assert status == 200, verdict
    assert verdict["matches"] is False and verdict["file_signature_valid"] is False
    assert verdict["valid"] is True  # the issued document itself is still valid
