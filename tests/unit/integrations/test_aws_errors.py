"""Which AWS failures become a retryable 503 (chalicelib/integrations/aws_errors.py)."""

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError
from pynamodb.exceptions import PutError, TransactWriteError, VerboseClientError

from chalicelib.integrations.aws_errors import as_service_unavailable, aws_error_code


def client_error(code, reasons=None, cls=ClientError):
    response = {"Error": {"Code": code, "Message": "x"}}
    if cls is VerboseClientError:
        return cls(response, "TransactWriteItems", {}, cancellation_reasons=reasons or [])
    if reasons:
        response["CancellationReasons"] = [{"Code": r} for r in reasons]
    return cls(response, "TransactWriteItems")


@pytest.mark.parametrize(
    "code",
    ["ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded",
     "InternalServerError", "ServiceUnavailable", "SlowDown"],
)  # fmt: skip
def test_throttling_and_unavailability_are_retryable(code):
    error = as_service_unavailable(client_error(code))

    assert error is not None and error.status == 503 and error.code == "SERVICE_UNAVAILABLE"
    assert "thử lại" in error.message and error.headers == {"Retry-After": "1"}


def test_a_pynamodb_error_is_judged_by_its_cause():
    wrapped = PutError("Failed to put item", client_error("ThrottlingException"))

    assert as_service_unavailable(wrapped) is not None
    assert aws_error_code(wrapped) == "ThrottlingException"


@pytest.mark.parametrize(
    ("reasons", "retryable"),
    [(["ThrottlingError"], True), (["TransactionConflict"], True),
     (["ConditionalCheckFailed"], False), (["None", "ValidationError"], False)],
)  # fmt: skip
def test_a_cancelled_transaction_is_retryable_only_for_transient_reasons(reasons, retryable):
    from pynamodb.exceptions import CancellationReason

    cause = client_error(
        "TransactionCanceledException",
        [CancellationReason(code=r) if r != "None" else None for r in reasons],
        VerboseClientError,
    )
    error = TransactWriteError("Failed to write transaction items", cause)

    assert (as_service_unavailable(error) is not None) is retryable


def test_an_unreachable_endpoint_is_retryable():
    assert as_service_unavailable(EndpointConnectionError(endpoint_url="http://x")) is not None


@pytest.mark.parametrize(
    "error",
    [client_error("ConditionalCheckFailedException"), client_error("ValidationException"),
     ValueError("bug"), KeyError("missing")],
)  # fmt: skip
def test_anything_else_stays_an_error(error):
    assert as_service_unavailable(error) is None
