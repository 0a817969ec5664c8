"""Whether a failed transaction surely wrote nothing: a refusal DynamoDB answered did not, a
commit whose answer never came may have (its files must then stay, services/shared/uploads.py)."""

from botocore.exceptions import ClientError, ReadTimeoutError
from pynamodb.exceptions import TransactWriteError

from chalicelib.domain.errors import RateLimited
from chalicelib.persistence import store


def answered(code: str) -> TransactWriteError:
    cause = ClientError({"Error": {"Code": code, "Message": "-"}}, "TransactWriteItems")
    return TransactWriteError("Failed to write transaction items", cause)


def chained(outer: Exception, inner: Exception) -> Exception:
    try:
        try:
            raise inner
        except Exception as exc:
            raise outer from exc
    except Exception as raised:
        return raised


def test_refusals_and_errors_before_any_commit_wrote_nothing():
    cancelled = answered("TransactionCanceledException")

    assert store.surely_unwritten(cancelled)
    assert store.surely_unwritten(chained(RateLimited("hết lượt"), cancelled))
    assert store.surely_unwritten(ValueError("no transaction at all"))


def test_a_lost_answer_or_a_server_error_may_hide_a_written_transaction():
    lost = TransactWriteError("-", ReadTimeoutError(endpoint_url="https://dynamodb.local"))

    assert not store.surely_unwritten(lost)
    assert not store.surely_unwritten(chained(RuntimeError("-"), lost))
    assert not store.surely_unwritten(answered("InternalServerError"))
