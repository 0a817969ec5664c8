"""Shared fixtures: one emulated AWS account per test process, provisioned from infra/base.json
and seeded with the sample catalog, exactly as `make run` does. Tests isolate themselves by
using fresh identifiers (see tests/factories.py), not by rebuilding AWS for each test."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from tests.log_guard import personal_data_guard, personal_data_guard_attached  # noqa: F401

ROOT = Path(__file__).resolve().parents[1]

# With any AWS_ENDPOINT_URL* set, moto's mock_aws does not intercept and calls would escape.
for _name in [n for n in os.environ if n.startswith("AWS_ENDPOINT_URL")]:
    del os.environ[_name]
os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SECURITY_TOKEN": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "ap-southeast-1",
        "AWS_REGION": "ap-southeast-1",
    }
)
os.environ.pop("AWS_PROFILE", None)
# The tests run the local stage; it is named, never assumed (no STAGE means production).
os.environ.update({"STAGE": "local", "AUTH_MODE": "local"})
# All functional tests call from one address, some reuse a phone, most send to one email; the
# abuse limits have their own tests (test_lookup_throttle.py, test_submission_limits.py).
os.environ["LOOKUP_FAILURES_PER_IP"] = "100000"
os.environ["SUBMISSIONS_PER_IP"] = "100000"
os.environ["SUBMISSIONS_PER_PHONE"] = "100000"
os.environ["SUBMISSIONS_PER_CITIZEN"] = "100000"
os.environ["UPLOADS_PER_IP"] = "100000"
os.environ["MESSAGES_PER_RECIPIENT"] = "100000"
# moto's HTTP mock (the `responses` library) logs every request it lets through, URL and query
# included, at INFO: the e2e tests' calls to the local stack are not the portal's logs.
logging.getLogger("responses").setLevel(logging.WARNING)


def _configured_lambda_context():
    """chalice's test client gives every invocation a 3-second Lambda context, whatever
    `lambda_timeout` says; queue consumers budget their batches on that clock (they stop before
    the timeout), so give them the configured timeout, as Lambda does."""
    import functools
    import json

    import chalice.local
    import chalice.test

    config = json.loads((ROOT / ".chalice" / "config.json").read_text(encoding="utf-8"))
    chalice.test.LambdaContext = functools.partial(
        chalice.local.LambdaContext, max_runtime_ms=config["lambda_timeout"] * 1000
    )


_configured_lambda_context()


@pytest.fixture(scope="session")
def aws():
    from moto import mock_aws

    from infra.local.emulation import make_transactions_atomic

    make_transactions_atomic()
    with mock_aws():
        from infra.local.stack import prepare

        names = prepare(quiet=True)
        from chalicelib.services.accounts import officers

        officers.TRANSPORT = moto_jwks(names["COGNITO_USER_POOL_ID"])
        yield names


def moto_jwks(pool_id: str):
    """The pool's JWKS as moto's emulator serves it (mock_aws intercepts boto3, not httpx)."""
    import json

    import httpx
    from moto.utilities.utils import load_resource

    keys = json.dumps(load_resource("cognitoidp/resources/jwks-public.json")).encode()

    def serve(request: httpx.Request) -> httpx.Response:
        if request.url.path != f"/{pool_id}/.well-known/jwks.json":
            return httpx.Response(404)
        return httpx.Response(200, content=keys, headers={"Content-Type": "application/json"})

    return httpx.MockTransport(serve)


@pytest.fixture(scope="session")
def app(aws):
    from app import app as chalice_app

    return chalice_app


@pytest.fixture
def client(app):
    from chalice.test import Client

    with Client(app, stage_name="local", project_dir=str(ROOT)) as test_client:
        yield test_client


@pytest.fixture
def limits(monkeypatch):
    """Set abuse limits for one test (the suite raises those a shared address or email meets)."""
    from chalicelib.config import get_settings, reset_settings

    def apply(**values: int) -> None:
        for name, value in values.items():
            monkeypatch.setenv(name, str(value))
        reset_settings()

    yield apply
    monkeypatch.undo()
    reset_settings()
    get_settings()


@pytest.fixture
def fresh_tables(aws, monkeypatch):
    """Empty copies of the dossier, counter and idempotency tables for this test only.

    moto deep-copies every table a transaction touches, so contention tests run against small
    tables to stay fast; the shape is copied from the provisioned tables."""
    import uuid

    import boto3

    from chalicelib.config import get_settings, reset_settings

    dynamodb = boto3.client("dynamodb")
    suffix = uuid.uuid4().hex[:6]
    for env in ("TABLE_DOSSIERS", "TABLE_COUNTERS", "TABLE_IDEMPOTENCY"):
        table = dynamodb.describe_table(TableName=aws[env])["Table"]
        name = f"{table['TableName']}-{suffix}"
        indexes = [
            {k: g[k] for k in ("IndexName", "KeySchema", "Projection")}
            for g in table.get("GlobalSecondaryIndexes", [])
        ]
        # Only the attributes a key uses: a table may keep the definition of an index removed
        # since (tests/infra adds one to the counters table and removes it), which CreateTable
        # refuses.
        keys = {k["AttributeName"] for s in [table, *indexes] for k in s["KeySchema"]}
        spec = {
            "TableName": name,
            "KeySchema": table["KeySchema"],
            "AttributeDefinitions": [
                d for d in table["AttributeDefinitions"] if d["AttributeName"] in keys
            ],
            "BillingMode": "PAY_PER_REQUEST",
        }
        if indexes:
            spec["GlobalSecondaryIndexes"] = indexes
        if "StreamSpecification" in table:  # the dossiers table's: the outbox relay reads it
            spec["StreamSpecification"] = table["StreamSpecification"]
        dynamodb.create_table(**spec)
        monkeypatch.setenv(env, name)
    reset_settings()
    get_settings()
    yield
    monkeypatch.undo()
    reset_settings()
    get_settings()


@pytest.fixture
def guardduty(aws, monkeypatch):
    """The production adapter of the malware scan (integrations/malware_scan.py): the verdict
    is the tag GuardDuty writes on the quarantined object, which the test writes itself."""
    from chalicelib.config import get_settings, reset_settings

    monkeypatch.setenv("MALWARE_SCANNER", "guardduty")
    reset_settings()
    get_settings()
    yield
    monkeypatch.undo()
    reset_settings()
    get_settings()


CITIZEN_ISSUER = "http://citizen-idp.test"
PORTAL_BASE = "http://localhost"  # the address the portal derives when the test client calls


@pytest.fixture(scope="session")
def citizen_provider():
    """The local OpenID provider of `make run`, with the portal's local client registered."""
    from infra.local.citizen_idp import CitizenIdentityProvider
    from infra.local.stack import stage_environment

    client_id = stage_environment("local")["OIDC_CLIENT_ID"]
    redirect_uri = f"{PORTAL_BASE}/dang-nhap/callback"
    return CitizenIdentityProvider(CITIZEN_ISSUER, {client_id: [redirect_uri]})


@pytest.fixture
def citizen_idp(aws, citizen_provider, monkeypatch):
    """The portal talks to the local provider in-process (httpx's WSGI transport)."""
    import httpx

    from chalicelib.config import get_settings, reset_settings
    from chalicelib.services.accounts import citizens

    monkeypatch.setenv("OIDC_ISSUER", CITIZEN_ISSUER)
    monkeypatch.setattr(citizens, "TRANSPORT", httpx.WSGITransport(app=citizen_provider))
    reset_settings()
    yield citizen_provider
    monkeypatch.undo()
    reset_settings()
    get_settings()
