"""PAdES signing and validation with pyHanko: the only module that imports it.

pyHanko and its certificate validator cost about half a second to import, so this module is
imported only inside the functions that sign or verify (never at cold start of other routes).

A result is signed in one incremental revision that also holds a link annotation to the
verification page; the signature field's visible appearance is pyHanko's QR stamp (the QR code
encodes the same URL). Everything is in the signed revision, so the signature covers the whole
file and any later change shows as a modification.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from pyhanko.keys import load_private_key_from_pemder_data
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name, pdf_string
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko.stamp import QRStampStyle
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator import errors as cv_errors
from pyhanko_certvalidator.registry import SimpleCertificateStore

from chalicelib.integrations import signing
from chalicelib.integrations.signing import AgencyCredential, Trust

FIELD_NAME = "KetQuaDienTu"
# pyHanko's built-in stamp font has no Vietnamese glyphs: the stamp text stays ASCII.
STAMP_TEXT = "Van ban dien tu da ky so\nXac thuc tai: %(url)s\nThoi diem ky: %(ts)s"
STAMP_SIZE = (250, 72)
STAMP_MARGIN = 18


class PdfRejected(Exception):
    """The file cannot be signed: `reason` is `unparsable` or `encrypted`."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class CertificateRejected(Exception):
    """The agency's certificate may not sign now: `expired`, `not_yet_valid`, `revoked`,
    `untrusted`."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Verdict:
    signed: bool
    intact: bool
    trusted: bool
    whole_file: bool
    signed_by: str | None
    signed_at: datetime | None

    @property
    def valid(self) -> bool:
        return self.signed and self.intact and self.trusted and self.whole_file


def _sync(fn, *args, **kwargs):
    """Call one of pyHanko's synchronous functions. They run their own event loop
    (`asyncio.run`), which fails in a thread that already runs one (an async host, a test
    driving a browser): there, the call gets a short-lived thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return fn(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn, *args, **kwargs).result()


def _cert(pem_bytes: bytes) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(pem.unarmor(pem_bytes)[2])


def common_name(certificate_pem: bytes) -> str | None:
    return _cert(certificate_pem).subject.native.get("common_name")


def _der(pem_bytes: bytes) -> bytes:
    return pem.unarmor(pem_bytes)[2]


def _context(trust: Trust, moment: datetime | None = None) -> ValidationContext:
    return ValidationContext(
        trust_roots=[_cert(r) for r in trust.roots],
        crls=[_der(c) for c in trust.crls],
        allow_fetching=False,
        moment=moment,
    )


def open_pdf(data: bytes) -> PdfFileReader:
    """A reader for a PDF that can be signed; PdfRejected otherwise."""
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        encrypted = reader.encrypted
        if not encrypted:
            reader.root["/Pages"]  # noqa: B018 - a PDF without a page tree cannot carry a stamp
    except Exception as exc:  # noqa: BLE001 - any parser failure means "not a usable PDF"
        raise PdfRejected("unparsable") from exc
    if encrypted:
        raise PdfRejected("encrypted")
    return reader


def check_certificate(credential: AgencyCredential, trust: Trust, at: datetime) -> None:
    """Refuse to sign with an expired, not yet valid, revoked or untrusted certificate."""
    validator = CertificateValidator(
        _cert(credential.certificate),
        intermediate_certs=[_cert(c) for c in credential.chain],
        validation_context=_context(trust, at),
    )
    try:
        _sync(asyncio.run, validator.async_validate_usage({"digital_signature"}))
    except cv_errors.RevokedError as exc:
        raise CertificateRejected("revoked") from exc
    except cv_errors.ExpiredError as exc:
        raise CertificateRejected("expired") from exc
    except cv_errors.NotYetValidError as exc:
        raise CertificateRejected("not_yet_valid") from exc
    except (cv_errors.PathError, cv_errors.ValidationError) as exc:
        raise CertificateRejected("untrusted") from exc


class _KmsSigner(signers.Signer):
    """A pyHanko signer whose private key stays in AWS KMS."""

    def __init__(self, key_id: str, certificate, registry):
        super().__init__(signing_cert=certificate, cert_registry=registry)
        self.key_id = key_id

    async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run=False) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        is_ec = mechanism == "ecdsa"
        if dry_run:
            return bytes(72 if is_ec else self.signing_cert.public_key.bit_size // 8)
        suffix = digest_algorithm.upper().replace("SHA", "SHA_")
        algorithm = f"ECDSA_{suffix}" if is_ec else f"RSASSA_PKCS1_V1_5_{suffix}"
        return signing.kms_sign(self.key_id, data, algorithm)


@contextmanager
def _signer(credential: AgencyCredential) -> Iterator[signers.Signer]:
    certificate = _cert(credential.certificate)
    chain = [_cert(c) for c in credential.chain]
    if credential.backend == "kms":
        registry = SimpleCertificateStore.from_certs(chain)
        yield _KmsSigner(credential.kms_key_id, certificate, registry)
    elif credential.backend == "pkcs11":
        from pyhanko.config.pkcs11 import TokenCriteria  # python-pkcs11: only this backend
        from pyhanko.sign import pkcs11

        device = credential.pkcs11
        session = pkcs11.open_pkcs11_session(
            device["module"],
            token_criteria=TokenCriteria(label=device["token_label"]),
            user_pin=device["pin"],
        )
        try:
            yield pkcs11.PKCS11Signer(
                session,
                key_label=device["key_label"],
                signing_cert=certificate,
                ca_chain=chain,
                # Devices differ in hash-and-sign ECDSA mechanisms; plain CKM_ECDSA is universal.
                use_raw_mechanism=certificate.public_key.algorithm == "ec",
            )
        finally:
            session.close()
    else:
        key = load_private_key_from_pemder_data(credential.private_key, passphrase=None)
        yield signers.SimpleSigner(
            signing_cert=certificate,
            signing_key=key,
            cert_registry=SimpleCertificateStore.from_certs(chain),
        )


def sign(
    data: bytes,
    credential: AgencyCredential,
    *,
    url: str,
    reason: str,
    location: str,
) -> bytes:
    """The PDF signed by the agency, with the QR stamp and a link to `url` on its first page."""
    reader = open_pdf(data)
    writer = IncrementalPdfFileWriter.from_reader(reader)
    page_ref, _ = writer.find_page_for_modification(0)
    box = _stamp_box(page_ref.get_object())
    writer.register_annotation(page_ref, writer.add_object(_link(box, url)))
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=location,
    )
    out = io.BytesIO()
    with _signer(credential) as signer:
        pdf_signer = signers.PdfSigner(
            meta,
            signer=signer,
            stamp_style=QRStampStyle(stamp_text=STAMP_TEXT, border_width=0),
            new_field_spec=fields.SigFieldSpec(FIELD_NAME, on_page=0, box=box),
        )
        try:
            _sync(pdf_signer.sign_pdf, writer, output=out, appearance_text_params={"url": url})
        except SigningError as exc:
            raise PdfRejected("unparsable") from exc
    return out.getvalue()


def _stamp_box(page) -> tuple[float, float, float, float]:
    x0, y0, x1, _ = (float(v) for v in page.get("/MediaBox", [0, 0, 595, 842]))
    width, height = STAMP_SIZE
    right = max(x1 - STAMP_MARGIN, x0 + width)
    return (right - width, y0 + STAMP_MARGIN, right, y0 + STAMP_MARGIN + height)


def _link(box, url: str) -> generic.DictionaryObject:
    return generic.DictionaryObject(
        {
            pdf_name("/Type"): pdf_name("/Annot"),
            pdf_name("/Subtype"): pdf_name("/Link"),
            pdf_name("/Rect"): generic.ArrayObject([generic.FloatObject(v) for v in box]),
            pdf_name("/Border"): generic.ArrayObject([generic.NumberObject(0)] * 3),
            pdf_name("/A"): generic.DictionaryObject(
                {pdf_name("/S"): pdf_name("/URI"), pdf_name("/URI"): pdf_string(url)}
            ),
        }
    )


def verify(data: bytes, trust: Trust, moment: datetime | None = None) -> Verdict:
    """Validate the portal's signature in `data` (any file: a stranger's upload too)."""
    unsigned = Verdict(False, False, False, False, None, None)
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        ours = [s for s in reader.embedded_signatures if s.field_name == FIELD_NAME]
    except Exception:  # noqa: BLE001 - a file we cannot read carries no valid signature
        return unsigned
    if not ours:
        return unsigned
    signature = ours[-1]
    try:
        status = _sync(validate_pdf_signature, signature, _context(trust, moment))
    except Exception:  # noqa: BLE001 - a malformed signature is simply not valid
        return unsigned
    subject = signature.signer_cert.subject.native
    return Verdict(
        signed=True,
        intact=bool(status.intact),
        trusted=bool(status.valid and status.trusted and not status.revoked),
        whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        signed_by=subject.get("common_name"),
        signed_at=status.signer_reported_dt,
    )
