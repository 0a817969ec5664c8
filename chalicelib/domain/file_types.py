"""What an uploaded file is, told by its first bytes (never by its name or the type the sender
declared), and the name it is kept and downloaded under, derived from that type: a Windows
executable declared as PDF is refused, and a real PDF typed `Giay_khai_sinh.pdf.exe` is kept
as `Giay_khai_sinh.pdf` (docs/integrations.md §8)."""

from __future__ import annotations

import re

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png", DOCX: "docx"}
# How each type's files begin (its "magic bytes"). A .docx is a ZIP archive; what is inside it is
# the malware scan's to judge.
SIGNATURES = {
    "application/pdf": b"%PDF-",
    "image/jpeg": b"\xff\xd8\xff",
    "image/png": b"\x89PNG\r\n\x1a\n",
    DOCX: b"PK\x03\x04",
}
HEAD_BYTES = max(len(s) for s in SIGNATURES.values())  # how many first bytes the check reads
# What a typed name may end with that looks like an extension (dropped, then replaced).
_EXTENSION = re.compile(r"[A-Za-z][A-Za-z0-9]{0,4}")
_DOCUMENT_EXTENSIONS = frozenset({*EXTENSIONS.values(), "jpeg", "doc", "tif", "tiff", "txt"})


def confirms(head: bytes, declared: str) -> bool:
    """The first bytes are those of a file of the `declared` type (one this module knows)."""
    signature = SIGNATURES.get(declared)
    return signature is not None and head.startswith(signature)


def label(content_type: str) -> str:
    """How the type is named to a citizen: PDF, JPG, PNG, DOCX."""
    return EXTENSIONS.get(content_type, content_type).upper()


def stem(typed: str) -> str:
    """The typed name without its extension, and without a document extension hidden before it
    (`Giay_khai_sinh.pdf.exe` -> `Giay_khai_sinh`)."""
    name = typed.replace("\\", "/").rsplit("/", 1)[-1]
    base, dot, extension = name.rpartition(".")
    if dot and base.strip(" .") and _EXTENSION.fullmatch(extension):
        name = base
        base, dot, extension = name.rpartition(".")
        if dot and base.strip(" .") and extension.lower() in _DOCUMENT_EXTENSIONS:
            name = base
    return name
