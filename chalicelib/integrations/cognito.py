"""The officers' Cognito user pool: sign-in with its challenges, refresh, sign-out, token
verification against the pool's JWKS, and the account administration the portal needs.

Locally the pool is moto's Cognito on the emulated AWS (`make run`); the same boto3 calls run
in production. The pool's JWKS is fetched over httpx (transport injectable): from Cognito's
public endpoint in the cloud, from the emulator when AWS_ENDPOINT_URL points at one.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import jwt

from chalicelib.domain.principal import OFFICER_ROLES
from chalicelib.integrations.aws import client as aws_client

TIMEOUT_SECONDS, CONNECT_SECONDS = 10.0, 3.0
JWKS_SECONDS = 3600
AGENCY_ATTRIBUTE = "custom:agency"


class CognitoError(Exception):
    """`reason`: wrong_credentials, disabled, password_rejected, code_mismatch, expired,
    not_found, exists, bad_token."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Tokens:
    id_token: str
    access_token: str
    refresh_token: str
    expires_at: int


@dataclass(frozen=True)
class Answer:
    """What the pool said to a sign-in step: tokens, or the next challenge to answer."""

    tokens: Tokens | None = None
    challenge: str | None = None
    session: str | None = None
    parameters: dict[str, Any] = field(default_factory=dict)


def region() -> str:
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "ap-southeast-1"


def issuer(pool_id: str) -> str:
    """Cognito's issuer is always the AWS form, even when the emulator serves the pool."""
    return f"https://cognito-idp.{region()}.amazonaws.com/{pool_id}"


def jwks_url(pool_id: str) -> str:
    endpoint = os.environ.get("AWS_ENDPOINT_URL_COGNITO_IDP") or os.environ.get("AWS_ENDPOINT_URL")
    base = f"{endpoint.rstrip('/')}/{pool_id}" if endpoint else issuer(pool_id)
    return f"{base}/.well-known/jwks.json"


_ERRORS = {
    "NotAuthorizedException": "wrong_credentials",
    "UserNotFoundException": "wrong_credentials",
    "PasswordResetRequiredException": "wrong_credentials",
    "UserNotConfirmedException": "wrong_credentials",
    "InvalidParameterException": "wrong_credentials",
    "InvalidPasswordException": "password_rejected",
    "CodeMismatchException": "code_mismatch",
    "ExpiredCodeException": "expired",
    "ResourceNotFoundException": "expired",
    "UsernameExistsException": "exists",
}


def _reason(exc: Exception) -> str | None:
    code = getattr(exc, "response", {}).get("Error", {}).get("Code")
    if code == "NotAuthorizedException" and "disabled" in str(exc).lower():
        return "disabled"
    return _ERRORS.get(code)


class OfficerPool:
    def __init__(self, pool_id: str, client_id: str, transport=None) -> None:
        self.pool_id = pool_id
        self.client_id = client_id
        self._transport = transport
        self._jwks: dict | None = None
        self._jwks_at = 0.0

    @property
    def _idp(self):
        return aws_client("cognito-idp")

    def _call(self, method: str, **kwargs) -> dict:
        try:
            return getattr(self._idp, method)(**kwargs)
        except Exception as exc:
            reason = _reason(exc)
            if reason is None:
                raise
            raise CognitoError(reason) from None

    def _answer(self, answer: dict, refresh_token: str | None = None) -> Answer:
        result = answer.get("AuthenticationResult")
        if result:
            return Answer(
                tokens=Tokens(
                    id_token=result["IdToken"],
                    access_token=result["AccessToken"],
                    refresh_token=result.get("RefreshToken") or refresh_token or "",
                    expires_at=int(time.time()) + int(result.get("ExpiresIn", 3600)),
                )
            )
        return Answer(
            challenge=answer.get("ChallengeName"),
            session=answer.get("Session"),
            parameters=answer.get("ChallengeParameters") or {},
        )

    # ---- sign-in --------------------------------------------------------------------------
    def sign_in(self, username: str, password: str) -> Answer:
        return self._answer(
            self._call(
                "initiate_auth",
                ClientId=self.client_id,
                AuthFlow="USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": username, "PASSWORD": password},
            )
        )

    def answer_challenge(self, name: str, session: str, username: str, value: str) -> Answer:
        field_name = {"NEW_PASSWORD_REQUIRED": "NEW_PASSWORD"}.get(name, f"{name}_CODE")
        return self._answer(
            self._call(
                "respond_to_auth_challenge",
                ClientId=self.client_id,
                ChallengeName=name,
                Session=session,
                ChallengeResponses={"USERNAME": username, field_name: value},
            )
        )

    def start_totp_setup(self, session: str) -> tuple[str, str]:
        """(the authenticator secret, the next challenge session) for the MFA_SETUP challenge."""
        answer = self._call("associate_software_token", Session=session)
        return answer["SecretCode"], answer.get("Session") or session

    def finish_totp_setup(self, session: str, username: str, code: str) -> Answer:
        """Check the first code of the new authenticator, then finish the sign-in."""
        verified = self._call("verify_software_token", Session=session, UserCode=code)
        if verified.get("Status") != "SUCCESS":
            raise CognitoError("code_mismatch")
        return self._answer(
            self._call(
                "respond_to_auth_challenge",
                ClientId=self.client_id,
                ChallengeName="MFA_SETUP",
                Session=verified.get("Session") or session,
                ChallengeResponses={"USERNAME": username},
            )
        )

    def refresh(self, refresh_token: str) -> Tokens:
        answer = self._answer(
            self._call(
                "initiate_auth",
                ClientId=self.client_id,
                AuthFlow="REFRESH_TOKEN_AUTH",
                AuthParameters={"REFRESH_TOKEN": refresh_token},
            ),
            refresh_token,
        )
        if answer.tokens is None:
            raise CognitoError("expired")
        return answer.tokens

    def sign_out(self, access_token: str) -> None:
        """Revoke the officer's tokens (GlobalSignOut: the refresh token stops working)."""
        self._call("global_sign_out", AccessToken=access_token)

    # ---- tokens ---------------------------------------------------------------------------
    def _key_set(self, refresh: bool = False) -> jwt.PyJWKSet:
        import jwt  # PyJWT and cryptography load with the first sign-in, not at cold start

        if refresh or self._jwks is None or time.monotonic() - self._jwks_at > JWKS_SECONDS:
            import httpx  # only a key refresh calls out (cold start)

            timeout = httpx.Timeout(TIMEOUT_SECONDS, connect=CONNECT_SECONDS)
            try:
                with httpx.Client(timeout=timeout, transport=self._transport) as http:
                    answer = http.get(jwks_url(self.pool_id))
                answer.raise_for_status()
                self._jwks, self._jwks_at = answer.json(), time.monotonic()
            except (httpx.HTTPError, ValueError):
                raise CognitoError("bad_token") from None
        return jwt.PyJWKSet.from_dict(self._jwks)

    def verify(self, id_token: str) -> dict:
        """Claims of an ID token of this pool for this app client (signature, iss, aud, exp)."""
        import jwt

        try:
            kid = jwt.get_unverified_header(id_token).get("kid")
            keys = self._key_set()
            if kid not in {k.key_id for k in keys.keys}:
                keys = self._key_set(refresh=True)
            claims = jwt.decode(
                id_token,
                keys[kid].key,
                algorithms=["RS256"],
                audience=self.client_id,
                issuer=issuer(self.pool_id),
                options={"require": ["exp", "iat", "sub", "iss", "aud"]},
                leeway=30,
            )
        except (jwt.PyJWTError, KeyError):
            raise CognitoError("bad_token") from None
        if claims.get("token_use") != "id":
            raise CognitoError("bad_token")
        return claims

    # ---- administration -------------------------------------------------------------------
    def officer(self, username: str) -> dict:
        """{username, agency, role, enabled, status}."""
        user = self._call("admin_get_user", UserPoolId=self.pool_id, Username=username)
        attributes = {a["Name"]: a["Value"] for a in user.get("UserAttributes", [])}
        groups = self._call(
            "admin_list_groups_for_user", UserPoolId=self.pool_id, Username=username
        )["Groups"]
        return {
            "username": user["Username"],
            "agency": attributes.get(AGENCY_ATTRIBUTE),
            "role": next((g["GroupName"] for g in groups if g["GroupName"] in OFFICER_ROLES), None),
            "enabled": user.get("Enabled", True),
            "status": user.get("UserStatus"),
        }

    def create_officer(
        self, username: str, email: str, agency: str, role: str, password: str | None = None
    ) -> None:
        """A new officer; with `password` it is permanent (local test accounts), otherwise
        Cognito e-mails a temporary one and asks for a new password at first sign-in."""
        attributes = [
            {"Name": "email", "Value": email},
            {"Name": "email_verified", "Value": "true"},
            {"Name": AGENCY_ATTRIBUTE, "Value": agency},
        ]
        options: dict[str, Any] = {}
        if password:
            options["MessageAction"] = "SUPPRESS"
        self._call(
            "admin_create_user",
            UserPoolId=self.pool_id,
            Username=username,
            UserAttributes=attributes,
            DesiredDeliveryMediums=["EMAIL"],
            **options,
        )
        if password:
            self._call(
                "admin_set_user_password",
                UserPoolId=self.pool_id,
                Username=username,
                Password=password,
                Permanent=True,
            )
        self.set_role(username, role, None)

    def set_role(self, username: str, role: str, previous: str | None) -> None:
        if previous and previous != role:
            self._call(
                "admin_remove_user_from_group",
                UserPoolId=self.pool_id,
                Username=username,
                GroupName=previous,
            )
        self._call(
            "admin_add_user_to_group", UserPoolId=self.pool_id, Username=username, GroupName=role
        )

    def disable(self, username: str) -> None:
        self._call("admin_disable_user", UserPoolId=self.pool_id, Username=username)
        self._call("admin_user_global_sign_out", UserPoolId=self.pool_id, Username=username)

    def enable(self, username: str) -> None:
        self._call("admin_enable_user", UserPoolId=self.pool_id, Username=username)


@lru_cache(maxsize=4)
def pool(pool_id: str, client_id: str, transport=None) -> OfficerPool:
    return OfficerPool(pool_id, client_id, transport)
