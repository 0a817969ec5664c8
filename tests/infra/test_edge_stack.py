"""The distribution's edge protections (DEPLOY.md sections 5 and 5b): infra/edge.json, deployed
in us-east-1, holds the CLOUDFRONT web ACL and the custom domain's certificate; infra/base.json
puts them on the distribution only when their parameters are given. Conditions and Fn::If are
resolved here the way CloudFormation would for given parameter values."""

import json
import re
from pathlib import Path

import pytest

from infra.provision import load_template

ROOT = Path(__file__).resolve().parents[2]
EDGE = ROOT / "infra" / "edge.json"
INLINE_TEMPLATE_LIMIT = 51_200  # bytes: CloudFormation's TemplateBody
NO_VALUE = object()
ACL_ARN = "arn:aws:wafv2:us-east-1:123456789012:global/webacl/dvc-prod-edge/0f1e2d3c"
CERT_ARN = "arn:aws:acm:us-east-1:123456789012:certificate/4b5c6d7e"
DOMAIN = "dichvucong.example.gov.vn"
RULES = [
    "RateLimitPerAddress",
    "AWSManagedRulesAmazonIpReputationList",
    "AWSManagedRulesKnownBadInputsRuleSet",
    "KnownBadInputsBlock",
    "AWSManagedRulesCommonRuleSet",
]


class Stack:
    """A template's Conditions, Ref, Fn::If and Fn::Sub resolved for some parameter values."""

    def __init__(self, template, **params):
        self.template = template
        self.params = {k: p.get("Default") for k, p in template["Parameters"].items()} | params

    def condition(self, name):
        return self.truth(self.template["Conditions"][name])

    def truth(self, node):
        ((key, arg),) = node.items()
        if key == "Condition":
            return self.condition(arg)
        if key == "Fn::Equals":
            return self.resolve(arg[0]) == self.resolve(arg[1])
        if key == "Fn::Not":
            return not self.truth(arg[0])
        if key == "Fn::And":
            return all(self.truth(item) for item in arg)
        if key == "Fn::Or":
            return any(self.truth(item) for item in arg)
        raise NotImplementedError(key)

    def resolve(self, node):
        if isinstance(node, list):
            return [v for v in (self.resolve(item) for item in node) if v is not NO_VALUE]
        if not isinstance(node, dict):
            return node
        if node == {"Ref": "AWS::NoValue"}:
            return NO_VALUE
        if len(node) == 1 and "Ref" in node and node["Ref"] in self.params:
            return self.params[node["Ref"]]
        if len(node) == 1 and "Fn::If" in node:
            name, then, otherwise = node["Fn::If"]
            return self.resolve(then if self.condition(name) else otherwise)
        if len(node) == 1 and isinstance(node.get("Fn::Sub"), str):
            text = re.sub(
                r"\$\{([^}.]+)\}", lambda m: str(self.params.get(m[1], m[0])), node["Fn::Sub"]
            )
            return text if "${" not in text else {"Fn::Sub": text}
        resolved = {k: self.resolve(v) for k, v in node.items()}
        return {k: v for k, v in resolved.items() if v is not NO_VALUE}


@pytest.fixture(scope="module")
def edge():
    return json.loads(EDGE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def base():
    return load_template()


def acl(template):
    (resource,) = [
        r for r in template["Resources"].values() if r.get("Type") == "AWS::WAFv2::WebACL"
    ]
    return resource["Properties"]


def distribution(stack):
    return stack.resolve(
        stack.template["Resources"]["ApiDistribution"]["Properties"]["DistributionConfig"]
    )


def public_base_url(stack):
    env = stack.template["Globals"]["Function"]["Environment"]["Variables"]
    return stack.resolve(env["PUBLIC_BASE_URL"])


def test_the_edge_acl_is_for_cloudfront_with_the_rules_in_order(edge):
    props = acl(edge)
    assert props["Scope"] == "CLOUDFRONT" and props["DefaultAction"] == {"Allow": {}}
    assert [r["Name"] for r in props["Rules"]] == RULES
    assert [r["Priority"] for r in props["Rules"]] == list(range(len(RULES)))
    rate = props["Rules"][0]["Statement"]["RateBasedStatement"]
    # At the edge, "IP" is the visitor's own address (not a CloudFront server's).
    assert rate == {
        "Limit": {"Ref": "WafRateLimit"},
        "EvaluationWindowSec": 300,
        "AggregateKeyType": "IP",
    }
    for rule in (props["Rules"][1], props["Rules"][2], props["Rules"][4]):
        # the managed groups block (Known bad inputs through KnownBadInputsBlock's label match)
        assert rule["OverrideAction"] in ({"None": {}}, {"Count": {}})
        assert rule["Statement"]["ManagedRuleGroupStatement"]["VendorName"] == "AWS"
    core = props["Rules"][4]["Statement"]["ManagedRuleGroupStatement"]
    assert core["RuleActionOverrides"][0] == {
        "Name": "SizeRestrictions_BODY",
        "ActionToUse": {"Count": {}},
    }  # test_waf_responses.py
    visibility = [props["VisibilityConfig"], *(r["VisibilityConfig"] for r in props["Rules"])]
    assert all(v["CloudWatchMetricsEnabled"] and v["SampledRequestsEnabled"] for v in visibility)
    assert len({v["MetricName"] for v in visibility}) == len(visibility)


def test_the_edge_acl_answers_and_filters_as_the_regional_one(edge, base):
    """Same rules, same limit parameter and the same JSON 429 as ApiWebAcl: only the metric
    names differ (so that the two ACLs' graphs are told apart)."""
    edge_acl, regional = acl(edge), acl(base)
    assert edge_acl["CustomResponseBodies"] == regional["CustomResponseBodies"]
    body = edge_acl["CustomResponseBodies"]["rate-limited"]
    assert json.loads(body["Content"])["error"]["code"] == "RATE_LIMITED"
    assert edge_acl["Rules"][0]["Action"] == regional["Rules"][0]["Action"]

    def without_metrics(rules):
        return [{k: v for k, v in r.items() if k != "VisibilityConfig"} for r in rules]

    assert without_metrics(edge_acl["Rules"]) == without_metrics(regional["Rules"])
    assert edge["Parameters"]["WafRateLimit"] == {
        **base["Parameters"]["WafRateLimit"],
        "Description": edge["Parameters"]["WafRateLimit"]["Description"],
    }


def test_the_edge_outputs_are_the_main_stacks_parameters(edge, base):
    outputs = edge["Outputs"]
    assert outputs["EdgeWebAclArn"]["Value"] == {"Fn::GetAtt": ["EdgeWebAcl", "Arn"]}
    assert outputs["PortalCertificateArn"]["Value"] == {"Ref": "PortalCertificate"}
    assert set(outputs) <= set(base["Parameters"])  # `make deploy EDGE=1` passes them on
    for name in outputs:
        pattern = base["Parameters"][name]["AllowedPattern"]
        sample = ACL_ARN if name == "EdgeWebAclArn" else CERT_ARN
        assert re.fullmatch(pattern, "") and re.fullmatch(pattern, sample)
        assert not re.fullmatch(pattern, sample.replace("us-east-1", "ap-southeast-1"))


def test_the_certificate_is_requested_only_for_a_domain(edge):
    cert = edge["Resources"]["PortalCertificate"]
    assert cert["Condition"] == edge["Outputs"]["PortalCertificateArn"]["Condition"]
    assert not Stack(edge).condition(cert["Condition"])
    stack = Stack(edge, PortalDomain=DOMAIN)
    assert stack.condition(cert["Condition"])
    props = stack.resolve(cert["Properties"])
    assert props["DomainName"] == DOMAIN and props["ValidationMethod"] == "DNS"
    assert "DomainValidationOptions" not in props  # the record is added by hand
    zoned = Stack(edge, PortalDomain=DOMAIN, PortalHostedZoneId="Z0123456789ABC")
    assert zoned.resolve(cert["Properties"])["DomainValidationOptions"] == [
        {"DomainName": DOMAIN, "HostedZoneId": "Z0123456789ABC"}
    ]


def test_the_edge_template_is_sent_inline_to_us_east_1(edge):
    assert len(EDGE.read_bytes()) < INLINE_TEMPLATE_LIMIT
    recipe = (ROOT / "infra" / "infra.mk").read_text(encoding="utf-8").replace("\\\n", " ")
    (deploy,) = re.findall(r"\$\(AWS\) cloudformation deploy [^\n]*infra/edge\.json[^\n]*", recipe)
    assert "--region $(EDGE_REGION)" in deploy and "EDGE_REGION := us-east-1" in recipe
    assert "checkov -f infra/edge.json" in recipe and "-- infra/edge.json" in recipe


def test_without_the_parameters_the_distribution_keeps_its_defaults(base):
    stack = Stack(base)
    config = distribution(stack)
    assert "WebACLId" not in config and "Aliases" not in config
    assert config["ViewerCertificate"] == {"CloudFrontDefaultCertificate": True}
    assert public_base_url(stack) == ""
    assert stack.resolve(base["Outputs"]["PortalBaseUrl"]["Value"]) == {
        "Fn::Sub": "https://${ApiDistribution.DomainName}"
    }


def test_with_the_parameters_the_distribution_is_guarded_and_named(base):
    stack = Stack(base, EdgeWebAclArn=ACL_ARN, PortalDomain=DOMAIN, PortalCertificateArn=CERT_ARN)
    config = distribution(stack)
    assert config["WebACLId"] == ACL_ARN
    assert config["Aliases"] == [DOMAIN]
    assert config["ViewerCertificate"] == {
        "AcmCertificateArn": CERT_ARN,
        "SslSupportMethod": "sni-only",
        "MinimumProtocolVersion": "TLSv1.2_2021",
    }
    assert public_base_url(stack) == f"https://{DOMAIN}"
    assert stack.resolve(base["Outputs"]["PortalBaseUrl"]["Value"]) == f"https://{DOMAIN}"
    # An explicit PublicBaseUrl still wins.
    other = Stack(
        base,
        PortalDomain=DOMAIN,
        PortalCertificateArn=CERT_ARN,
        PublicBaseUrl="https://dvc.example.vn",
    )
    assert public_base_url(other) == "https://dvc.example.vn"


def test_the_web_acl_and_the_domain_are_independent(base):
    only_acl = distribution(Stack(base, EdgeWebAclArn=ACL_ARN))
    assert only_acl["WebACLId"] == ACL_ARN and "Aliases" not in only_acl
    only_domain = Stack(base, PortalDomain=DOMAIN, PortalCertificateArn=CERT_ARN)
    assert "WebACLId" not in distribution(only_domain)
    # A domain without its certificate (or the reverse) is refused by the template's Rules
    # (test_waf_responses.py); were it deployed, it would change nothing.
    for half in ({"PortalDomain": DOMAIN}, {"PortalCertificateArn": CERT_ARN}):
        config = distribution(Stack(base, **half))
        assert "Aliases" not in config
        assert config["ViewerCertificate"] == {"CloudFrontDefaultCertificate": True}
