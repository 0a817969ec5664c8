"""infra/base.json gives the code the tables, keys, indexes, buckets and queues it expects.

(a) the template itself is created by moto's CloudFormation (no SAM transform there, so the
    chalice-only parts are dropped first, together with the types moto cannot create);
(b) infra/provision.py, which builds the local stack from the same template, creates the same
    shapes plus what moto's CloudFormation does not apply (TTL, CORS, lifecycle, versioning).
Both run in one mock_aws per module, apart: the stack as app "cfn" stage dev, provision as the
local stack does (app "dvc", stage local).
"""

import json
import os
import re
import warnings
from pathlib import Path

import boto3
import pytest

from infra.provision import load_template, provision

REGION = "ap-southeast-1"
ACCOUNT = "123456789012"  # moto's

# What the code expects (chalicelib/persistence, chalicelib/integrations): name suffix ->
# (hash key, range key or None, {index: (hash, range)}, TTL attribute or None). All keys are S.
TABLES = {
    "catalog": ("PK", "SK", {}, None),
    "dossiers": (
        "PK",
        "SK",
        {
            "by_owner": ("owner_pk", "owner_sk"),
            "inbox": ("inbox_pk", "inbox_sk"),
            "by_status": ("status_pk", "status_sk"),
            "open_due": ("due_pk", "due_sk"),
            "pending_payments": ("pay_pk", "pay_sk"),
            "national_sync": ("nsync_pk", "nsync_sk"),
        },
        "ttl",
    ),
    "counters": ("PK", "SK", {}, "ttl"),
    "idempotency": ("PK", None, {}, "ttl"),
    "sessions": ("PK", "SK", {}, "ttl"),
    "stats": ("PK", "SK", {}, None),
    "feedback": (
        "PK",
        "SK",
        {
            "by_agency": ("agency_pk", "agency_sk"),
            "by_owner": ("owner_pk", "owner_sk"),
            "published": ("pub_pk", "pub_sk"),
            "by_service": ("service_pk", "service_sk"),
        },
        None,
    ),
    "notifications": ("PK", "SK", {"by_subject": ("subject_pk", "subject_sk")}, "ttl"),
}
TABLE_ENV = {f"TABLE_{name.upper()}": name for name in TABLES}
BUCKETS = {"BUCKET_UPLOADS": "uploads", "BUCKET_RESULTS": "results"}
# each with "<name>-dlq" after this many receives
QUEUES = {"events": 5, "notifications": 5, "zalo-inbound": 5, "national-sync": 12}


def table_name(app, stage, suffix):
    return f"{app}-{stage}-{suffix}"


def bucket_name(app, stage, suffix):
    return f"{app}-{stage}-{suffix}-{ACCOUNT}"


def _refs(node):
    """Logical ids a template fragment refers to (Ref, Fn::GetAtt, ${X} in Fn::Sub)."""
    if isinstance(node, list):
        for item in node:
            yield from _refs(item)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key == "Ref":
                yield value
            elif key == "Fn::GetAtt":
                yield value[0] if isinstance(value, list) else value.split(".")[0]
            elif key == "Fn::Sub":
                text = value if isinstance(value, str) else value[0]
                yield from (m.split(".")[0] for m in re.findall(r"\$\{([^!}][^}]*)\}", text))
                if not isinstance(value, str):
                    yield from _refs(value[1])
            else:
                yield from _refs(value)


def moto_template():
    """The base template without what needs chalice's output or a type moto cannot create."""
    from moto.cloudformation.parsing import get_model_map

    template = load_template()
    template.pop("Globals")
    everything = template["Resources"]
    kept = {k: r for k, r in everything.items() if r.get("Type") in get_model_map()}
    while dropped := [
        k for k, r in kept.items() if any(x in everything and x not in kept for x in _refs(r))
    ]:
        for key in dropped:
            del kept[key]
    template["Resources"] = kept
    template["Outputs"] = {
        k: o
        for k, o in template["Outputs"].items()
        if all(x in kept or x not in everything for x in _refs(o))
    }
    return template


@pytest.fixture(scope="module")
def aws():
    from moto import mock_aws

    with pytest.MonkeyPatch.context() as mp:
        for name in [n for n in os.environ if n.startswith("AWS_ENDPOINT_URL")]:
            mp.delenv(name)  # otherwise mock_aws lets the calls through to that endpoint
        for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
            mp.setenv(name, "testing")
        mp.setenv("AWS_DEFAULT_REGION", REGION)
        with mock_aws():
            session = boto3.session.Session(region_name=REGION)
            yield {
                name: session.client(name) for name in ("cloudformation", "dynamodb", "s3", "sqs")
            } | {"session": session}


@pytest.fixture(scope="module")
def stack(aws):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # moto warns about each type it skips
        aws["cloudformation"].create_stack(
            StackName="dvc-dev",
            TemplateBody=json.dumps(moto_template()),
            Parameters=[
                {"ParameterKey": "Stage", "ParameterValue": "dev"},
                {"ParameterKey": "AppName", "ParameterValue": "cfn"},
            ],
        )
    found = aws["cloudformation"].describe_stacks(StackName="dvc-dev")["Stacks"][0]
    assert found["StackStatus"] == "CREATE_COMPLETE", found.get("StackStatusReason")
    return {o["OutputKey"]: o["OutputValue"] for o in found["Outputs"]}


@pytest.fixture(scope="module")
def local_env(aws):
    provision(aws["session"], stage="local")
    return provision(aws["session"], stage="local")  # the second run must change nothing


def code_projections() -> dict[tuple[str, str], dict]:
    """(table suffix, index) -> the projection the record classes declare (the code's truth)."""
    import importlib
    import pkgutil

    import chalicelib.persistence as package
    from chalicelib.persistence.base import Record

    for info in pkgutil.iter_modules(package.__path__):
        if info.name.endswith("_records"):
            importlib.import_module(f"chalicelib.persistence.{info.name}")
    found, todo = {}, list(Record.__subclasses__())
    while todo:
        cls = todo.pop()
        todo += cls.__subclasses__()
        for index in getattr(cls, "_indexes", {}).values():
            projection = index.Meta.projection
            declared = {
                "ProjectionType": projection.projection_type,
                **({"NonKeyAttributes": sorted(projection.non_key_attributes)}
                   if getattr(projection, "non_key_attributes", None) else {}),
            }  # fmt: skip
            key = (cls.Meta.table_name, index.Meta.index_name)
            # Record classes sharing a table's index must declare it alike: otherwise which one
            # counted here would depend on the order the classes were imported in.
            assert found.setdefault(key, declared) == declared, (key, cls.__name__)
    return found


PROJECTIONS = code_projections()


def assert_table(ddb, name, expected, check_ttl=True):
    hash_key, range_key, indexes, ttl = expected
    table = ddb.describe_table(TableName=name)["Table"]
    keys = {k["KeyType"]: k["AttributeName"] for k in table["KeySchema"]}
    assert keys == ({"HASH": hash_key, "RANGE": range_key} if range_key else {"HASH": hash_key})
    assert {a["AttributeType"] for a in table["AttributeDefinitions"]} == {"S"}
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    found = {i["IndexName"]: i for i in table.get("GlobalSecondaryIndexes", [])}
    assert set(found) == set(indexes), name
    for index, (ih, ir) in indexes.items():
        assert {k["KeyType"]: k["AttributeName"] for k in found[index]["KeySchema"]} == {
            "HASH": ih,
            "RANGE": ir,
        }, index
        projection = dict(found[index]["Projection"])
        if "NonKeyAttributes" in projection:
            projection["NonKeyAttributes"] = sorted(projection["NonKeyAttributes"])
        assert projection == PROJECTIONS[(name.rsplit("-", 1)[1], index)], index
    if check_ttl:
        described = ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
        if ttl:
            assert described == {"TimeToLiveStatus": "ENABLED", "AttributeName": ttl}, name
        else:
            assert described["TimeToLiveStatus"] == "DISABLED", name


def assert_queues(sqs, app):
    for short, receives in QUEUES.items():
        name, dlq = f"{app}-{short}", f"{app}-{short}-dlq"
        attrs = sqs.get_queue_attributes(
            QueueUrl=sqs.get_queue_url(QueueName=name)["QueueUrl"], AttributeNames=["All"]
        )["Attributes"]
        dlq_attrs = sqs.get_queue_attributes(
            QueueUrl=sqs.get_queue_url(QueueName=dlq)["QueueUrl"], AttributeNames=["All"]
        )["Attributes"]
        assert json.loads(attrs["RedrivePolicy"]) == {
            "deadLetterTargetArn": dlq_attrs["QueueArn"],
            "maxReceiveCount": receives,
        }
        assert int(attrs["VisibilityTimeout"]) >= 6 * 30  # Lambda timeout in .chalice/config.json
        assert attrs["SqsManagedSseEnabled"] == dlq_attrs["SqsManagedSseEnabled"] == "true"
        assert int(dlq_attrs["MessageRetentionPeriod"]) == 14 * 24 * 3600
        assert int(dlq_attrs["MessageRetentionPeriod"]) > int(attrs["MessageRetentionPeriod"])


# (a) the template in moto's CloudFormation ---------------------------------------------------


def test_stack_creates_every_table_with_keys_and_indexes(aws, stack):
    for suffix, expected in TABLES.items():
        # moto's CloudFormation does not apply TTL: checked in the template and in (b)
        assert_table(aws["dynamodb"], table_name("cfn", "dev", suffix), expected, check_ttl=False)
        assert stack[f"{suffix.capitalize()}TableName"] == table_name("cfn", "dev", suffix)


def test_template_declares_ttl_sse_and_pitr_on_every_table():
    resources = load_template()["Resources"]
    tables = {
        r["Properties"]["TableName"]["Fn::Sub"].rsplit("-", 1)[1]: r["Properties"]
        for r in resources.values()
        if r.get("Type") == "AWS::DynamoDB::Table"
    }
    assert set(tables) == set(TABLES)
    for suffix, props in tables.items():
        ttl = TABLES[suffix][3]
        assert props.get("TimeToLiveSpecification") == (
            {"AttributeName": ttl, "Enabled": True} if ttl else None
        ), suffix
        assert props["SSESpecification"] == {"SSEEnabled": True}
        assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}


def test_stack_creates_buckets_and_queues_with_dead_letter_queues(aws, stack):
    names = {b["Name"] for b in aws["s3"].list_buckets()["Buckets"]}
    assert {bucket_name("cfn", "dev", suffix) for suffix in BUCKETS.values()} <= names
    assert stack["UploadsBucketName"] == bucket_name("cfn", "dev", "uploads")
    assert_queues(aws["sqs"], "cfn")
    assert stack["EventsQueueUrl"].endswith("/cfn-events")


# (b) infra/provision.py: the local stack ------------------------------------------------------


def test_provision_returns_the_app_environment(local_env):
    assert local_env == {
        **{env: table_name("dvc", "local", suffix) for env, suffix in TABLE_ENV.items()},
        **{env: bucket_name("dvc", "local", suffix) for env, suffix in BUCKETS.items()},
    }


def test_provision_creates_tables_with_indexes_and_ttl(aws, local_env):
    for suffix, expected in TABLES.items():
        assert_table(aws["dynamodb"], table_name("dvc", "local", suffix), expected)
    sse = aws["dynamodb"].describe_table(TableName=table_name("dvc", "local", "dossiers"))["Table"]
    assert sse["SSEDescription"]["Status"] == "ENABLED"


def test_provision_creates_queues_with_redrive(aws, local_env):
    assert_queues(aws["sqs"], "dvc")


def test_uploads_bucket_takes_browser_posts_and_forgets_quarantine(aws, local_env):
    s3, name = aws["s3"], local_env["BUCKET_UPLOADS"]
    (rule,) = s3.get_bucket_cors(Bucket=name)["CORSRules"]
    assert set(rule["AllowedMethods"]) == {"POST", "PUT", "GET", "HEAD"}
    assert rule["AllowedOrigins"] == ["*"] and rule["AllowedHeaders"] == ["*"]
    assert rule["ExposeHeaders"] == ["ETag"]
    rules = {r["ID"]: r for r in s3.get_bucket_lifecycle_configuration(Bucket=name)["Rules"]}
    quarantine = [r for r in rules.values() if r.get("Filter", {}).get("Prefix") == "quarantine/"]
    assert [r["Expiration"] for r in quarantine] == [{"Days": 1}]
    assert any(
        r.get("AbortIncompleteMultipartUpload") == {"DaysAfterInitiation": 1}
        for r in rules.values()
    )


def test_buckets_are_private_encrypted_and_results_versioned(aws, local_env):
    s3 = aws["s3"]
    for env in BUCKETS:
        name = local_env[env]
        block = s3.get_public_access_block(Bucket=name)["PublicAccessBlockConfiguration"]
        assert all(block.values()) and len(block) == 4, name
        (enc,) = s3.get_bucket_encryption(Bucket=name)["ServerSideEncryptionConfiguration"]["Rules"]
        assert enc["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    assert s3.get_bucket_versioning(Bucket=local_env["BUCKET_RESULTS"])["Status"] == "Enabled"
    assert "Status" not in s3.get_bucket_versioning(Bucket=local_env["BUCKET_UPLOADS"])


def test_provision_adds_an_index_declared_after_the_table_was_made(aws, local_env):
    ddb, name = aws["dynamodb"], table_name("dvc", "local", "counters")
    template = load_template()
    props = template["Resources"]["CountersTable"]["Properties"]
    props["AttributeDefinitions"].append({"AttributeName": "x_pk", "AttributeType": "S"})
    props["GlobalSecondaryIndexes"] = [
        {
            "IndexName": "extra",
            "KeySchema": [{"AttributeName": "x_pk", "KeyType": "HASH"}],
            "Projection": {"ProjectionType": "ALL"},
        }
    ]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("infra.provision.load_template", lambda: template)
        provision(aws["session"], stage="local")
    indexes = ddb.describe_table(TableName=name)["Table"]["GlobalSecondaryIndexes"]
    assert [i["IndexName"] for i in indexes] == ["extra"]
    ddb.update_table(
        TableName=name, GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "extra"}}]
    )


# The template's own bookkeeping ---------------------------------------------------------------


def test_every_resource_the_app_reads_reaches_the_functions_environment():
    template = load_template()
    variables = template["Globals"]["Function"]["Environment"]["Variables"]
    declared = {
        r["Metadata"]["dvc:env"]: {"Ref": k}
        for k, r in template["Resources"].items()
        if "dvc:env" in r.get("Metadata", {})
    }
    assert set(TABLE_ENV) | set(BUCKETS) <= set(declared)
    assert {k: variables.get(k) for k in declared} == declared


def test_every_checkov_skip_says_why():
    for key, resource in load_template()["Resources"].items():
        for skip in resource.get("Metadata", {}).get("checkov", {}).get("skip", []):
            assert re.fullmatch(r"CKV2?_AWS_\d+", skip["id"]), key
            assert len(skip.get("comment", "")) >= 30, (key, skip["id"])


# Secrets (issue 15 #1): the values live in Secrets Manager, never in the template or a variable.
SECRET_VARIABLES = {
    "SECRET_KEY",
    "SMS_CALLBACK_TOKEN",
    "OPEN311_API_KEYS",
    "OIDC_CLIENT_SECRET",
    "CARRIER_TOKEN",
    "ESMS_API_KEY",
    "ESMS_SECRET_KEY",
    "VNPAY_HASH_SECRET",
    "ZALO_OA_SECRET",
    "ZALO_APP_SECRET",
    "NATIONAL_PORTAL_CLIENT_SECRET",
}


def _readers(resources, secret):
    """Managed policies with a statement on `secret`, and the roles that carry each."""
    policies = {
        k
        for k, r in resources.items()
        if r.get("Type") == "AWS::IAM::ManagedPolicy"
        and any(
            s["Resource"] == {"Ref": secret} for s in r["Properties"]["PolicyDocument"]["Statement"]
        )
    }
    return {
        p: {
            k
            for k, r in resources.items()
            if k.endswith("Role")
            and {"Ref": p} in r.get("Properties", {}).get("ManagedPolicyArns", [])
        }
        for p in policies
    }


def test_the_app_secret_is_declared_without_a_value_and_only_read():
    template = load_template()
    resources = template["Resources"]
    secret = resources["AppSecret"]["Properties"]
    generated = secret["GenerateSecretString"]

    assert "SecretString" not in secret
    assert generated["GenerateStringKey"] == "secret_key" and generated["PasswordLength"] >= 32
    assert secret["Name"] == {"Fn::Sub": "${AppName}/${Stage}/app"}
    assert _readers(resources, "AppSecret") == {
        "AppSecretsPolicy": {"ApiHandlerRole", "OnNotificationRole", "OnZaloInboundRole"}
    }
    statements = resources["AppSecretsPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert [s["Action"] for s in statements] == [["secretsmanager:GetSecretValue"]]
    assert _readers(resources, "SmsSecret") == {"SmsSecretsPolicy": {"OnNotificationRole"}}


def test_no_cloud_stage_carries_a_secret_in_a_variable_and_each_names_its_stage():
    template = load_template()
    config = json.loads((Path(__file__).parents[2] / ".chalice" / "config.json").read_text())
    variables = template["Globals"]["Function"]["Environment"]["Variables"]

    assert not SECRET_VARIABLES & set(variables) and not SECRET_VARIABLES & set(
        config["environment_variables"]
    )
    for stage in ("dev", "prod"):
        env = config["stages"][stage]["environment_variables"]
        assert not SECRET_VARIABLES & set(env), stage
        assert (env["STAGE"], env["AUTH_MODE"]) == (stage, "jwks")
    local = config["stages"]["local"]["environment_variables"]
    assert (local["STAGE"], local["AUTH_MODE"]) == ("local", "local")


def test_quarantined_uploads_are_scanned_and_the_functions_read_the_verdict():
    from chalicelib.services.shared.uploads import QUARANTINE

    resources = load_template()["Resources"]
    (plan,) = [
        r["Properties"]
        for r in resources.values()
        if r.get("Type") == "AWS::GuardDuty::MalwareProtectionPlan"
    ]
    assert plan["ProtectedResource"]["S3Bucket"] == {
        "BucketName": {"Ref": "UploadsBucket"},
        "ObjectPrefixes": [QUARANTINE],
    }
    assert plan["Actions"] == {"Tagging": {"Status": "ENABLED"}}
    role = resources[plan["Role"]["Fn::GetAtt"][0]]["Properties"]
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {
        "Service": "malware-protection-plan.guardduty.amazonaws.com"
    }
    granted = {
        a for p in role["Policies"] for s in p["PolicyDocument"]["Statement"] for a in s["Action"]
    }
    assert {"s3:GetObject", "s3:PutObjectTagging", "s3:PutBucketNotification"} <= granted
    files = resources["FilesPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    (verdicts,) = [s for s in files if "s3:GetObjectTagging" in s["Action"]]
    assert verdicts["Resource"] == [{"Fn::Sub": f"${{UploadsBucket.Arn}}/{QUARANTINE}*"}]
