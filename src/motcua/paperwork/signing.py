"""PAdES signatures on electronic results with the signing unit's certificate.

Decree 45/2020 Art. 17 and Decree 30/2020 Art. 8: an electronic result carries the digital signature of the
agency that issues it, and has the legal value of the paper result. Each unit's certificate and private key
live in one PKCS#12 file in `MOTCUA_CERT_DIR`, named by the unit's agency code (`H12.04.p12`), all protected
by `MOTCUA_CERT_PASSPHRASE`. A province puts the certificates issued by its trust service provider there;
the demo creates its own root CA and one certificate per unit, marked "DEMO — không có giá trị pháp lý" in
their subjects so that nobody mistakes a demo result for a real one.

Certificates a verifier trusts are the PEM/DER files in `MOTCUA_CERT_DIR/trust/` and those listed in
`MOTCUA_TRUST_ROOTS` (see `verify.py`)."""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from motcua.core.exceptions import DomainError, ValidationFailed

logger = logging.getLogger(__name__)


def outside_event_loop(function, *args, **kwargs):
    """Call `function` where pyHanko's synchronous API may start its own event loop. Its sync wrappers call
    `asyncio.run`, which fails in a thread whose loop is already running (an async server, or a test process
    in which Playwright's sync API runs one): there, the call goes to a short-lived worker thread."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args, **kwargs).result()


DEMO_MARK = "DEMO — không có giá trị pháp lý"
DEMO_CA_NAME = "motcua DEMO Root CA"
DEMO_CA_STEM = "demo-root-ca"
TRUST_DIR_NAME = "trust"
SIGNATURE_FIELD = "KetQuaDienTu"
# X.520 upper bound for a common name (RFC 5280 ub-common-name); cryptography refuses longer values.
_COMMON_NAME_MAX = 64
_CA_YEARS = 20
_UNIT_YEARS = 10
# Demo certificates start in the past so that the demo's historical dossiers (and tests run at a fixed date)
# fall inside their validity.
_BACKDATE = dt.timedelta(days=5 * 365)
# Errors about the PDF point at the upload field of the attach form.
_FILE_DETAILS = {"file": "Chọn tệp PDF khác."}


class CertificateMissing(DomainError):
    """No certificate is installed for the unit that must sign."""

    code = "certificate_missing"
    http_status = 409


@dataclass(frozen=True)
class SignedPdf:
    content: bytes
    signer_subject: str
    signed_at: dt.datetime


# --- where the certificates are ----------------------------------------------------------------------------
def certificate_dir() -> Path:
    return Path(settings.MOTCUA_CERT_DIR)


def unit_certificate_path(unit) -> Path:
    return certificate_dir() / f"{unit.agency_code}.p12"


def unit_has_certificate(unit) -> bool:
    return unit is not None and unit_certificate_path(unit).is_file()


def _passphrase() -> bytes:
    return settings.MOTCUA_CERT_PASSPHRASE.encode()


def trust_root_files() -> list[Path]:
    """The certificate files a verifier trusts: `trust/` in the certificate folder, then MOTCUA_TRUST_ROOTS."""
    files: list[Path] = []
    trust_dir = certificate_dir() / TRUST_DIR_NAME
    if trust_dir.is_dir():
        files += sorted(
            p
            for p in trust_dir.iterdir()
            if p.is_file() and p.suffix.lower() in {".pem", ".crt", ".cer", ".der"}
        )
    files += [Path(p) for p in getattr(settings, "MOTCUA_TRUST_ROOTS", [])]
    return files


def trust_roots() -> list[asn1_x509.Certificate]:
    roots = []
    for path in trust_root_files():
        try:
            roots += _certificates_in(path.read_bytes())
        except (OSError, ValueError):
            # A broken trust file must not make every result look valid or every page fail: it is skipped
            # and logged (the file name only).
            logger.warning("results: trust root %s could not be read", path.name)
    return roots


def _certificates_in(data: bytes) -> list[asn1_x509.Certificate]:
    if b"-----BEGIN CERTIFICATE-----" in data:
        loaded = x509.load_pem_x509_certificates(data)
    else:
        loaded = [x509.load_der_x509_certificate(data)]
    return [asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in loaded]


# --- signing -------------------------------------------------------------------------------------------------
def _signer_for(unit):
    from pyhanko.sign import signers

    path = unit_certificate_path(unit)
    if not path.is_file():
        raise CertificateMissing(
            f"Chưa có chứng thư số của {unit.name} ({unit.agency_code}). "
            "Đề nghị quản trị hệ thống cài đặt chứng thư số cho đơn vị."
        )
    try:
        return signers.SimpleSigner.load_pkcs12_data(
            path.read_bytes(), other_certs=[], passphrase=_passphrase()
        )
    except (ValueError, OSError) as error:
        logger.error("results: certificate of unit %s could not be opened", unit.agency_code)
        raise CertificateMissing(
            f"Không mở được chứng thư số của {unit.name} (sai mật khẩu hoặc tệp hỏng). "
            "Đề nghị quản trị hệ thống kiểm tra."
        ) from error


def pdf_sign(*, pdf: bytes, unit, reason: str, location: str = "") -> SignedPdf:
    """`pdf` signed (PAdES baseline B, ETSI.CAdES.detached) with `unit`'s certificate.

    A PDF that carries no signature yet gets a certification signature that allows no change at all: whoever
    edits the result afterwards breaks it visibly. A PDF already signed (by the leader's own token, say) gets
    an approval signature after the existing ones."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign import fields, signers
    from pyhanko.sign.fields import MDPPerm
    from pyhanko.sign.validation import read_certification_data

    signer = _signer_for(unit)
    try:
        reader = PdfFileReader(BytesIO(pdf), strict=False)
        if reader.encrypted:
            raise ValidationFailed(
                "Tệp PDF đang được đặt mật khẩu; hãy dùng bản PDF không mã hóa.", details=_FILE_DETAILS
            )
        already_signed = bool(reader.embedded_signatures)
        certification = read_certification_data(reader) if already_signed else None
        if certification is not None and certification.permission == MDPPerm.NO_CHANGES:
            raise ValidationFailed(
                "Tệp PDF đã được chứng thực với chữ ký số không cho phép thay đổi, nên không ký thêm được. "
                "Hãy dùng bản PDF trước khi ký, hoặc tệp đã ký đó chính là kết quả.",
                details=_FILE_DETAILS,
            )
        writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    except ValidationFailed:
        raise
    except Exception as error:  # pyHanko raises many kinds of error for a damaged file
        raise ValidationFailed(
            "Tệp PDF bị hỏng hoặc không đúng định dạng, không ký số được.", details=_FILE_DETAILS
        ) from error
    metadata = signers.PdfSignatureMetadata(
        field_name=f"{SIGNATURE_FIELD}{len(_field_names(writer)) + 1}" if already_signed else SIGNATURE_FIELD,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=location or None,
        name=unit.name,
        certify=not already_signed,
        docmdp_permissions=MDPPerm.NO_CHANGES,
    )
    signed_at = timezone.now()
    try:
        output = outside_event_loop(signers.PdfSigner(metadata, signer=signer).sign_pdf, writer)
    except Exception as error:
        # The kind of failure only: the file may hold personal data.
        logger.warning("results: signing failed (%s)", type(error).__name__)
        raise ValidationFailed(
            "Không ký số được tệp PDF này (cấu trúc tệp không được hỗ trợ).", details=_FILE_DETAILS
        ) from error
    subject = signer.signing_cert.subject.human_friendly
    logger.info("results: signed a PDF with the certificate of unit %s", unit.agency_code)
    return SignedPdf(content=output.getvalue(), signer_subject=subject, signed_at=signed_at)


def _field_names(writer) -> list[str]:
    from pyhanko.sign.fields import enumerate_sig_fields

    return [name for name, _value, _ref in enumerate_sig_fields(writer.prev)]


# --- demo certificates ---------------------------------------------------------------------------------------
def _name(common_name: str, *, unit_code: str = "") -> x509.Name:
    attributes = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, DEMO_MARK),
    ]
    if unit_code:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit_code))
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name[:_COMMON_NAME_MAX].strip()))
    return x509.Name(attributes)


def _key_usage(*, signer: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=signer,
        content_commitment=signer,  # non-repudiation: pyHanko requires it of a document signer
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=not signer,
        crl_sign=not signer,
        encipher_only=False,
        decipher_only=False,
    )


def _write_private(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)


def _demo_ca() -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    """The demo root CA, created once and kept (key and certificate) beside the unit certificates."""
    folder = certificate_dir()
    store = folder / f"{DEMO_CA_STEM}.p12"
    if store.is_file():
        key, certificate, _others = pkcs12.load_key_and_certificates(store.read_bytes(), _passphrase())
    else:
        certificate, key = _demo_ca_issue(store)
    trust = folder / TRUST_DIR_NAME / f"{DEMO_CA_STEM}.pem"
    if not trust.is_file():
        trust.parent.mkdir(parents=True, exist_ok=True)
        trust.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return certificate, key


def _demo_ca_issue(store: Path):
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name(DEMO_CA_NAME)
    now = timezone.now()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _BACKDATE)
        .not_valid_after(now + dt.timedelta(days=365 * _CA_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(signer=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    _write_private(
        store,
        pkcs12.serialize_key_and_certificates(
            DEMO_CA_STEM.encode(),
            key,
            certificate,
            None,
            serialization.BestAvailableEncryption(_passphrase()),
        ),
    )
    return certificate, key


def _demo_unit_certificate(unit, ca: x509.Certificate, ca_key) -> bytes:
    key = ec.generate_private_key(ec.SECP256R1())
    now = timezone.now()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(unit.name, unit_code=unit.agency_code))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _BACKDATE)
        .not_valid_after(now + dt.timedelta(days=365 * _UNIT_YEARS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(signer=True), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    # The CA travels in the PKCS#12 so that the signature embeds the whole chain.
    return pkcs12.serialize_key_and_certificates(
        unit.agency_code.encode(),
        key,
        certificate,
        [ca],
        serialization.BestAvailableEncryption(_passphrase()),
    )


def signing_units():
    """Units that sign results: every competent unit of a procedure, and the service centres (which sign when
    the competent unit has no certificate)."""
    from motcua.catalog.models import ProcedureVersion
    from motcua.org.enums import SERVICE_CENTRE_KINDS
    from motcua.org.models import Unit

    competent = ProcedureVersion.competent_units.through.objects.values("unit_id")
    return Unit.objects.filter(Q(pk__in=competent) | Q(kind__in=SERVICE_CENTRE_KINDS), is_active=True)


def certificates_demo_create(*, units: Iterable | None = None) -> list[str]:
    """A demo root CA and one signing certificate per unit that has none yet; returns the agency codes that got
    one. Existing certificates, demo or real, are never replaced."""
    units = list(signing_units() if units is None else units)
    missing = [unit for unit in units if not unit_has_certificate(unit)]
    if not missing:
        return []
    ca, ca_key = _demo_ca()
    created = []
    for unit in missing:
        _write_private(unit_certificate_path(unit), _demo_unit_certificate(unit, ca, ca_key))
        created.append(unit.agency_code)
    logger.info("results: %s demo certificates created", len(created))
    return created
