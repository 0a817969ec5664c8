"""Each domain error declares its stable code and HTTP status once; its default message is the
code's row in MESSAGES."""

from chalicelib.domain import errors
from chalicelib.domain.errors import FieldError


def declared() -> list[type[errors.DomainError]]:
    found, todo = [], [errors.DomainError]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return [c for c in found if c.__module__ == errors.__name__]


def test_the_contract_codes_and_statuses():
    table = {c.__name__: (c.code, c.status) for c in declared()}

    assert table["NotFound"] == ("NOT_FOUND", 404)
    assert table["TransferredReadOnly"] == ("TRANSFERRED_READ_ONLY", 403)
    assert table["UploadScanPending"] == ("UPLOAD_SCAN_PENDING", 409)
    assert table["DailyLimitReached"] == ("DAILY_LIMIT_REACHED", 503)
    assert table["UploadRefused"] == ("VALIDATION_FAILED", 400)


def test_every_message_row_belongs_to_an_error_and_defaults_its_message():
    codes = {c.code for c in declared()}

    assert set(errors.MESSAGES) <= codes
    for cls in set(declared()) - {errors.UploadRefused}:  # that one is always told its message
        assert cls().message == errors.MESSAGES.get(cls.code, errors.MESSAGES["INTERNAL"])


def test_a_message_given_wins_over_the_default():
    error = errors.Conflict("Khác.", [FieldError("version", "Cũ")])

    assert (error.message, str(error), error.details[0].field) == ("Khác.", "Khác.", "version")


def test_refusal_names_one_kind_of_refused_file():
    infected = [FieldError("files[0]", "Có mã độc", errors.UPLOAD_INFECTED)]
    pending = [FieldError("files[0]", "Đang quét", errors.UploadScanPending.code)]

    assert errors.refusal("m", infected).code == errors.UPLOAD_INFECTED
    assert isinstance(errors.refusal("m", pending), errors.UploadScanPending)
    assert errors.refusal("m", infected + pending).code == "VALIDATION_FAILED"
