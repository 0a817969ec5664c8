"""The signer port: each agency's signing certificate and the key that signs with it.

Nothing secret travels in the Lambda package or its environment. Public material lives in the
results bucket under `pki/`:

    pki/trust.json                  {"roots": [PEM, ...], "crls": [PEM, ...]}  what verification
                                    trusts, and the revocation lists it checks
    pki/agencies/<agency id>.json   {"certificate": PEM, "chain": [PEM, ...], "kms_key_id"?}

The private key depends on `SIGNER_BACKEND`:

- `local`: a PEM key in the Secrets Manager secret `<SIGNING_SECRET_PREFIX><agency id>`
  (`{"private_key": PEM}`). `make run` creates a local CA and one certificate per agency
  (infra/local/pki.py) in the emulated AWS.
- `kms`: an asymmetric AWS KMS key (`ECC_NIST_P256` or `RSA_2048`, usage `SIGN_VERIFY`) named by
  `kms_key_id`; the key never leaves KMS, the portal only asks it to sign a digest.
- `pkcs11`: a key on a PKCS#11 device (an HSM) labelled `pkcs11_key_label` (default: the agency
  id), through the module at `PKCS11_MODULE`; the token's label and user PIN come from the
  secret `<SIGNING_SECRET_PREFIX>pkcs11` (`{"token_label", "pin"}`).

Material is cached per container for a few minutes, so a revoked or renewed certificate is
picked up without a deploy.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

from chalicelib.config import get_settings
from chalicelib.domain.errors import InvalidTransition
from chalicelib.integrations import secrets, storage
from chalicelib.integrations.aws import client

PKI_PREFIX = "pki/"
TRUST_KEY = f"{PKI_PREFIX}trust.json"
CACHE_SECONDS = 300
BACKENDS = ("local", "kms", "pkcs11")
PKCS11_SECRET = "pkcs11"  # noqa: S105 - the secret's name, not a secret


@dataclass(frozen=True)
class Trust:
    roots: tuple[bytes, ...]  # PEM
    crls: tuple[bytes, ...]  # PEM


@dataclass(frozen=True)
class AgencyCredential:
    agency_id: str
    certificate: bytes  # PEM
    chain: tuple[bytes, ...]  # PEM, issuer first
    backend: str
    private_key: bytes | None = None  # PEM, `local` backend only
    kms_key_id: str | None = None
    pkcs11: dict | None = None  # {"module", "token_label", "pin", "key_label"}, `pkcs11` only


_cache: dict[str, tuple[float, object]] = {}


def _cached(name: str, load):
    hit = _cache.get(name)
    if hit and time.monotonic() - hit[0] < CACHE_SECONDS:
        return hit[1]
    value = load()
    _cache[name] = (time.monotonic(), value)
    return value


def forget() -> None:
    """Drop cached material (after a certificate is issued, renewed or revoked)."""
    _cache.clear()


def agency_key(agency_id: str) -> str:
    return f"{PKI_PREFIX}agencies/{agency_id}.json"


def _read_json(key: str) -> dict | None:
    body = storage.read(get_settings().bucket_results, key)
    return json.loads(body) if body is not None else None


def trust() -> Trust:
    def load() -> Trust:
        data = _read_json(TRUST_KEY) or {}
        return Trust(
            tuple(p.encode() for p in data.get("roots", [])),
            tuple(p.encode() for p in data.get("crls", [])),
        )

    return _cached(TRUST_KEY, load)


def credential(agency_id: str) -> AgencyCredential:
    """The agency's certificate and key reference; INVALID_TRANSITION when it has none."""
    settings = get_settings()
    backend = settings.signer_backend
    if backend not in BACKENDS:
        raise ValueError(f"SIGNER_BACKEND must be one of {BACKENDS}")

    def load() -> AgencyCredential:
        data = _read_json(agency_key(agency_id))
        if not data:
            raise InvalidTransition(
                "Cơ quan chưa được cấp chứng thư số để ký kết quả điện tử; vui lòng liên hệ "
                "quản trị hệ thống."
            )
        private_key, pkcs11 = None, None
        if backend == "local":
            secret = _secret(settings.signing_secret_prefix + agency_id)
            private_key = secret["private_key"].encode()
        if backend == "pkcs11":
            token = _secret(settings.signing_secret_prefix + PKCS11_SECRET)
            pkcs11 = {
                "module": settings.pkcs11_module,
                "token_label": token["token_label"],
                "pin": token["pin"],
                "key_label": data.get("pkcs11_key_label", agency_id),
            }
        return AgencyCredential(
            agency_id=agency_id,
            certificate=data["certificate"].encode(),
            chain=tuple(p.encode() for p in data.get("chain", [])),
            backend=backend,
            private_key=private_key,
            kms_key_id=data.get("kms_key_id"),
            pkcs11=pkcs11,
        )

    return _cached(f"agency:{backend}:{agency_id}", load)


def _secret(name: str) -> dict:
    return secrets.fetch_json(name)


def kms_sign(key_id: str, message: bytes, algorithm: str) -> bytes:
    """KMS signs `message` (it hashes it itself: MessageType RAW, at most 4 KB)."""
    answer = client("kms").sign(
        KeyId=key_id, Message=message, MessageType="RAW", SigningAlgorithm=algorithm
    )
    return answer["Signature"]
