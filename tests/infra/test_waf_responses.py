"""Every block of the two web ACLs (regional ApiWebAcl, edge EdgeWebAcl) answers the portal's
JSON error, the managed rule groups' included, within the ACL's capacity; a custom domain
without its certificate (or the reverse) is refused before anything is deployed. Both
templates still pass cfn-lint and checkov (DEPLOY.md sections 5, 5a, 5b and 9)."""

import json
import subprocess
from pathlib import Path

import pytest

from infra import waf
from infra.provision import load_template
from tests.infra.test_deploy_template import template  # noqa: F401 - the packaged prod template
from tests.infra.test_edge_stack import CERT_ARN, DOMAIN, EDGE, Stack

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
CHECKOV = ROOT / ".venv-checkov" / "bin" / "checkov"
# The rules of each group that only count (by AWS's design, or ours: DEPLOY.md section 5a);
# every other rule of a group blocks.
COUNTED = {
    "AWSManagedRulesAmazonIpReputationList": set(),  # AWSManagedIPDDoSList counts in the group
    "AWSManagedRulesKnownBadInputsRuleSet": set(),
    "AWSManagedRulesCommonRuleSet": {"SizeRestrictions_BODY"},
}
# Capacity (WCU) of each statement used, from the AWS WAF developer guide.
WCU = {
    "RateBasedStatement": 2,
    "LabelMatchStatement": 1,
    "AWSManagedRulesAmazonIpReputationList": 25,
    "AWSManagedRulesKnownBadInputsRuleSet": 200,
    "AWSManagedRulesCommonRuleSet": 700,
}
WCU_LIMIT = 1500  # a web ACL's default capacity before AWS charges for more


def acls():
    edge = json.loads(EDGE.read_text(encoding="utf-8"))
    return {
        "ApiWebAcl": load_template()["Resources"]["ApiWebAcl"]["Properties"],
        "EdgeWebAcl": edge["Resources"]["EdgeWebAcl"]["Properties"],
    }


def answer(acl, block):
    """(status, body) of a Block action; fails when it would be WAF's default page."""
    custom = block["CustomResponse"]
    body = acl["CustomResponseBodies"][custom["CustomResponseBodyKey"]]
    assert body["ContentType"] == "APPLICATION_JSON"
    return custom["ResponseCode"], json.loads(body["Content"])


def managed(rule):
    return rule["Statement"].get("ManagedRuleGroupStatement")


@pytest.mark.parametrize("name", ["ApiWebAcl", "EdgeWebAcl"])
def test_every_block_answers_the_portals_json_error(name):
    acl = acls()[name]
    answers = set()
    for position, rule in enumerate(acl["Rules"]):
        group = managed(rule)
        if group is None:
            status, body = answer(acl, rule["Action"]["Block"])
            answers.add((status, body["error"]["code"]))
            continue
        overrides = {o["Name"]: o["ActionToUse"] for o in group.get("RuleActionOverrides", [])}
        counted = {n for n, action in overrides.items() if action == {"Count": {}}}
        assert counted == COUNTED[group["Name"]], group["Name"]
        for action in (a for n, a in overrides.items() if n not in counted):
            status, body = answer(acl, action["Block"])
            answers.add((status, body["error"]["code"]))
        if rule["OverrideAction"] == {"Count": {}}:
            # The group only labels; the next rule blocks on every label of its namespace.
            assert not overrides, group["Name"]
            after = acl["Rules"][position + 1]
            match = after["Statement"]["LabelMatchStatement"]
            assert match["Scope"] == "NAMESPACE"
            assert match["Key"] == "awswaf:managed:aws:known-bad-inputs:"
            assert group["Name"] == "AWSManagedRulesKnownBadInputsRuleSet"
        else:
            # The group blocks on its own: each of its blocking rules by name, with the JSON.
            assert rule["OverrideAction"] == {"None": {}}
            assert len(overrides) - len(counted) >= 2, group["Name"]
    assert answers == {(429, "RATE_LIMITED"), (403, "REQUEST_BLOCKED")}
    for body in acl["CustomResponseBodies"].values():
        error = json.loads(body["Content"])["error"]
        assert set(error) == {"code", "message"} and not error["message"].isascii()


def test_the_two_acls_override_the_same_rules():
    found = {
        name: {
            managed(r)["Name"]: managed(r).get("RuleActionOverrides")
            for r in acl["Rules"]
            if managed(r)
        }
        for name, acl in acls().items()
    }
    assert found["ApiWebAcl"] == found["EdgeWebAcl"]
    core = {o["Name"] for o in found["ApiWebAcl"]["AWSManagedRulesCommonRuleSet"]}
    assert len(core) == 22 and {"CrossSiteScripting_BODY", "GenericLFI_URIPATH"} <= core
    ip_list = {o["Name"] for o in found["ApiWebAcl"]["AWSManagedRulesAmazonIpReputationList"]}
    assert ip_list == {"AWSManagedIPReputationList", "AWSManagedReconnaissanceList"}


def test_the_stage_answers_a_block_without_custom_response_alike():
    """API Gateway's WAF_FILTERED answer, for a block that has no custom response of its own
    (a managed rule AWS adds to a group later), is the same JSON as the ACL's."""
    resource = load_template()["Resources"]["WafFilteredResponse"]["Properties"]
    blocked = acls()["ApiWebAcl"]["CustomResponseBodies"]["blocked"]
    assert json.loads(resource["ResponseTemplates"]["application/json"]) == json.loads(
        blocked["Content"]
    )
    assert resource["StatusCode"] == "403"


@pytest.mark.parametrize("name", ["ApiWebAcl", "EdgeWebAcl"])
def test_the_acl_stays_within_its_capacity(name):
    used = 0
    for rule in acls()[name]["Rules"]:
        ((kind, statement),) = rule["Statement"].items()
        used += WCU[statement["Name"] if kind == "ManagedRuleGroupStatement" else kind]
    assert used == 928 <= WCU_LIMIT


def assertions(**params):
    """Descriptions of the Rules assertions that refuse the parameter values."""
    base = load_template()
    stack = Stack(base, **params)
    return [
        a["AssertDescription"]
        for rule in base["Rules"].values()
        for a in rule["Assertions"]
        if not stack.truth(a["Assert"])
    ]


def test_a_domain_without_its_certificate_is_refused_and_the_reverse():
    assert assertions() == []
    assert assertions(PortalDomain=DOMAIN, PortalCertificateArn=CERT_ARN) == []
    (refusal,) = assertions(PortalDomain=DOMAIN)
    assert refusal.startswith("PortalDomain needs PortalCertificateArn")
    (refusal,) = assertions(PortalCertificateArn=CERT_ARN)
    assert refusal.startswith("PortalCertificateArn is given without PortalDomain")


def test_the_packaged_template_keeps_the_rules(template):  # noqa: F811
    assert template["Rules"] == load_template()["Rules"]  # chalice's merge, SAM's transform


def make_deploy_check(*args):
    return subprocess.run(
        ["make", "-s", "-f", "infra/infra.mk", "deploy-check", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def test_make_deploy_refuses_a_domain_no_certificate_comes_with_before_building():
    refused = make_deploy_check(f"PORTAL_DOMAIN={DOMAIN}")
    assert refused.returncode == 2 and "needs its certificate" in refused.stderr
    assert make_deploy_check(f"PORTAL_DOMAIN={DOMAIN}", "EDGE=1").returncode == 0
    given = make_deploy_check(f"PORTAL_DOMAIN={DOMAIN}", f"PARAMS=PortalCertificateArn={CERT_ARN}")
    assert given.returncode == 0
    assert make_deploy_check().returncode == 0
    recipe = (ROOT / "infra" / "infra.mk").read_text(encoding="utf-8")
    assert "\ndeploy: deploy-check package " in recipe  # first, before the minutes of packaging


def run(*command):
    done = subprocess.run(
        [str(c) for c in command],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_cfn_lint_accepts_both_templates(template, tmp_path):  # noqa: F811
    packaged = tmp_path / "sam.json"
    packaged.write_text(json.dumps(template), encoding="utf-8")
    run(BIN / "cfn-lint", "--regions", "ap-southeast-1", "--", packaged)
    run(BIN / "cfn-lint", "--regions", "us-east-1", "--", EDGE)


@pytest.mark.skipif(not CHECKOV.exists(), reason="no .venv-checkov (`make checkov` creates it)")
def test_checkov_passes_both_templates(template, tmp_path):  # noqa: F811
    packaged = tmp_path / "sam.json"
    packaged.write_text(json.dumps(template), encoding="utf-8")
    for path in (packaged, EDGE):
        run(
            CHECKOV,
            "-f",
            path,
            "--compact",
            "--quiet",
            "--skip-download",
            "--framework",
            "cloudformation",
        )


# `make waf-check` (infra/waf.py): the overrides against the rules AWS serves ----------------


def served_as_documented(group):
    """The rules of each group by the AWS WAF developer guide, with AWS's own actions."""
    acl = acls()["ApiWebAcl"]
    (rule,) = [r for r in acl["Rules"] if (managed(r) or {}).get("Name") == group]
    rules = {o["Name"]: {"Block": {}} for o in managed(rule).get("RuleActionOverrides", [])}
    if group == "AWSManagedRulesAmazonIpReputationList":
        rules["AWSManagedIPDDoSList"] = {"Count": {}}
    return rules


def test_the_check_is_quiet_while_the_overrides_name_every_blocking_rule():
    for acl in acls().values():
        assert waf.problems(acl, served_as_documented) == []


def test_the_check_names_a_rule_added_removed_or_turned_to_count_by_aws():
    def served(group):
        rules = served_as_documented(group)
        if group == "AWSManagedRulesCommonRuleSet":
            rules["NewRule_BODY"] = {"Block": {}}
            del rules["GenericLFI_BODY"]
        else:
            rules["AWSManagedIPReputationList"] = {"Count": {}}
        return rules

    assert waf.problems(acls()["EdgeWebAcl"], served) == [
        "AWSManagedRulesAmazonIpReputationList: AWS now only counts AWSManagedIPReputationList, "
        "which the web ACLs block",
        "AWSManagedRulesCommonRuleSet: GenericLFI_BODY is overridden but the group has no such "
        "rule",
        "AWSManagedRulesCommonRuleSet: NewRule_BODY blocks with WAF's default answer: add it to "
        "the RuleActionOverrides of both web ACLs",
    ]


def test_the_check_asks_each_acls_region_and_scope(monkeypatch, capsys):
    asked = []

    class Client:
        def __init__(self, region):
            self.region = region

        def describe_managed_rule_group(self, VendorName, Name, Scope):  # noqa: N803 - boto3's
            asked.append((self.region, Scope, VendorName, Name))
            return {
                "Rules": [{"Name": n, "Action": a} for n, a in served_as_documented(Name).items()]
            }

    monkeypatch.setattr(waf.boto3, "client", lambda service, region_name: Client(region_name))
    assert waf.main([]) == 0
    assert "every blocking rule" in capsys.readouterr().out
    assert {(region, scope) for region, scope, *_ in asked} == {
        ("ap-southeast-1", "REGIONAL"),
        ("us-east-1", "CLOUDFRONT"),
    }
    assert {name for *_, vendor, name in asked if vendor == "AWS"} == {
        "AWSManagedRulesAmazonIpReputationList",
        "AWSManagedRulesCommonRuleSet",
    }
    recipe = (ROOT / "infra" / "infra.mk").read_text(encoding="utf-8")
    assert "$(BIN)/python -m infra.waf --region $(REGION)" in recipe
