"""Create the tables, buckets and queues of infra/base.json through boto3 (local stack, tests).

The cloud gets them from CloudFormation; `make run` and the tests get them from here, out of the
same template, so the two never drift (alarms, Cognito, secrets and IAM are skipped). A property
this module cannot translate fails loudly: teach it here when you add one to the template.
CLI, printing the env as JSON: python -m infra.provision --endpoint-url URL --stage local"""

import argparse
import contextlib
import json
import re
from pathlib import Path
from typing import Any

import boto3

TEMPLATE = Path(__file__).with_name("base.json")
REGION = "ap-southeast-1"
NAME = {
    "AWS::DynamoDB::Table": "TableName",
    "AWS::S3::Bucket": "BucketName",
    "AWS::SQS::Queue": "QueueName",
}  # the property that names each type we create
ARN = {
    "AWS::DynamoDB::Table": "arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${name}",
    "AWS::S3::Bucket": "arn:aws:s3:::${name}",
    "AWS::SQS::Queue": "arn:aws:sqs:${AWS::Region}:${AWS::AccountId}:${name}",
}
CLOUD_ONLY = {"PointInTimeRecoverySpecification", "DeletionProtectionEnabled", "Tags"}


def load_template(path: Path = TEMPLATE) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


class Resolver:
    """Evaluates Ref, Fn::GetAtt and Fn::Sub the way CloudFormation would for these types."""

    def __init__(self, template: dict[str, Any], params: dict[str, Any], region: str, account: str):
        self.resources = template["Resources"]
        defaults = {k: p.get("Default") for k, p in template.get("Parameters", {}).items()}
        self.values = {
            **defaults,
            **params,
            "AWS::Region": region,
            "AWS::AccountId": account,
            "AWS::Partition": "aws",
        }

    def name(self, logical_id: str) -> str:
        resource = self.resources[logical_id]
        return self.resolve(resource["Properties"][NAME[resource["Type"]]])

    def ref(self, key: str) -> Any:
        return self.values[key] if key in self.values else self.name(key)

    def get_att(self, logical_id: str, attribute: str) -> str:
        if attribute != "Arn":
            raise NotImplementedError(f"Fn::GetAtt {logical_id}.{attribute}")
        return self.sub(ARN[self.resources[logical_id]["Type"]], {"name": self.name(logical_id)})

    def sub(self, text: str, local: dict[str, Any]) -> str:
        def one(match: re.Match[str]) -> str:
            key = match.group(1)
            if key.startswith("!"):
                return "${" + key[1:] + "}"
            if key in local:
                return str(local[key])
            return str(self.get_att(*key.split(".", 1)) if "." in key else self.ref(key))

        return re.sub(r"\$\{([^}]+)\}", one, text)

    def resolve(self, node: Any) -> Any:
        if isinstance(node, list):
            return [self.resolve(item) for item in node]
        if not isinstance(node, dict):
            return node
        if len(node) == 1 and ("Ref" in node or next(iter(node)).startswith("Fn::")):
            ((key, arg),) = node.items()
            if key == "Ref":
                return self.ref(arg)
            if key == "Fn::GetAtt":
                return self.get_att(*(arg if isinstance(arg, list) else arg.split(".", 1)))
            if key == "Fn::Sub":
                text, local = (arg, {}) if isinstance(arg, str) else arg
                return self.sub(text, self.resolve(local))
            raise NotImplementedError(key)
        return {key: self.resolve(value) for key, value in node.items()}


def _only(props: dict[str, Any], known: set[str], kind: str) -> None:
    if unknown := set(props) - known:
        raise NotImplementedError(f"infra/provision.py cannot create {kind} {sorted(unknown)}")


def _table(ddb: Any, p: dict[str, Any]) -> None:
    _only(
        p,
        {
            "TableName",
            "BillingMode",
            "AttributeDefinitions",
            "KeySchema",
            "GlobalSecondaryIndexes",
            "SSESpecification",
            "TimeToLiveSpecification",
            "StreamSpecification",
        },
        "table",
    )
    name = p["TableName"]
    # CloudFormation names only the view type; the API also wants the stream switched on.
    stream = (
        {"StreamEnabled": True, **p["StreamSpecification"]} if "StreamSpecification" in p else None
    )
    try:
        described = ddb.describe_table(TableName=name)["Table"]
    except ddb.exceptions.ResourceNotFoundException:
        args = {
            k: p[k]
            for k in ("AttributeDefinitions", "KeySchema", "BillingMode", "GlobalSecondaryIndexes")
            if k in p
        }
        if "SSESpecification" in p:  # CloudFormation says SSEEnabled, the API says Enabled
            args["SSESpecification"] = {"Enabled": p["SSESpecification"]["SSEEnabled"]}
        if stream:
            args["StreamSpecification"] = stream
        ddb.create_table(TableName=name, **args)
        ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1})
    else:  # the table exists: add the indexes and the stream declared since it was made
        have = {index["IndexName"] for index in described.get("GlobalSecondaryIndexes", [])}
        for index in p.get("GlobalSecondaryIndexes", []):
            if index["IndexName"] not in have:
                ddb.update_table(
                    TableName=name,
                    AttributeDefinitions=p["AttributeDefinitions"],
                    GlobalSecondaryIndexUpdates=[{"Create": index}],
                )
        if stream and not described.get("StreamSpecification", {}).get("StreamEnabled"):
            ddb.update_table(TableName=name, StreamSpecification=stream)
    status = ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]["TimeToLiveStatus"]
    if (ttl := p.get("TimeToLiveSpecification")) and status not in ("ENABLED", "ENABLING"):
        ddb.update_time_to_live(TableName=name, TimeToLiveSpecification=ttl)


def _lifecycle_rule(r: dict[str, Any]) -> dict[str, Any]:
    _only(
        r,
        {
            "Id",
            "Status",
            "Prefix",
            "TagFilters",
            "ExpirationInDays",
            "Transitions",
            "AbortIncompleteMultipartUpload",
            "NoncurrentVersionExpiration",
        },
        "lifecycle rule",
    )
    rule = {"ID": r["Id"], "Status": r["Status"], "Filter": {"Prefix": r.get("Prefix", "")}}
    if "TagFilters" in r:  # objects with these tags (the only filter of such rules here)
        _only(r, {"Id", "Status", "TagFilters", "Transitions"}, "tag lifecycle rule")
        tags = r["TagFilters"]
        rule["Filter"] = {"Tag": tags[0]} if len(tags) == 1 else {"And": {"Tags": tags}}
    if "ExpirationInDays" in r:
        rule["Expiration"] = {"Days": r["ExpirationInDays"]}
    if "Transitions" in r:
        rule["Transitions"] = [
            {"Days": t["TransitionInDays"], "StorageClass": t["StorageClass"]}
            for t in r["Transitions"]
        ]
    if "NoncurrentVersionExpiration" in r:
        rule["NoncurrentVersionExpiration"] = r["NoncurrentVersionExpiration"]
    rule.update({k: v for k, v in r.items() if k == "AbortIncompleteMultipartUpload"})
    return rule


# CloudFormation property -> (S3 call, its argument if named otherwise, conversion to the API)
BUCKET_SETTINGS = {
    "BucketEncryption": (
        "put_bucket_encryption",
        "ServerSideEncryptionConfiguration",
        lambda c: {
            "Rules": [
                {
                    "ApplyServerSideEncryptionByDefault": r["ServerSideEncryptionByDefault"],
                    "BucketKeyEnabled": r.get("BucketKeyEnabled", False),
                }
                for r in c["ServerSideEncryptionConfiguration"]
            ]
        },
    ),
    "PublicAccessBlockConfiguration": ("put_public_access_block", None, None),
    "OwnershipControls": ("put_bucket_ownership_controls", None, None),
    "VersioningConfiguration": ("put_bucket_versioning", None, None),
    "CorsConfiguration": (
        "put_bucket_cors",
        "CORSConfiguration",
        lambda c: {
            "CORSRules": [
                {
                    "AllowedMethods": r["AllowedMethods"],
                    "AllowedOrigins": r["AllowedOrigins"],
                    "AllowedHeaders": r.get("AllowedHeaders", []),
                    "ExposeHeaders": r.get("ExposedHeaders", []),
                    "MaxAgeSeconds": r.get("MaxAge", 0),
                }
                for r in c["CorsRules"]
            ]
        },
    ),
    "LifecycleConfiguration": (
        "put_bucket_lifecycle_configuration",
        "LifecycleConfiguration",
        lambda c: {"Rules": [_lifecycle_rule(r) for r in c["Rules"]]},
    ),
}


def _bucket(s3: Any, p: dict[str, Any], region: str) -> None:
    _only(p, {"BucketName", *BUCKET_SETTINGS}, "bucket")
    with contextlib.suppress(s3.exceptions.BucketAlreadyOwnedByYou):
        s3.create_bucket(
            Bucket=p["BucketName"],
            **(
                {}
                if region == "us-east-1"
                else {"CreateBucketConfiguration": {"LocationConstraint": region}}
            ),
        )
    for prop, (call, argument, convert) in BUCKET_SETTINGS.items():
        if prop in p:
            value = convert(p[prop]) if convert else p[prop]
            getattr(s3, call)(Bucket=p["BucketName"], **{argument or prop: value})


def _queue(sqs: Any, p: dict[str, Any]) -> None:
    # Every other AWS::SQS::Queue property is named like the queue attribute it sets.
    attrs = {
        k: json.dumps(v)
        if isinstance(v, dict)
        else str(v).lower()
        if isinstance(v, bool)
        else str(v)
        for k, v in p.items()
        if k != "QueueName"
    }
    try:
        url = sqs.get_queue_url(QueueName=p["QueueName"])["QueueUrl"]
    except sqs.exceptions.QueueDoesNotExist:
        sqs.create_queue(QueueName=p["QueueName"], Attributes=attrs)
    else:  # (FIFO queues would need FifoQueue dropped here: it cannot be set afterwards)
        sqs.set_queue_attributes(QueueUrl=url, Attributes=attrs)


def provision(
    session: boto3.session.Session | None = None,
    *,
    stage: str = "local",
    app_name: str = "dvc",
    cors_origins: tuple[str, ...] | list[str] = ("*",),
    endpoint_url: str | None = None,
) -> dict[str, str]:
    """Create or update the tables, buckets and queues; return the app's env ("dvc:env")."""
    session = session or boto3.session.Session(region_name=REGION)
    if endpoint_url and session.get_credentials() is None:  # a local endpoint takes any key
        session = boto3.session.Session("local", "local", region_name=REGION)
    region = session.region_name or REGION
    ddb, s3, sqs, sts = (
        session.client(service, region_name=region, endpoint_url=endpoint_url)
        for service in ("dynamodb", "s3", "sqs", "sts")
    )
    template = load_template()
    params = {"Stage": stage, "AppName": app_name, "CorsOrigins": list(cors_origins)}
    resolver = Resolver(template, params, region, sts.get_caller_identity()["Account"])
    create = {
        "AWS::DynamoDB::Table": lambda p: _table(ddb, p),
        "AWS::S3::Bucket": lambda p: _bucket(s3, p, region),
        "AWS::SQS::Queue": lambda p: _queue(sqs, p),
    }
    wanted = [(k, r) for k, r in template["Resources"].items() if r.get("Type") in create]
    wanted.sort(key=lambda item: "RedrivePolicy" in item[1]["Properties"])  # DLQs first
    env = {}
    for logical_id, resource in wanted:
        props = {k: v for k, v in resource["Properties"].items() if k not in CLOUD_ONLY}
        create[resource["Type"]](resolver.resolve(props))
        if "dvc:env" in resource.get("Metadata", {}):
            env[resource["Metadata"]["dvc:env"]] = resolver.name(logical_id)
    return env


def main(argv: list[str] | None = None) -> None:
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--endpoint-url", help="e.g. a moto server; default: AWS itself")
    cli.add_argument("--stage", default="local", choices=["local", "dev", "prod"])
    args = cli.parse_args(argv)
    env = provision(stage=args.stage, endpoint_url=args.endpoint_url)
    print(json.dumps(env, indent=2, sort_keys=True))


if __name__ == "__main__":
    main()
