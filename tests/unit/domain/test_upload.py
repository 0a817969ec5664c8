"""An upload's type comes from its first bytes, its name's extension from that type; refused files
answer with stable codes (domain/file_types.py, domain/errors.py)."""

import pytest

from chalicelib.domain import file_types
from chalicelib.domain.errors import (
    FieldError,
    UploadRefused,
    UploadScanPending,
    ValidationFailed,
    refusal,
)

PDF, DOCX = "application/pdf", file_types.DOCX


@pytest.mark.parametrize(
    ("head", "declared", "confirmed"),
    [
        (b"%PDF-1.7\n", PDF, True),
        (b"MZ\x90\x00\x03\x00", PDF, False),  # a Windows executable
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg", True),
        (b"\x89PNG\r\n\x1a\n\x00", "image/png", True),
        (b"\x89PNG\r\n\x1a\n\x00", "image/jpeg", False),
        (b"PK\x03\x04\x14\x00", DOCX, True),
        (b"%PDF", PDF, False),  # cut short
        (b"GIF89a", "image/gif", False),  # a type the portal does not know is never confirmed
        (b"", PDF, False),
    ],
)
def test_the_first_bytes_confirm_the_declared_type(head, declared, confirmed):
    assert file_types.confirms(head, declared) is confirmed


@pytest.mark.parametrize(
    ("typed", "stem"),
    [
        ("Giay_khai_sinh.pdf.exe", "Giay_khai_sinh"),
        ("anh chup.JPEG", "anh chup"),
        ("Nguyen.Van.An.pdf", "Nguyen.Van.An"),
        ("bao cao v1.2.pdf", "bao cao v1.2"),
        ("C:\\Users\\an\\to-khai.docx", "to-khai"),
        ("scan", "scan"),
        (".pdf", ".pdf"),
    ],
)
def test_the_typed_extension_is_dropped(typed, stem):
    assert file_types.stem(typed) == stem


def problem(code=None):
    return FieldError("attachments[0]", "…", code)


def test_files_still_being_scanned_and_nothing_else_ask_for_a_retry():
    error = refusal("Hồ sơ chưa hợp lệ.", [problem("UPLOAD_SCAN_PENDING")] * 2)

    assert isinstance(error, UploadScanPending) and error.status == 409
    assert error.headers["Retry-After"]


def test_one_kind_of_refused_file_carries_its_code_and_a_mix_is_validation_failed():
    infected = refusal("x", [problem("UPLOAD_INFECTED")])
    mixed = refusal("x", [problem("UPLOAD_INFECTED"), problem("UPLOAD_SCAN_PENDING")])
    with_form = refusal("x", [problem("UPLOAD_TYPE_MISMATCH"), FieldError("form.x", "Bắt buộc")])

    assert isinstance(infected, UploadRefused) and infected.code == "UPLOAD_INFECTED"
    assert infected.status == 400
    assert type(mixed) is ValidationFailed and type(with_form) is ValidationFailed
    assert with_form.details[0].to_dict()["code"] == "UPLOAD_TYPE_MISMATCH"
    assert "code" not in with_form.details[1].to_dict()
