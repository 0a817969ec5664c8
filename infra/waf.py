"""Compare the web ACLs' managed rule groups with the rules AWS serves in them now.

In the IP reputation list and the Core rule set, each rule that blocks is named in the group's
RuleActionOverrides so that it blocks with the portal's JSON answer (DEPLOY.md section 5a). A
rule AWS adds to such a group would block with WAF's default page instead: this lists it, an
override naming a rule the group no longer has, and a rule the ACLs block although AWS now only
counts it. Groups that only count (Known bad inputs, blocked through a label match) need no
names. Needs AWS credentials (wafv2:DescribeManagedRuleGroup).
CLI: python -m infra.waf [--region ap-southeast-1]   (exit status 1 when something differs)"""

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3

from infra.provision import REGION, TEMPLATE

EDGE_TEMPLATE = Path(__file__).with_name("edge.json")
EDGE_REGION = "us-east-1"  # a CLOUDFRONT web ACL and its managed groups live there
# (template, web ACL resource, scope, region or None for the stack's own)
ACLS = (
    (TEMPLATE, "ApiWebAcl", "REGIONAL", None),
    (EDGE_TEMPLATE, "EdgeWebAcl", "CLOUDFRONT", EDGE_REGION),
)


def problems(acl: dict[str, Any], served: Callable[[str], dict[str, dict]]) -> list[str]:
    """What differs between the ACL's overrides and `served(group)`: {rule name: its action}."""
    found = []
    for rule in acl["Rules"]:
        group = rule["Statement"].get("ManagedRuleGroupStatement")
        if group is None or rule.get("OverrideAction") == {"Count": {}}:
            continue
        name = group["Name"]
        overrides = {o["Name"]: o["ActionToUse"] for o in group.get("RuleActionOverrides", [])}
        actions = served(name)
        found += [
            f"{name}: {r} is overridden but the group has no such rule"
            for r in sorted(overrides.keys() - actions.keys())
        ]
        for r, action in sorted(actions.items()):
            if "Block" in action and r not in overrides:
                found.append(
                    f"{name}: {r} blocks with WAF's default answer: add it to the "
                    "RuleActionOverrides of both web ACLs"
                )
            elif "Block" not in action and "Block" in overrides.get(r, {}):
                found.append(f"{name}: AWS now only counts {r}, which the web ACLs block")
    return found


def main(argv: list[str] | None = None) -> int:
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--region", default=REGION, help="the main stack's region")
    args = cli.parse_args(argv)
    found = []
    for template, resource, scope, region in ACLS:
        acl = json.loads(template.read_text(encoding="utf-8"))["Resources"][resource]["Properties"]
        client = boto3.client("wafv2", region_name=region or args.region)

        def served(name: str, client=client, scope=scope) -> dict[str, dict]:
            answer = client.describe_managed_rule_group(VendorName="AWS", Name=name, Scope=scope)
            return {r["Name"]: r["Action"] for r in answer["Rules"]}

        found += [f"{resource}: {p}" for p in problems(acl, served)]
    print("\n".join(found) or "The web ACLs name every blocking rule of their managed groups.")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
