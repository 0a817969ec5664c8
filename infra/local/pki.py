"""A local certificate authority for signed results: `make run` (and the tests) create a CA and
one certificate per agency in the emulated AWS, in the places the signer port reads
(chalicelib/integrations/signing.py): certificates and the trust list in the results bucket
under `pki/`, private keys in Secrets Manager. Nothing here is packaged or used in the cloud,
where certificates come from the agencies' certification authority and keys stay in KMS.

    python -m infra.local.pki revoke <agency id>   # against a running `make run`
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

CA_NAME = "CA thử nghiệm Cổng DVC"
CA_SECRET = "ca"  # noqa: S105 - the name of the CA's secret, not a secret
CRL_URL = "http://ca.dvc.invalid/crl.der"


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Cổng DVC (môi trường thử nghiệm)"),
            x509.NameAttribute(NameOID.COMMON_NAME, _fit(common_name)),
        ]
    )


def _fit(text: str, limit: int = 64) -> str:
    """X.509 limits a common name to 64 bytes of UTF-8 (Vietnamese letters take 2-3)."""
    while len(text.encode()) > limit:
        text = text[:-1]
    return text


def _pem_key(key) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def _pem(item) -> str:
    return item.public_bytes(serialization.Encoding.PEM).decode()


def _usage(ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not ca,
        content_commitment=not ca,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def _crl_point() -> x509.CRLDistributionPoints:
    """Where the CA's revocation list is published; validators read the copy in pki/trust.json."""
    return x509.CRLDistributionPoints(
        [
            x509.DistributionPoint(
                full_name=[x509.UniformResourceIdentifier(CRL_URL)],
                relative_name=None,
                reasons=None,
                crl_issuer=None,
            )
        ]
    )


def _put_secret(secrets, name: str, value: dict) -> None:
    try:
        secrets.create_secret(Name=name, SecretString=json.dumps(value))
    except secrets.exceptions.ResourceExistsException:
        secrets.put_secret_value(SecretId=name, SecretString=json.dumps(value))


class LocalCA:
    """The CA's key and certificate, and what it has revoked, in the emulated AWS."""

    def __init__(self):
        import boto3

        from chalicelib.config import get_settings

        settings = get_settings()
        self.bucket = settings.bucket_results
        self.prefix = settings.signing_secret_prefix
        self.s3 = boto3.client("s3")
        self.secrets = boto3.client("secretsmanager")

    def create(self) -> None:
        now = datetime.now(UTC)
        key = ec.generate_private_key(ec.SECP256R1())
        cert = (
            x509.CertificateBuilder()
            .subject_name(_name(CA_NAME))
            .issuer_name(_name(CA_NAME))
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(_usage(ca=True), critical=True)
            .sign(key, hashes.SHA256())
        )
        _put_secret(
            self.secrets,
            self.prefix + CA_SECRET,
            {"private_key": _pem_key(key), "certificate": _pem(cert), "revoked": []},
        )
        self._publish_trust()

    def _ca(self):
        data = json.loads(
            self.secrets.get_secret_value(SecretId=self.prefix + CA_SECRET)["SecretString"]
        )
        key = serialization.load_pem_private_key(data["private_key"].encode(), None)
        return data, key, x509.load_pem_x509_certificate(data["certificate"].encode())

    def issue(
        self,
        agency_id: str,
        agency_name: str,
        *,
        public_key=None,
        kms_key_id: str | None = None,
        valid_from: datetime | None = None,
        valid_until: datetime | None = None,
    ) -> None:
        """A certificate for the agency: for a new local key (stored in Secrets Manager), or for
        `public_key` whose private half is the KMS key `kms_key_id`."""
        _, ca_key, ca_cert = self._ca()
        now = datetime.now(UTC)
        key = None if public_key is not None else ec.generate_private_key(ec.SECP256R1())
        cert = (
            x509.CertificateBuilder()
            .subject_name(_name(agency_name))
            .issuer_name(ca_cert.subject)
            .public_key(public_key if public_key is not None else key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(valid_from or now - timedelta(days=1))
            .not_valid_after(valid_until or now + timedelta(days=3 * 365))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_usage(ca=False), critical=True)
            .add_extension(_crl_point(), critical=False)
            .sign(ca_key, hashes.SHA256())
        )
        if key is not None:
            _put_secret(self.secrets, self.prefix + agency_id, {"private_key": _pem_key(key)})
        material = {"certificate": _pem(cert), "chain": [_pem(ca_cert)]}
        if kms_key_id:
            material["kms_key_id"] = kms_key_id
        self.s3.put_object(
            Bucket=self.bucket,
            Key=f"pki/agencies/{agency_id}.json",
            Body=json.dumps(material).encode(),
            ContentType="application/json",
        )

    def revoke(self, agency_id: str) -> None:
        """Put the agency's current certificate on the CA's revocation list."""
        body = self.s3.get_object(Bucket=self.bucket, Key=f"pki/agencies/{agency_id}.json")
        cert = x509.load_pem_x509_certificate(
            json.loads(body["Body"].read())["certificate"].encode()
        )
        data, _, _ = self._ca()
        data["revoked"] = sorted({*data["revoked"], cert.serial_number})
        _put_secret(self.secrets, self.prefix + CA_SECRET, data)
        self._publish_trust()

    def _publish_trust(self) -> None:
        data, key, cert = self._ca()
        now = datetime.now(UTC)
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(cert.subject)
            .last_update(now - timedelta(minutes=5))
            .next_update(now + timedelta(days=30))
        )
        for serial in data["revoked"]:
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder()
                .serial_number(serial)
                .revocation_date(now - timedelta(minutes=1))
                .build()
            )
        crl = builder.sign(key, hashes.SHA256())
        trust = {"roots": [_pem(cert)], "crls": [_pem(crl)]}
        self.s3.put_object(
            Bucket=self.bucket,
            Key="pki/trust.json",
            Body=json.dumps(trust).encode(),
            ContentType="application/json",
        )


def provision(agencies: list[dict]) -> None:
    """A CA and a certificate for every agency (`{"id", "name"}`) of the catalog."""
    ca = LocalCA()
    ca.create()
    for agency in agencies:
        ca.issue(agency["id"], agency["name"])


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] != "revoke":
        print(__doc__)
        return 2
    LocalCA().revoke(argv[1])
    print(f"revoked the certificate of {argv[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
