"""CloudFront in front of the API stage (issue 18, cost): the public paths are served from its
cache, keyed on the path and query string only; every other request goes to the app uncached,
with its cookies, headers (but Host) and query string. Read from infra/base.json itself."""

import re

import pytest

from infra.provision import load_template
from tests.cached_routes import CACHED

CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
ALL_VIEWER_EXCEPT_HOST = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
SAMPLE = {"{code}": "1.001193", "{year}": "2026", "{name}": "portal.css"}


@pytest.fixture(scope="module")
def template():
    return load_template()


def of_type(template, kind):
    return {k: r for k, r in template["Resources"].items() if r.get("Type") == kind}


@pytest.fixture(scope="module")
def distribution(template):
    (resource,) = of_type(template, "AWS::CloudFront::Distribution").values()
    return resource["Properties"]["DistributionConfig"]


def routes():
    from app import app  # noqa: F401 - registers every route
    from chalicelib.entrypoints.http import ROUTES

    return {(r.method, r.path) for r in ROUTES}


def behaviour_for(distribution, path):
    """The behaviour CloudFront applies to `path`: the first listed pattern that matches."""
    for behaviour in distribution["CacheBehaviors"]:
        pattern = re.escape(behaviour["PathPattern"]).replace(r"\*", ".*").replace(r"\?", ".")
        if re.fullmatch(pattern, path):
            return behaviour
    return distribution["DefaultCacheBehavior"]


def sample(path):
    for name, value in SAMPLE.items():
        path = path.replace(name, value)
    return re.sub(r"\{[^}]+\}", "x", path)


def test_the_origin_is_the_api_stage_over_https(distribution, template):
    (origin,) = distribution["Origins"]
    assert origin["DomainName"] == {
        "Fn::Sub": "${RestAPI}.execute-api.${AWS::Region}.${AWS::URLSuffix}"
    }
    assert origin["OriginPath"] == {"Fn::Sub": "/${RestAPI.Stage}"}
    assert origin["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"
    behaviours = [distribution["DefaultCacheBehavior"], *distribution["CacheBehaviors"]]
    assert {b["ViewerProtocolPolicy"] for b in behaviours} == {"https-only"}
    assert {b["TargetOriginId"] for b in behaviours} == {origin["Id"]}
    assert template["Outputs"]["PortalDomainName"]["Value"] == {
        "Fn::GetAtt": ["ApiDistribution", "DomainName"]
    }


def test_the_origin_proves_a_request_came_through_the_distribution(distribution, template):
    """X-Origin-Verify carries the generated token of SECRET_ORIGIN, which the API's functions
    may read: only then does the app believe CloudFront-Viewer-Address (entrypoints/viewer.py)."""
    (origin,) = distribution["Origins"]
    (header,) = origin["OriginCustomHeaders"]
    secret = template["Resources"]["OriginSecret"]
    assert header["HeaderName"] == "X-Origin-Verify"
    assert header["HeaderValue"] == {
        "Fn::Sub": "{{resolve:secretsmanager:${OriginSecret}:SecretString:token}}"
    }
    assert secret["Properties"]["GenerateSecretString"]["GenerateStringKey"] == "token"
    assert template["Globals"]["Function"]["Environment"]["Variables"]["SECRET_ORIGIN"] == {
        "Ref": "OriginSecret"
    }
    (read,) = template["Resources"]["OriginSecretPolicy"]["Properties"]["PolicyDocument"][
        "Statement"
    ]
    assert read["Resource"] == {"Ref": "OriginSecret"}
    assert {"Ref": "OriginSecretPolicy"} in template["Resources"]["ApiHandlerRole"]["Properties"][
        "ManagedPolicyArns"
    ]
    # The default behaviour's policy sends CloudFront's own headers (the viewer's address) on.
    assert distribution["DefaultCacheBehavior"]["OriginRequestPolicyId"] == ALL_VIEWER_EXCEPT_HOST


def test_by_default_nothing_is_cached_and_the_request_reaches_the_app_whole(distribution):
    default = distribution["DefaultCacheBehavior"]
    assert default["CachePolicyId"] == CACHING_DISABLED
    assert default["OriginRequestPolicyId"] == ALL_VIEWER_EXCEPT_HOST
    assert set(default["AllowedMethods"]) == {
        "GET",
        "HEAD",
        "OPTIONS",
        "PUT",
        "PATCH",
        "POST",
        "DELETE",
    }


def test_the_cache_keys_on_the_query_string_never_on_cookies_or_authorization(template):
    (policy,) = of_type(template, "AWS::CloudFront::CachePolicy").values()
    config = policy["Properties"]["CachePolicyConfig"]
    assert config["MinTTL"] == 0 and config["DefaultTTL"] == 0  # the app's header decides
    key = config["ParametersInCacheKeyAndForwardedToOrigin"]
    assert key["CookiesConfig"] == {"CookieBehavior": "none"}
    assert key["HeadersConfig"] == {"HeaderBehavior": "none"}
    assert key["QueryStringsConfig"] == {"QueryStringBehavior": "all"}


def test_only_public_routes_are_served_from_the_cache(distribution):
    """Every route a cached behaviour takes is a public GET of tests/cached_routes.py (the
    functional tests check that those answers are the same for everyone); every other route
    keeps the default behaviour's methods, cookies and headers."""
    cached = set()
    for method, path in routes():
        behaviour = behaviour_for(distribution, sample(path))
        if behaviour.get("CachePolicyId") == CACHING_DISABLED:
            assert behaviour.get("OriginRequestPolicyId") == ALL_VIEWER_EXCEPT_HOST, path
            continue
        assert method == "GET" and path in CACHED, (method, path)
        assert behaviour["CachePolicyId"] == {"Ref": "CatalogCachePolicy"}
        assert "OriginRequestPolicyId" not in behaviour, path  # nothing more reaches the app
        assert set(behaviour["AllowedMethods"]) == {"GET", "HEAD", "OPTIONS"}
        cached.add(path)
    # the catalog, its pages, the calendar, the statistics and the static files
    assert cached == set(CACHED) - {"/"}, set(CACHED) - cached
