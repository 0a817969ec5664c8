"""Settings read lazily from the environment (never at import time).

Chalice's test client sets stage variables only while a request runs, and Lambda containers are
reused, so every value is read through `get_settings()`, cached per process and reset by
`reset_settings()` when the environment changes (tests, the local stack).

Defaults fail closed: without `STAGE` the app is not on the local stage (it behaves as `prod`),
without `AUTH_MODE` tokens are checked against the identity providers' keys (`jwks`). Secrets are
not settings: chalicelib/integrations/secrets.py reads them (Secrets Manager outside local).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache

APP_NAME = "APP_NAME"
STAGE = "STAGE"
LOG_LEVEL = "LOG_LEVEL"  # read once, when the app is imported (chalicelib/logs.py)
AUTH_MODE = "AUTH_MODE"
# The Secrets Manager secret holding the portal's own secrets (chalicelib/integrations/secrets.py).
SECRET_APP = "SECRET_APP"  # noqa: S105 - the variable name, not a secret
# The token CloudFront adds to every request it forwards (chalicelib/entrypoints/viewer.py).
SECRET_ORIGIN = "SECRET_ORIGIN"  # noqa: S105 - the variable name, not a secret
DEFAULT_STAGE = "prod"
DEFAULT_AUTH_MODE = "jwks"
JWKS_URL = "JWKS_URL"
JWT_ISSUER = "JWT_ISSUER"
JWT_AUDIENCE = "JWT_AUDIENCE"
TABLE_CATALOG = "TABLE_CATALOG"
TABLE_DOSSIERS = "TABLE_DOSSIERS"
TABLE_COUNTERS = "TABLE_COUNTERS"
TABLE_IDEMPOTENCY = "TABLE_IDEMPOTENCY"
TABLE_FEEDBACK = "TABLE_FEEDBACK"
TABLE_NOTIFICATIONS = "TABLE_NOTIFICATIONS"
TABLE_STATS = "TABLE_STATS"
TABLE_SESSIONS = "TABLE_SESSIONS"
# Citizens' sign-in (OpenID Connect): the issuer (VNeID / the national portal's single sign-on,
# or the local provider of `make run`) and this portal's client registration there.
OIDC_ISSUER = "OIDC_ISSUER"
OIDC_CLIENT_ID = "OIDC_CLIENT_ID"
OIDC_SCOPES = "OIDC_SCOPES"
# Officers' sign-in: the Cognito user pool and its app client.
COGNITO_USER_POOL_ID = "COGNITO_USER_POOL_ID"
COGNITO_CLIENT_ID = "COGNITO_CLIENT_ID"
SESSION_IDLE_MINUTES = "SESSION_IDLE_MINUTES"
SESSION_MAX_HOURS = "SESSION_MAX_HOURS"
BUCKET_UPLOADS = "BUCKET_UPLOADS"
BUCKET_RESULTS = "BUCKET_RESULTS"
OFFICE_HOURS = "OFFICE_HOURS"
PUBLIC_BASE_URL = "PUBLIC_BASE_URL"
CATALOG_CACHE_SECONDS = "CATALOG_CACHE_SECONDS"
LOOKUP_FAILURES_PER_IP = "LOOKUP_FAILURES_PER_IP"
LOOKUP_FAILURES_PER_CODE = "LOOKUP_FAILURES_PER_CODE"
LOOKUP_FAILURES_PER_CODE_AND_IP = "LOOKUP_FAILURES_PER_CODE_AND_IP"
# Abuse limits of submission and outbound messages (docs/security.md).
SUBMISSIONS_PER_IP = "SUBMISSIONS_PER_IP"
UPLOADS_PER_IP = "UPLOADS_PER_IP"
SUBMISSIONS_PER_PHONE = "SUBMISSIONS_PER_PHONE"
SUBMISSIONS_PER_CITIZEN = "SUBMISSIONS_PER_CITIZEN"
MESSAGES_PER_RECIPIENT = "MESSAGES_PER_RECIPIENT"
# Payments (chalicelib/services/payments/gateway.py): the VNPay terminal comes from these
# variables (local stage) or from the Secrets Manager secret named by SECRET_VNPAY (cloud).
PAYMENT_PROVIDER = "PAYMENT_PROVIDER"
# Results sent by post (chalicelib/services/dossiers/shipments.py): the carrier's order API; with
# no URL on the local stage the stand-in carrier (integrations/fake_carrier.py) answers.
CARRIER_API_URL = "CARRIER_API_URL"
# Decision 766: payments count as "online" only through the channels the index recognises
# (the national payment platform and the gateways connected to it), comma-separated.
ONLINE_PAYMENT_CHANNELS = "ONLINE_PAYMENT_CHANNELS"
# Signed results (chalicelib/integrations/signing.py): where each agency's signing key lives.
SIGNER_BACKEND = "SIGNER_BACKEND"
SIGNING_SECRET_PREFIX = "SIGNING_SECRET_PREFIX"  # noqa: S105 - a name prefix, not a secret
PKCS11_MODULE = "PKCS11_MODULE"
# Uploaded files are released from quarantine only once scanned (integrations/malware_scan.py):
# `guardduty` reads GuardDuty Malware Protection for S3's tag on the object, `fake` (local
# stage) flags the EICAR test file.
MALWARE_SCANNER = "MALWARE_SCANNER"
VNPAY_VARIABLES = (
    "VNPAY_TMN_CODE",
    "VNPAY_HASH_SECRET",
    "VNPAY_PAYMENT_URL",
    "VNPAY_API_URL",
    "SECRET_VNPAY",
)


@dataclass(frozen=True)
class Settings:
    app_name: str
    stage: str
    auth_mode: str
    secret_app: str
    secret_origin: str
    jwks_url: str
    jwt_issuer: str
    jwt_audience: str
    table_catalog: str
    table_dossiers: str
    table_counters: str
    table_idempotency: str
    table_feedback: str
    table_notifications: str
    table_stats: str
    table_sessions: str
    bucket_uploads: str
    bucket_results: str
    office_hours: str
    public_base_url: str
    catalog_cache_seconds: float
    lookup_failures_per_ip: int
    lookup_failures_per_code: int
    lookup_failures_per_code_and_ip: int
    submissions_per_ip: int
    submissions_per_phone: int
    submissions_per_citizen: int
    messages_per_recipient: int
    uploads_per_ip: int = 200
    oidc_issuer: str = ""
    oidc_client_id: str = ""
    oidc_scopes: str = "openid profile phone address"
    cognito_user_pool_id: str = ""
    cognito_client_id: str = ""
    session_idle_seconds: int = 30 * 60
    session_max_seconds: int = 12 * 3600
    payment_provider: str = "vnpay"
    online_payment_channels: tuple[str, ...] = ("vnpay",)
    signer_backend: str = "local"
    signing_secret_prefix: str = ""
    pkcs11_module: str = ""
    vnpay: dict = field(default_factory=dict, repr=False)
    carrier_api_url: str = ""
    malware_scanner: str = "guardduty"

    @property
    def is_local(self) -> bool:
        return self.stage == "local"


def _env(name: str, default: str) -> str:
    return os.environ.get(name) or default


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    app = _env(APP_NAME, "dvc")
    stage = _env(STAGE, DEFAULT_STAGE)
    prefix = f"{app}-{stage}"
    return Settings(
        app_name=app,
        stage=stage,
        auth_mode=_env(AUTH_MODE, DEFAULT_AUTH_MODE),
        secret_app=_env(SECRET_APP, ""),
        secret_origin=_env(SECRET_ORIGIN, ""),
        jwks_url=_env(JWKS_URL, ""),
        jwt_issuer=_env(JWT_ISSUER, f"{prefix}-local-issuer"),
        jwt_audience=_env(JWT_AUDIENCE, "dvc-portal"),
        table_catalog=_env(TABLE_CATALOG, f"{prefix}-catalog"),
        table_dossiers=_env(TABLE_DOSSIERS, f"{prefix}-dossiers"),
        table_counters=_env(TABLE_COUNTERS, f"{prefix}-counters"),
        table_idempotency=_env(TABLE_IDEMPOTENCY, f"{prefix}-idempotency"),
        table_feedback=_env(TABLE_FEEDBACK, f"{prefix}-feedback"),
        table_notifications=_env(TABLE_NOTIFICATIONS, f"{prefix}-notifications"),
        table_stats=_env(TABLE_STATS, f"{prefix}-stats"),
        table_sessions=_env(TABLE_SESSIONS, f"{prefix}-sessions"),
        bucket_uploads=_env(BUCKET_UPLOADS, f"{prefix}-uploads-123456789012"),
        bucket_results=_env(BUCKET_RESULTS, f"{prefix}-results-123456789012"),
        office_hours=_env(OFFICE_HOURS, "07:00-11:30,13:30-17:00"),
        public_base_url=_env(PUBLIC_BASE_URL, "").rstrip("/"),
        catalog_cache_seconds=float(_env(CATALOG_CACHE_SECONDS, "30")),
        lookup_failures_per_ip=int(_env(LOOKUP_FAILURES_PER_IP, "20")),
        lookup_failures_per_code=int(_env(LOOKUP_FAILURES_PER_CODE, "30")),
        lookup_failures_per_code_and_ip=int(_env(LOOKUP_FAILURES_PER_CODE_AND_IP, "5")),
        submissions_per_ip=int(_env(SUBMISSIONS_PER_IP, "20")),
        submissions_per_phone=int(_env(SUBMISSIONS_PER_PHONE, "5")),
        submissions_per_citizen=int(_env(SUBMISSIONS_PER_CITIZEN, "30")),
        messages_per_recipient=int(_env(MESSAGES_PER_RECIPIENT, "20")),
        uploads_per_ip=int(_env(UPLOADS_PER_IP, "200")),
        oidc_issuer=_env(OIDC_ISSUER, "").rstrip("/"),
        oidc_client_id=_env(OIDC_CLIENT_ID, ""),
        oidc_scopes=_env(OIDC_SCOPES, "openid profile phone address"),
        cognito_user_pool_id=_env(COGNITO_USER_POOL_ID, ""),
        cognito_client_id=_env(COGNITO_CLIENT_ID, ""),
        session_idle_seconds=int(float(_env(SESSION_IDLE_MINUTES, "30")) * 60),
        session_max_seconds=int(float(_env(SESSION_MAX_HOURS, "12")) * 3600),
        payment_provider=_env(PAYMENT_PROVIDER, "vnpay"),
        online_payment_channels=tuple(
            c.strip() for c in _env(ONLINE_PAYMENT_CHANNELS, "vnpay").split(",") if c.strip()
        ),
        vnpay={name: _env(name, "") for name in VNPAY_VARIABLES},
        carrier_api_url=_env(CARRIER_API_URL, "").rstrip("/"),
        signer_backend=_env(SIGNER_BACKEND, "local"),
        signing_secret_prefix=_env(SIGNING_SECRET_PREFIX, f"{app}/{stage}/signing/"),
        pkcs11_module=_env(PKCS11_MODULE, ""),
        malware_scanner=_env(MALWARE_SCANNER, "guardduty"),
    )


def reset_settings() -> None:
    get_settings.cache_clear()


def aws_region() -> str:
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "ap-southeast-1"
