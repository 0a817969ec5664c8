"""The personal data the tests type, so that the log guard (tests/log_guard.py) looks for exactly
that — in every field of every log record — instead of for digit patterns, which random request
and upload ids match now and then (one run in ten failed on a hex request id holding a 12-digit
run).

Values are remembered when a builder makes them (`random_phone`, `random_id_number`) and when a
test sends them (`tests.factories.call` walks every JSON body). Each xdist worker is its own
process with its own registry, like its own guard."""

from __future__ import annotations

import random
import re

from chalicelib.domain.text import ascii_fold

# JSON keys whose values are someone's personal data (API bodies and the forms' own fields).
PERSONAL_KEYS = frozenset(
    {
        "phone",
        "id_number",
        "full_name",
        "email",
        "address",
        "so_dien_thoai",
        "so_dinh_danh",
        "ho_ten",
        "email_lien_he",
    }
)
# A run of digits with no letter or digit either side: hex ids (…a0912345678f…) hold runs that
# only look like numbers.
_DIGITS = re.compile(r"(?<![0-9A-Za-z])\d+(?![0-9A-Za-z])")
_MIN_TEXT = 6  # shorter free text ("An", "Hà") would be found inside ordinary words

_numbers: set[str] = set()  # phones as 0xxxxxxxxx, ID numbers as typed
_texts: set[str] = set()  # names, emails, addresses (lower case, with and without diacritics)


def canonical_number(run: str) -> str:
    """84912345678 (from +84912345678) -> 0912345678: how the code may normalise a phone."""
    return "0" + run[2:] if len(run) == 11 and run.startswith("84") else run


def remember(value: object) -> None:
    """Look for `value` in every later log record of this worker."""
    if not isinstance(value, str) or not value.strip():
        return
    text = value.strip()
    digits = text.replace(" ", "").replace(".", "").lstrip("+")
    if digits.isdigit() and len(digits) >= 9:
        _numbers.add(canonical_number(digits))
    elif len(text) >= _MIN_TEXT:
        _texts.update({text.lower(), ascii_fold(text).lower()})


def remember_in(body: object) -> None:
    """Remember the personal fields of a JSON body, however deep they sit."""
    if isinstance(body, dict):
        for key, value in body.items():
            if key in PERSONAL_KEYS:
                remember(value)
            remember_in(value)
    elif isinstance(body, list):
        for item in body:
            remember_in(item)


def random_phone() -> str:
    phone = "09" + "".join(random.choices("0123456789", k=8))
    remember(phone)
    return phone


def random_id_number() -> str:
    number = "0" + "".join(random.choices("0123456789", k=11))
    remember(number)
    return number


def found_in(line: str) -> list[str]:
    """The remembered values in `line`: a number only as a whole run of digits standing apart
    from letters (never part of a longer run or of a hex id), text anywhere (case-insensitive)."""
    hits = [run for run in _DIGITS.findall(line) if canonical_number(run) in _numbers]
    lowered = line.lower()
    return hits + [text for text in _texts if text in lowered]
