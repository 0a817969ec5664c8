"""Fuzzing the whole API with Schemathesis, from its own /openapi.json, against `make run`'s stack
started as a subprocess: every operation gets a bounded number of generated requests, with the
right credentials for its roles, and every other example aimed at real resources (a dossier, a
feedback, a procedure) so that generated bodies reach past the 404s. Checks: no 5xx, and every
answer conforms to the schema the document gives for its status.

FUZZ_EXAMPLES (default 40) sets the examples per operation; FUZZ_RANDOM=1 explores new inputs
instead of the fixed, reproducible ones."""

from __future__ import annotations

import os
import time
import uuid
from urllib.parse import parse_qs, urlparse

import pytest

from bench.common import request, upload_attachments
from tests.e2e.test_local_stack import stack  # noqa: F401 - the fixture

pytestmark = pytest.mark.slow
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "40"))
AGENCY = "ubnd-phuong-kinh-bac"
PROCEDURE = "1.001193"


@pytest.fixture(scope="module")
def known(stack):  # noqa: F811 - the fixture imported above
    """Real resources and credentials for the generated requests to aim at."""
    from infra.local.stack import stage_environment

    def issue(role, agency=None):
        body = {"role": role, "subject": f"fuzz-{role}-{uuid.uuid4().hex[:6]}"}
        if agency:
            body["agency"] = agency
        status, data = request("POST", f"{stack}/dev/token", body)
        assert status == 201, data
        return data["access_token"]

    tokens = {
        "citizen": issue("citizen"),
        "officer": issue("admin", AGENCY),
        "service": issue("service", AGENCY),
    }
    dossier = _submitted(stack, tokens["citizen"])
    status, feedback = request(
        "POST",
        f"{stack}/v1/feedback",
        {
            "title": "Đường hỏng",
            "content": "Ổ gà trước cổng trường",
            "category": "co_so_ha_tang",
            "agency": AGENCY,
            "sender": {"full_name": "Nguyễn Văn An", "phone": "0912345678"},
            "public": True,
        },
        headers={"Authorization": f"Bearer {tokens['citizen']}"},
    )
    assert status == 201, feedback
    open311_key = stage_environment("local")["OPEN311_API_KEYS"].split(",")[0]
    return {"tokens": tokens, "dossier": dossier, "feedback": feedback["id"], "key": open311_key}


def _submitted(base: str, citizen: str) -> dict:
    """One dossier submitted over HTTP as a browser would (uploads straight to S3)."""
    auth = {"Authorization": f"Bearer {citizen}"}
    _, procedure = request("GET", f"{base}/v1/procedures/{PROCEDURE}")
    _, form = request("GET", f"{base}/v1/procedures/{PROCEDURE}/form")
    attachments = upload_attachments(base, procedure, b"%PDF-1.4 fuzz", auth)
    phone = "0912345678"
    status, created = request(
        "POST",
        f"{base}/v1/dossiers",
        {
            "procedure_code": PROCEDURE,
            "agency": AGENCY,
            "applicant": {
                "full_name": "Nguyễn Văn An",
                "id_number": "001099012345",
                "phone": phone,
            },
            "form": form["examples"][0],
            "attachments": attachments,
            "result_delivery": procedure["delivery_options"][0],
            "notify": ["sms"],
        },
        auth,
    )
    assert status == 201, created
    receipt = parse_qs(urlparse(created.get("receipt_url") or "").query)
    return {"code": created["code"], "phone": phone, "t": receipt.get("t", [""])[0]}


def _roles() -> dict[tuple[str, str], tuple[str, ...]]:
    import app  # noqa: F401 - registers every route
    from chalicelib.entrypoints.http import ROUTES

    return {(doc.method, doc.path): doc.auth for doc in ROUTES}


OPEN311_RESOURCES = ("requests.json", "services.json", "discovery.json", "requests.xml")


def _aim(case, known: dict, n: int) -> None:
    """Point a generated request at real resources (path ids, phone, receipt token)."""
    path = case.operation.path
    real = {
        "resource": "requests.json" if case.method == "POST" else OPEN311_RESOURCES[n % 4],
        "code": PROCEDURE if path.startswith(("/v1/procedures", "/thu-tuc")) else None,
        "feedback_id": known["feedback"],
        "id_fmt": f"{known['feedback']}.json",
        "code_fmt": "co_so_ha_tang.json",
        "number": "01",
    }
    for name in list(case.path_parameters or {}):
        value = real.get(name) or (known["dossier"]["code"] if name == "code" else None)
        if value:
            case.path_parameters[name] = value
    if isinstance(case.query, dict):
        for name, value in (("phone", known["dossier"]["phone"]), ("t", known["dossier"]["t"])):
            if name in case.query:
                case.query[name] = value


def _headers(case, roles, known, aimed: bool) -> dict:
    """The token the operation's roles call for; on aimed examples of routes open to anyone,
    the owner's (the dossier's and the feedback's citizen), so they reach past the lookup."""
    allowed = roles.get((case.method.upper(), case.operation.path), ()) or (
        ("citizen",) if aimed else ()
    )
    kind = next(
        (
            k
            for k, names in (("citizen", {"citizen"}), ("service", {"service"}))
            if names & set(allowed)
        ),
        "officer" if allowed else None,
    )
    return {"Authorization": f"Bearer {known['tokens'][kind]}"} if kind else {}


def test_no_operation_answers_a_server_error_or_breaks_its_own_schema(stack, known):  # noqa: F811
    import schemathesis
    from hypothesis import HealthCheck, Phase, given, settings
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import response_schema_conformance

    schemathesis.serializer.alias("application/pdf", "application/octet-stream")  # a file body
    schema = schemathesis.openapi.from_url(f"{stack}/openapi.json")
    roles, failures, sent, started = _roles(), {}, [0], time.monotonic()
    for result in schema.get_all_operations():
        operation = result.ok()
        counter = [0]

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=os.environ.get("FUZZ_RANDOM") != "1",
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            counter[0] += 1
            aimed = counter[0] % 2 == 0
            if aimed:
                _aim(case, known, counter[0] // 2)
            if case.operation.path.startswith("/open311/") and isinstance(case.body, dict):
                case.body["api_key"] = known["key"]
            case.call_and_validate(
                base_url=stack,
                headers=_headers(case, roles, known, aimed),
                checks=[not_a_server_error, response_schema_conformance],
                timeout=30,
            )

        try:
            run()
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - report every operation
            failures[operation.label] = str(exc)[:1500]
        sent[0] += counter[0]

    print(f"fuzz: {sent[0]} requests in {time.monotonic() - started:.0f} s")
    report = "\n\n".join(f"{label}\n{text}" for label, text in sorted(failures.items()))
    assert not failures, f"{len(failures)} operations failed:\n\n{report}"
