"""The prod template that `make deploy` sends to CloudFormation: deployable, safe on the internet.

The template is made as `make package STAGE=prod` makes it (`chalice package --merge-template
infra/base.json`), in a subprocess (Chalice loads the app with the stage's environment), but
without the 50 MB deployment.zip: its dependencies and bytecode do not change the template, and
building them takes minutes.
"""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from infra.artifact import template_problems

ROOT = Path(__file__).resolve().parents[2]
INLINE_TEMPLATE_LIMIT = 51_200  # bytes: CloudFormation's TemplateBody; beyond it, TemplateURL
# Write routes without a route limit of their own, and why: signed-in officers and admins, the
# signed calls of partner systems (the national portal syncs in bursts), the stand-ins of the
# local stage (refused elsewhere), and signing out.
NOT_ROUTE_LIMITED = re.compile(
    r"^/(v1/officer|v1/admin|v1/integrations|webhooks|dev|can-bo/tai-khoan|dang-xuat)(/|$)"
)
SECRET_NAME = re.compile(r"SECRET|TOKEN|PASSWORD|_KEYS?$")
# What the local stage sets that must never reach another stage: the values of its secrets and
# the development default of chalicelib/config.py.
DEV_MARKERS = ("not-for-production", "dvc-local-")

PACKAGE = """
import sys, zipfile
from chalice.cli import main
from chalice.deploy.packager import LambdaDeploymentPackager

stub, out = sys.argv[1:3]
zipfile.ZipFile(stub, "w").close()
LambdaDeploymentPackager.create_deployment_package = lambda self, project_dir, version: stub
sys.argv = ["chalice", "--project-dir", ".", "package", "--stage", "prod",
            "--merge-template", "infra/base.json", out]
sys.exit(main())
"""


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    out = tmp_path_factory.mktemp("prod")
    done = subprocess.run(
        [sys.executable, "-c", PACKAGE, str(out / "stub.zip"), str(out / "pkg")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads((out / "pkg" / "sam.json").read_text(encoding="utf-8"))


def of_type(template, kind):
    return {k: r for k, r in template["Resources"].items() if r["Type"] == kind}


def functions(template):
    return of_type(template, "AWS::Serverless::Function")


def environment(template, function):
    return template["Globals"]["Function"]["Environment"]["Variables"] | function["Properties"].get(
        "Environment", {}
    ).get("Variables", {})


def api(template):
    (resource,) = of_type(template, "AWS::Serverless::Api").values()
    return resource["Properties"]


def test_the_packaged_template_passes_the_package_checks(template):
    assert template_problems(template) == []


def test_the_template_is_too_big_to_send_inline_so_deploy_uploads_it(template):
    assert len(json.dumps(template).encode()) > INLINE_TEMPLATE_LIMIT
    recipe = (ROOT / "infra" / "infra.mk").read_text(encoding="utf-8").replace("\\\n", " ")
    (deploy,) = re.findall(r"\$\(AWS\) cloudformation deploy [^\n]*PKG_DIR[^\n]*", recipe)
    assert "--s3-bucket $(ARTIFACT_BUCKET)" in deploy
    assert "--template-file $(PKG_DIR)/packaged.json" in deploy  # code already in the bucket


def test_no_extra_stage_named_stage(template):
    """SAM adds a public stage `Stage` beside the real one unless OpenApiVersion is set."""
    body = api(template)["DefinitionBody"]
    assert template["Globals"]["Api"]["OpenApiVersion"] == body["swagger"] == "2.0"
    assert api(template)["StageName"] == "prod"


def test_every_function_logs_to_its_own_group_with_retention(template):
    resources = template["Resources"]
    assert set(functions(template)) >= {"APIHandler", "OnEvent", "RelayOutbox"}
    for key, function in functions(template).items():
        group = resources[function["Properties"]["LoggingConfig"]["LogGroup"]["Ref"]]
        name = function["Properties"]["FunctionName"]["Fn::Sub"]
        assert group["Type"] == "AWS::Logs::LogGroup", key
        # Lambda's own name for it: the functions' policies grant /aws/lambda/dvc-<stage>-*
        assert group["Properties"]["LogGroupName"] == {"Fn::Sub": f"/aws/lambda/{name}"}, key
    access_log = api(template)["AccessLogSetting"]["DestinationArn"]["Fn::Sub"]
    assert access_log.endswith("${ApiAccessLogGroup}")
    for key, group in of_type(template, "AWS::Logs::LogGroup").items():
        assert group["Properties"]["RetentionInDays"] >= 365, key


def test_the_stage_and_each_public_write_route_are_throttled(template):
    parameters = template["Parameters"]
    settings = api(template)["MethodSettings"]
    (stage,) = [s for s in settings if (s["ResourcePath"], s["HttpMethod"]) == ("/*", "*")]
    assert stage["ThrottlingRateLimit"] == {"Ref": "ApiRateLimit"}
    assert stage["ThrottlingBurstLimit"] == {"Ref": "ApiBurstLimit"}
    limited = {
        (s["ResourcePath"][1:].replace("~1", "/"), s["HttpMethod"].lower())
        for s in settings
        if s is not stage
    }
    for route in settings:
        if route is not stage:
            assert route["ThrottlingRateLimit"] == {"Ref": "ApiWriteRateLimit"}
            assert route["ThrottlingBurstLimit"] == {"Ref": "ApiWriteBurstLimit"}
    assert parameters["ApiWriteRateLimit"]["Default"] < parameters["ApiRateLimit"]["Default"]
    paths = api(template)["DefinitionBody"]["paths"]
    routes = {(path, method) for path, methods in paths.items() for method in methods}
    assert limited <= routes  # a renamed route would fail the deploy (unknown method setting)
    writes = {
        (path, method)
        for path, method in routes
        if method in ("post", "put", "patch", "delete") and not NOT_ROUTE_LIMITED.match(path)
    }
    assert {
        ("/v1/dossiers", "post"),
        ("/v1/feedback", "post"),
        ("/open311/v2/{resource}", "post"),
        ("/can-bo/dang-nhap", "post"),
        ("/v1/uploads", "post"),
    } <= writes
    assert writes - limited == set()


def test_a_waf_web_acl_guards_the_api_stage(template):
    ((key, acl),) = of_type(template, "AWS::WAFv2::WebACL").items()
    props = acl["Properties"]
    assert props["Scope"] == "REGIONAL" and props["DefaultAction"] == {"Allow": {}}
    rules = {r["Name"]: r for r in props["Rules"]}
    (rate,) = [r for r in rules.values() if "RateBasedStatement" in r["Statement"]]
    assert rate["Statement"]["RateBasedStatement"]["Limit"] == {"Ref": "WafRateLimit"}
    assert rate["Statement"]["RateBasedStatement"]["AggregateKeyType"] == "IP"
    assert rate["Action"]["Block"]["CustomResponse"]["ResponseCode"] == 429
    body = props["CustomResponseBodies"][
        rate["Action"]["Block"]["CustomResponse"]["CustomResponseBodyKey"]
    ]
    assert json.loads(body["Content"])["error"]["code"] == "RATE_LIMITED"
    managed = {
        r["Statement"]["ManagedRuleGroupStatement"]["Name"]: r
        for r in rules.values()
        if "ManagedRuleGroupStatement" in r["Statement"]
    }
    assert set(managed) == {
        "AWSManagedRulesCommonRuleSet",
        "AWSManagedRulesKnownBadInputsRuleSet",
        "AWSManagedRulesAmazonIpReputationList",
    }
    # they block: on their own, or (Known bad inputs) through a label match (test_waf_responses)
    assert all(r["OverrideAction"] in ({"None": {}}, {"Count": {}}) for r in managed.values())
    (blocked,) = [
        r["Properties"]
        for r in of_type(template, "AWS::ApiGateway::GatewayResponse").values()
        if r["Properties"]["ResponseType"] == "WAF_FILTERED"
    ]
    answer = json.loads(blocked["ResponseTemplates"]["application/json"])
    assert (blocked["StatusCode"], answer["error"]["code"]) == ("403", "REQUEST_BLOCKED")
    (association,) = of_type(template, "AWS::WAFv2::WebACLAssociation").values()
    assert association["Properties"]["WebACLArn"] == {"Fn::GetAtt": [key, "Arn"]}
    arn = association["Properties"]["ResourceArn"]["Fn::Sub"]
    assert arn.endswith(":apigateway:${AWS::Region}::/restapis/${RestAPI}/stages/${RestAPI.Stage}")


def test_alarms_on_every_queue_age_and_on_the_api_latency(template):
    alarms = of_type(template, "AWS::CloudWatch::Alarm").values()
    queues = [
        k
        for k, q in of_type(template, "AWS::SQS::Queue").items()
        if "RedrivePolicy" in q["Properties"]
    ]
    watched = [
        a["Properties"]["Dimensions"][0]["Value"]["Fn::GetAtt"][0]
        for a in alarms
        if a["Properties"].get("MetricName") == "ApproximateAgeOfOldestMessage"
    ]
    assert len(queues) >= 4 and set(queues) <= set(watched)
    latency = {
        a["Properties"]["ExtendedStatistic"]: a["Properties"]
        for a in alarms
        if a["Properties"].get("MetricName") == "Latency"
    }
    assert set(latency) == {"p95", "p99"}
    title = api(template)["DefinitionBody"]["info"]["title"]
    assert template["Parameters"]["AppName"]["Default"] == title  # the ApiName dimension
    for alarm in latency.values():
        assert alarm["Namespace"] == "AWS/ApiGateway"
        assert alarm["Dimensions"] == [
            {"Name": "ApiName", "Value": {"Ref": "AppName"}},
            {"Name": "Stage", "Value": {"Ref": "Stage"}},
        ]
        assert alarm["AlarmActions"] == [{"Ref": "AlarmTopic"}]


def test_no_development_secret_or_setting_reaches_the_template(template):
    local = json.loads((ROOT / ".chalice" / "config.json").read_text(encoding="utf-8"))
    local_secrets = [
        value
        for name, value in local["stages"]["local"]["environment_variables"].items()
        if SECRET_NAME.search(name)
    ]
    assert local_secrets  # the check below looks for something
    text = json.dumps(template)
    for value in (*local_secrets, *DEV_MARKERS):
        assert value not in text
    for key, function in functions(template).items():
        variables = environment(template, function)
        assert variables["STAGE"] == "prod", key
        assert variables.get("AUTH_MODE", "jwks") == "jwks", key


def test_every_secret_comes_from_secrets_manager(template):
    secrets = of_type(template, "AWS::SecretsManager::Secret")
    for key, function in functions(template).items():
        for name, value in environment(template, function).items():
            if SECRET_NAME.search(name):
                assert name.startswith("SECRET_"), (key, name)  # never the value itself
                assert value["Ref"] in secrets, (key, name)
    for key, secret in secrets.items():
        assert "SecretString" not in secret["Properties"], key  # generated, then put by hand
