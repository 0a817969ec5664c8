"""The officers' Cognito user pool on the emulated AWS, from the same template as production
(infra/base.json: attributes, groups, app client), and the local test officers.

Two local differences, both deliberate: the password policy is relaxed so that the documented
password `dvc-local` is accepted (production keeps the template's strict policy), and MFA is
optional instead of required (an officer who set up TOTP is still asked for a code).
Every agency gets one officer per role, `<role>.<agency id>`, with the password `dvc-local`."""

from __future__ import annotations

import json
from pathlib import Path

import boto3

from chalicelib.domain.principal import OFFICER_ROLES
from infra.provision import load_template

PASSWORD = "dvc-local"  # noqa: S105 - the documented password of the local test accounts
LOCAL_PASSWORD_POLICY = {
    "MinimumLength": 8,
    "RequireUppercase": False,
    "RequireLowercase": False,
    "RequireNumbers": False,
    "RequireSymbols": False,
    "TemporaryPasswordValidityDays": 7,
}
POOL_SETTINGS = (
    "AdminCreateUserConfig",
    "AutoVerifiedAttributes",
    "UsernameConfiguration",
    "AccountRecoverySetting",
    "Schema",
)
CLIENT_SETTINGS = (
    "GenerateSecret",
    "ExplicitAuthFlows",
    "PreventUserExistenceErrors",
    "EnableTokenRevocation",
    "AccessTokenValidity",
    "IdTokenValidity",
    "RefreshTokenValidity",
    "TokenValidityUnits",
    "ReadAttributes",
    "WriteAttributes",
)


def officer_username(role: str, agency_id: str) -> str:
    return f"{role}.{agency_id}"


def provision_pool(stage: str = "local", app_name: str = "dvc") -> dict[str, str]:
    """Create the pool, its groups and app client (once); the app's environment for them."""
    resources = load_template()["Resources"]
    idp = boto3.client("cognito-idp")
    name = f"{app_name}-{stage}-officers"
    found = [p for p in idp.list_user_pools(MaxResults=60)["UserPools"] if p["Name"] == name]
    if found:
        pool_id = found[0]["Id"]
        client_id = idp.list_user_pool_clients(UserPoolId=pool_id, MaxResults=10)[
            "UserPoolClients"
        ][0]["ClientId"]
        return {"COGNITO_USER_POOL_ID": pool_id, "COGNITO_CLIENT_ID": client_id}
    template = resources["OfficersUserPool"]["Properties"]
    settings = {k: template[k] for k in POOL_SETTINGS if k in template}
    pool_id = idp.create_user_pool(
        PoolName=name,
        Policies={"PasswordPolicy": LOCAL_PASSWORD_POLICY},
        MfaConfiguration="OFF",
        **settings,
    )["UserPool"]["Id"]
    idp.set_user_pool_mfa_config(
        UserPoolId=pool_id,
        SoftwareTokenMfaConfiguration={"Enabled": True},
        MfaConfiguration="OPTIONAL",
    )
    for resource in resources.values():
        if resource.get("Type") == "AWS::Cognito::UserPoolGroup":
            idp.create_group(UserPoolId=pool_id, GroupName=resource["Properties"]["GroupName"])
    client = resources["OfficersUserPoolClient"]["Properties"]
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName=f"{app_name}-{stage}-officer-web",
        **{k: client[k] for k in CLIENT_SETTINGS if k in client},
    )["UserPoolClient"]["ClientId"]
    return {"COGNITO_USER_POOL_ID": pool_id, "COGNITO_CLIENT_ID": client_id}


def seed_officers(pool_id: str, catalog_file: Path) -> int:
    """`<role>.<agency id>` for every agency of the catalog and every role; how many made."""
    idp = boto3.client("cognito-idp")
    agencies = [a["id"] for a in json.loads(catalog_file.read_text(encoding="utf-8"))["agencies"]]
    made = 0
    for agency in agencies:
        for role in OFFICER_ROLES:
            username = officer_username(role, agency)
            try:
                idp.admin_create_user(
                    UserPoolId=pool_id,
                    Username=username,
                    MessageAction="SUPPRESS",
                    UserAttributes=[
                        {"Name": "email", "Value": f"{username}@example.invalid"},
                        {"Name": "email_verified", "Value": "true"},
                        {"Name": "custom:agency", "Value": agency},
                    ],
                )
            except idp.exceptions.UsernameExistsException:
                continue
            idp.admin_set_user_password(
                UserPoolId=pool_id, Username=username, Password=PASSWORD, Permanent=True
            )
            idp.admin_add_user_to_group(UserPoolId=pool_id, Username=username, GroupName=role)
            made += 1
    return made
