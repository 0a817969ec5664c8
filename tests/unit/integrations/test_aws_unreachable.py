"""Which failures mean an operator command never reached AWS (chalicelib/entrypoints/cli.py)."""

import pytest
from botocore.exceptions import ClientError, NoCredentialsError, NoRegionError

from chalicelib.integrations.aws_errors import unreachable


def client_error(code: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": "x"}}, "PutItem")


def wrapped(cause: BaseException) -> Exception:
    """As PynamoDB raises it: its own error with the botocore one as `cause`."""
    error = RuntimeError("Failed to put item")
    error.cause = cause
    return error


@pytest.mark.parametrize(
    ("error", "says"),
    [
        (NoCredentialsError(), "thông tin đăng nhập"),
        (wrapped(NoCredentialsError()), "thông tin đăng nhập"),
        (NoRegionError(), "AWS_REGION"),
        (wrapped(client_error("UnrecognizedClientException")), "từ chối"),
        (client_error("ResourceNotFoundException"), "bảng DynamoDB"),
    ],
)
def test_a_failure_to_reach_aws_is_told(error, says):
    assert says in unreachable(error)


@pytest.mark.parametrize(
    "error", [ValueError("bug"), client_error("ConditionalCheckFailedException")]
)
def test_any_other_failure_is_not_mistaken_for_one(error):
    assert unreachable(error) is None
