"""The suite-wide personal-data guard (tests/log_guard.py) catches what it should and only that."""

import logging

import pytest

from tests import personal_data
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


@pytest.mark.parametrize(
    "field",
    [
        {"phone": "0987654321"},
        {"recipient": "+84987654321"},
        {"context": {"who": "Lê Thị Hồng Nhung"}},
        {"to": "Le Thi Hong Nhung <nhung@example.vn>"},
        {"cccd": "031187004455"},
    ],
)
def test_what_a_test_typed_is_reported_in_any_field_in_any_form(field):
    for value in ("0987654321", "Lê Thị Hồng Nhung", "031187004455"):
        personal_data.remember(value)
    guard = PersonalDataGuard()

    guard.emit(record("lookup failed", **field))

    assert guard.leaks


def test_a_typed_number_inside_a_longer_run_of_digits_is_not_reported():
    personal_data.remember("0987654320")
    guard = PersonalDataGuard()

    guard.emit(record("took", elapsed_ns="109876543201"))

    assert guard.leaks == []


def test_a_random_request_id_holding_a_12_digit_run_is_not_reported():
    """The id that failed one run in ten: its digits look like an ID number nobody typed."""
    guard = PersonalDataGuard()

    guard.emit(record("request done", request_id="cdd1b340c225401687908ede7fbd5f3b"))

    assert guard.leaks == []


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
    personal_data.remember("0912345678")  # typed by a test, then met inside a random hex id
    guard = PersonalDataGuard()

    guard.emit(record(message))

    assert guard.leaks == []
