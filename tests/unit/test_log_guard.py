"""The suite-wide personal-data guard (tests/log_guard.py) catches what it should and only that."""

import logging

import pytest

from tests.log_guard import PersonalDataGuard


def record(message, **extra):
    entry = logging.makeLogRecord({"name": "dvc.test", "levelno": 20, "levelname": "INFO"})
    entry.msg = message
    entry.__dict__.update(extra)
    return entry


@pytest.mark.parametrize(
    "message",
    [
        "sms sent to 0912345678",
        "phone=+84912345678",
        "applicant 001099012345 submitted",
        "auth Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.sig",
    ],
)
def test_a_phone_id_number_or_token_in_a_log_line_is_reported(message):
    guard = PersonalDataGuard()

    guard.emit(record(message))

    assert len(guard.leaks) == 1


def test_personal_data_in_an_extra_field_is_reported_too():
    guard = PersonalDataGuard()

    guard.emit(record("lookup failed", phone="0987654321"))

    assert guard.leaks


@pytest.mark.parametrize(
    "message",
    [
        "request 3f2a0912345678aa9b1c2d3e4f5a6b7c done",
        "request 1b4e28ba-2fa1-11d2-883f-001234567890 done",
        "dossier 000.00.12.H03-260115-0001 accepted",
        "took 1234567890123 ms",
    ],
)
def test_hex_ids_dossier_codes_and_long_numbers_are_not_reported(message):
    guard = PersonalDataGuard()

    guard.emit(record(message))

    assert guard.leaks == []
