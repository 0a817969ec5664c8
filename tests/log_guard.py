"""A suite-wide guard: every log record emitted while the tests run is formatted exactly as in
production (chalicelib.logs.JsonFormatter) and searched for personal data. The session fails if
a phone number, an ID number (CCCD) or a bearer token appears in any log line.

Under pytest-xdist each worker is its own session and checks its own records; the failure shows
as an error in the teardown of that worker's last test, with the offending tests named.
"""

from __future__ import annotations

import logging
import os
import re

import pytest

# The alternatives of tests/functional/test_logs.py, but a number only counts when it stands on
# its own: request ids and upload ids are hex strings, and runs of 10-12 digits inside them
# (e.g. "…-403912345678") would otherwise be reported as phone or ID numbers.
PERSONAL = re.compile(
    r"(?<![\w-])(?:0|\+?84)\d{9}(?![\w-])"  # Vietnamese phone number
    r"|(?<![\w-])\d{12}(?![\w-])"  # 12-digit citizen ID number (CCCD)
    r"|eyJ[\w-]+\.[\w-]+"  # JWT (bearer or page/receipt token)
)
MAX_REPORTED = 20


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
        if PERSONAL.search(line) and len(self.leaks) < MAX_REPORTED:
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
