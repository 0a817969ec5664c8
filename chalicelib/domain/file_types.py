"""What an uploaded file is, told by its first bytes (never by its name or the type the sender
declared), and the name it is kept and downloaded under, derived from that type: a Windows
executable declared as PDF is refused, and a real PDF typed `Giay_khai_sinh.pdf.exe` is kept
as `Giay_khai_sinh.pdf` (docs/integrations.md, "Uploaded files")."""

from __future__ import annotations

import re

HEAD_BYTES = 8192  # how many first bytes the detection reads (the `filetype` library's window)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png", DOCX: "docx"}
# A .docx is a ZIP archive whose first bytes do not always reach the part that names it Word;
# what is inside is the malware scan's to judge.
_CONTAINERS = {DOCX: frozenset({"application/zip"})}
# What a typed name may end with that looks like an extension (dropped, then replaced).
_EXTENSION = re.compile(r"[A-Za-z][A-Za-z0-9]{0,4}")
_DOCUMENT_EXTENSIONS = frozenset({*EXTENSIONS.values(), "jpeg", "doc", "tif", "tiff", "txt"})


def detect(head: bytes) -> str | None:
    """The MIME type the bytes' signature shows, or None when none is known."""
    import filetype  # lazily: only checks of uploaded files need it (cold start)

    return filetype.guess_mime(head[:HEAD_BYTES])


def confirms(head: bytes, declared: str) -> bool:
    """The bytes are a file of the `declared` type (one of those this module knows)."""
    found = detect(head) if declared in EXTENSIONS else None
    return found is not None and (found == declared or found in _CONTAINERS.get(declared, ()))


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
