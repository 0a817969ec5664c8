"""A suite-wide guard: every log record emitted while the tests run is formatted exactly as in
production (chalicelib.logs.JsonFormatter) and searched for personal data. The session fails if
one appears in any log line:

- the phones, ID numbers, names, emails and addresses the tests typed (tests/personal_data.py),
  in any field, a number only as a whole run of digits;
- a bearer or page token (a JWT), in any field: hex ids cannot hold "eyJ";
- a phone or ID number nobody registered, but only in the message and only standing on its own:
  request and upload ids are random hex, and 10-12 digit runs inside them are chance, not data.

Under pytest-xdist each worker is its own session and checks its own records; the failure shows
as an error in the teardown of that worker's last test, with the offending tests named.
"""

from __future__ import annotations

import json
import logging
import os
import re

import pytest

from tests import personal_data

TOKEN = re.compile(r"eyJ[\w-]+\.[\w-]+")
STANDALONE = re.compile(
    r"(?<![\w-])(?:0|\+?84)\d{9}(?![\w-])"  # Vietnamese phone number
    r"|(?<![\w-])\d{12}(?![\w-])"  # 12-digit citizen ID number (CCCD)
)
MAX_REPORTED = 20


def leaks_in(line: str) -> list[str]:
    """What in one formatted log line is personal data (empty when nothing is)."""
    found = personal_data.found_in(line) + TOKEN.findall(line)
    try:
        message = str(json.loads(line).get("message", ""))
    except (ValueError, AttributeError):
        message = line
    return found + STANDALONE.findall(message)


class PersonalDataGuard(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        from chalicelib.logs import JsonFormatter

        self.json = JsonFormatter()
        self.checked = 0
        self.leaks: list[tuple[str, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.json.format(record)
        except Exception:  # noqa: BLE001 - a logging handler must never raise
            line = f"{record.name}: {record.msg!r} {record.args!r}"
        self.checked += 1
        if leaks_in(line) and len(self.leaks) < MAX_REPORTED:
            self.leaks.append((os.environ.get("PYTEST_CURRENT_TEST", "?"), line[:600]))

    def report(self) -> str:
        return "\n".join(f"  {test}\n    {line}" for test, line in self.leaks)


@pytest.fixture(scope="session", autouse=True)
def personal_data_guard():
    from chalicelib import logs

    logs.configure()  # production's logging set-up (importing app.py does the same, once)
    guard = PersonalDataGuard()
    root = logging.getLogger()
    root.addHandler(guard)
    yield guard
    root.removeHandler(guard)
    assert not guard.leaks, "personal data in log lines:\n" + guard.report()


@pytest.fixture(autouse=True)
def personal_data_guard_attached(personal_data_guard):
    """Re-attach the guard if something (logs.configure, a test) replaced the root handlers."""
    root = logging.getLogger()
    if personal_data_guard not in root.handlers:
        root.addHandler(personal_data_guard)
