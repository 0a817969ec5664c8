"""`make run` end to end: a level-4 dossier paid through the local fake gateway (its page, the
signed IPN over HTTP, the return page, the events worker) and its result downloaded."""

from __future__ import annotations

import pytest

from infra.local import pay_demo
from tests.e2e.test_local_stack import stack  # noqa: F401 - the local stack fixture

pytestmark = pytest.mark.slow


def test_a_citizen_pays_through_the_fake_gateway_and_downloads_the_result(stack):  # noqa: F811
    steps: list[str] = []

    outcome = pay_demo.run(stack, say=steps.append)

    assert outcome["status"] == "returned" and outcome["fee_paid"] == 5000
    assert len(steps) == 6
