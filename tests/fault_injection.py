"""Make AWS calls fail on purpose: every botocore client (PynamoDB's too) goes through
`BaseClient._make_api_call`, so patching it fails exactly the chosen operation, as often as
asked, before botocore's retries (an injected error is what AWS answers after them)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from unittest import mock

from botocore.client import BaseClient
from botocore.exceptions import ClientError

WRITES = ("PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem")


@dataclass
class Injection:
    operation: str | tuple[str, ...]
    code: str
    times: int | None
    reasons: list[str] | None
    when: Callable[[dict], bool] | None
    answer: dict | None = None
    failed: int = 0

    def applies(self, operation: str, params: dict) -> bool:
        operations = (self.operation,) if isinstance(self.operation, str) else self.operation
        if operation not in operations or (self.when and not self.when(params)):
            return False
        return self.times is None or self.failed < self.times


@contextmanager
def aws_failure(
    operation: str | tuple[str, ...],
    code: str = "ProvisionedThroughputExceededException",
    times: int | None = None,
    reasons: list[str] | None = None,
    when: Callable[[dict], bool] | None = None,
    answer: dict | None = None,
) -> Iterator[Injection]:
    """Fail `operation` (or any of several) with `code`, or answer `answer` instead of AWS."""
    injection = Injection(operation, code, times, reasons, when, answer)
    real = BaseClient._make_api_call

    def patched(client, operation_name, api_params):
        if not injection.applies(operation_name, api_params):
            return real(client, operation_name, api_params)
        injection.failed += 1
        if injection.answer is not None:
            return injection.answer
        response = {
            "Error": {"Code": injection.code, "Message": "injected fault"},
            "ResponseMetadata": {"HTTPStatusCode": 400},
        }
        if injection.reasons:
            response["CancellationReasons"] = [{"Code": r} for r in injection.reasons]
        raise ClientError(response, operation_name)

    with mock.patch.object(BaseClient, "_make_api_call", patched):
        yield injection


def mentions(text: str) -> Callable[[dict], bool]:
    """A `when` that matches calls whose parameters mention `text` (e.g. a dossier code)."""
    return lambda params: text in json.dumps(params, default=str, ensure_ascii=False)


def sqs_event(bodies: list[dict], queue: str) -> dict:
    """An SQS batch as Lambda receives it, each record with its own message id."""
    return {
        "Records": [
            {
                "messageId": f"m{i}-{uuid.uuid4().hex[:8]}",
                "receiptHandle": uuid.uuid4().hex,
                "body": json.dumps(body, ensure_ascii=False),
                "attributes": {"ApproximateReceiveCount": "1"},
                "messageAttributes": {},
                "md5OfBody": "",
                "eventSource": "aws:sqs",
                "eventSourceARN": f"arn:aws:sqs:ap-southeast-1:123456789012:{queue}",
                "awsRegion": "ap-southeast-1",
            }
            for i, body in enumerate(bodies)
        ]
    }
