"""Uploads leave quarantine only when they are there within their size, of an allowed type their
first bytes confirm, and found clean by the malware scan; they are kept under a name whose
extension comes from that type. A dossier takes only its caller's unused uploads of the same
procedure and component."""

from types import SimpleNamespace

import pytest

from chalicelib.domain import errors
from chalicelib.domain.catalog import Component
from chalicelib.domain.errors import FieldError
from chalicelib.domain.principal import Principal
from chalicelib.domain.upload import FEEDBACK, Upload
from chalicelib.integrations.malware_scan import Verdict
from chalicelib.integrations.storage import StoredObject
from chalicelib.services.shared import uploads

PDF_HEAD = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3"
PDF = ("application/pdf",)
CLEAN_PDF = StoredObject(1000, "application/pdf", PDF_HEAD)
CITIZEN = Principal("citizen-1", "citizen")
COMPONENT = Component("TP1", "Giấy chứng sinh", True, PDF, 5 * 1024 * 1024)
PROCEDURE = SimpleNamespace(code="1.001193", component={"TP1": COMPONENT}.get)


def upload(upload_id="u1", filename="Giay_chung_sinh.pdf.exe", size=1000, **changes) -> Upload:
    fields = dict(upload_id=upload_id, procedure_code="1.001193", component_code="TP1",
                  filename=filename, content_type="application/pdf", size_bytes=size,
                  key=f"quarantine/{upload_id}/x", owner=None, used_by=None)  # fmt: skip
    return Upload(**{**fields, **changes})


@pytest.fixture
def bucket(monkeypatch):
    """What S3 holds per key and the scanner's verdict per key (clean by default)."""
    state = SimpleNamespace(objects={}, verdicts={})
    monkeypatch.setattr(uploads.storage, "opening", lambda b, key, n: state.objects.get(key))
    scanner = SimpleNamespace(verdict=lambda b, key: state.verdicts.get(key, Verdict.CLEAN))
    monkeypatch.setattr(uploads.malware_scan, "scanner", lambda: scanner)
    return state


def release(record, problems):
    return uploads.released(record, PDF, 5 * 1024 * 1024, "attachments[0]", problems)


def test_a_clean_pdf_is_kept_as_a_pdf_whatever_it_was_called(bucket):
    record = upload()
    bucket.objects[record.key] = StoredObject(1000, "application/pdf", PDF_HEAD)
    problems: list[FieldError] = []

    found = release(record, problems)

    assert problems == []
    assert found == {"upload_id": "u1", "filename": "Giay_chung_sinh.pdf",
                     "content_type": "application/pdf", "size_bytes": 1000}  # fmt: skip


@pytest.mark.parametrize(
    ("stored", "verdict", "code"),
    [
        (None, Verdict.CLEAN, None),  # not uploaded (yet)
        (StoredObject(2000, "application/pdf", PDF_HEAD), Verdict.CLEAN, None),  # over its size
        (StoredObject(1000, "image/gif", b"GIF89a"), Verdict.CLEAN, None),  # a type not allowed
        (StoredObject(1000, "application/pdf", b"MZ\x90\x00"), Verdict.CLEAN,
         errors.UPLOAD_TYPE_MISMATCH),  # an executable declared as a PDF
        (CLEAN_PDF, Verdict.INFECTED, errors.UPLOAD_INFECTED),
        (CLEAN_PDF, Verdict.PENDING, "UPLOAD_SCAN_PENDING"),
        (CLEAN_PDF, Verdict.FAILED, errors.UPLOAD_SCAN_FAILED),
    ],
)  # fmt: skip
def test_anything_else_stays_in_quarantine_with_its_reason(bucket, stored, verdict, code):
    record = upload()
    if stored is not None:
        bucket.objects[record.key] = stored
    bucket.verdicts[record.key] = verdict
    problems: list[FieldError] = []

    assert release(record, problems) is None
    (problem,) = problems
    assert problem.field == "attachments[0]" and problem.code == code


def test_a_dossier_takes_only_its_callers_unused_uploads_of_its_component(bucket, monkeypatch):
    records = {
        "mine": upload("mine", owner="citizen-1"),
        "theirs": upload("theirs", owner="citizen-2"),
        "used": upload("used", used_by="D-0"),
        "feedback": upload("feedback", purpose=FEEDBACK),
        "other": upload("other", component_code="TP9"),
    }
    for record in records.values():
        bucket.objects[record.key] = StoredObject(1000, "application/pdf", PDF_HEAD)
    monkeypatch.setattr(uploads.upload_store, "get", records.get)
    items = [{"upload_id": i, "component_code": "TP1"} for i in [*records, "missing"]]
    items.append({"document_id": "d" * 32, "component_code": "TP1"})  # the wallet's own check
    problems: list[FieldError] = []

    checked = uploads.check(items, PROCEDURE, CITIZEN, problems)

    assert [c.record.upload_id for c in checked] == ["mine"]
    assert checked[0].attachment["reused"] is False
    assert [p.field for p in problems] == [f"attachments[{i}]" for i in (1, 2, 3, 4)] + [
        "attachments[5].upload_id"
    ]


@pytest.mark.parametrize(
    ("typed", "kept"),
    [("../../etc/passwd", "passwd"), ("C:\\Users\\a\\đơn xin.pdf", "đơn xin.pdf"), ("...", "tep")],
)
def test_typed_names_are_made_safe(typed, kept):
    assert uploads.safe_filename(typed) == kept
