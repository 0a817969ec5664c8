"""Vietnamese-aware text folding for search: case and diacritics do not matter."""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """Lower-case ASCII form of `text`: 'Đăng ký khai sinh' -> 'dang ky khai sinh'."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _NON_WORD.sub(" ", stripped.lower()).strip()


def tokens(text: str) -> list[str]:
    return fold(text).split()
