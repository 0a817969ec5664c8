"""Vietnamese text folded to ASCII: for search (`fold`), SMS (`ascii_fold`) and payment order
descriptions (integrations/vnpay.py), which all drop the diacritics the same way."""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^0-9a-z]+")


def ascii_fold(text: str) -> str:
    """'Hồ sơ đã được tiếp nhận' -> 'Ho so da duoc tiep nhan' (case and punctuation kept)."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(plain.encode("ascii", "ignore").decode("ascii").split())


def fold(text: str) -> str:
    """Lower-case ASCII words of `text`: 'Đăng ký khai sinh' -> 'dang ky khai sinh'."""
    return _NON_WORD.sub(" ", ascii_fold(text).lower()).strip()


def tokens(text: str) -> list[str]:
    return fold(text).split()
