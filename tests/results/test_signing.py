"""PAdES signing with the unit's certificate and the verification of a downloaded result."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs12

from motcua.paperwork import verify
from motcua.paperwork.signing import (
    DEMO_MARK,
    CertificateMissing,
    certificate_dir,
    certificates_demo_create,
    outside_event_loop,
    pdf_sign,
    signing_units,
    trust_roots,
    unit_certificate_path,
)
from motcua.paperwork.verify import pdf_verify

from .helpers import plain_pdf

pytestmark = pytest.mark.django_db


def test_demo_certificates_one_per_signing_unit_marked_demo_and_kept(w, settings):
    created = certificates_demo_create()

    # Competent units of procedures, and every service centre (the fallback signer).
    assert sorted(created) == sorted(u.agency_code for u in signing_units())
    assert {"H12.04", "H12.99", "H12.50"} <= set(created)
    assert "H12.06" not in created  # the Department of Construction only gives an opinion here
    key, certificate, chain = pkcs12.load_key_and_certificates(
        unit_certificate_path(w.justice).read_bytes(), settings.MOTCUA_CERT_PASSPHRASE.encode()
    )
    subject = certificate.subject
    assert subject.get_attributes_for_oid(x509.NameOID.ORGANIZATION_NAME)[0].value == DEMO_MARK
    assert subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)[0].value == "Sở Tư pháp"
    assert subject.get_attributes_for_oid(x509.NameOID.ORGANIZATIONAL_UNIT_NAME)[0].value == "H12.04"
    assert DEMO_MARK in chain[0].subject.rfc4514_string()  # the demo CA travels with it
    assert (certificate_dir() / "trust" / "demo-root-ca.pem").is_file()
    assert oct(unit_certificate_path(w.justice).stat().st_mode & 0o777) == "0o600"
    before = unit_certificate_path(w.justice).read_bytes()

    assert certificates_demo_create() == []
    assert unit_certificate_path(w.justice).read_bytes() == before


def test_wrong_passphrase_is_a_clear_error(w, settings):
    certificates_demo_create(units=[w.justice])
    settings.MOTCUA_CERT_PASSPHRASE = "khac"
    with pytest.raises(CertificateMissing, match="sai mật khẩu"):
        pdf_sign(pdf=plain_pdf(), unit=w.justice, reason="Kết quả")


def test_no_certificate_is_a_clear_error(w):
    with pytest.raises(CertificateMissing, match="Chưa có chứng thư số của Sở Tư pháp"):
        pdf_sign(pdf=plain_pdf(), unit=w.justice, reason="Kết quả")


def test_signed_pdf_is_pades_and_validates_against_the_demo_ca(w):
    from io import BytesIO

    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    certificates_demo_create(units=[w.justice])
    signed = pdf_sign(pdf=plain_pdf(), unit=w.justice, reason="Kết quả giải quyết")

    signature = PdfFileReader(BytesIO(signed.content)).embedded_signatures[0]
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    status = outside_event_loop(
        validate_pdf_signature, signature, ValidationContext(trust_roots=trust_roots(), allow_fetching=False)
    )
    assert (status.intact, status.valid, status.trusted, status.bottom_line) == (True, True, True, True)
    assert status.coverage.name == "ENTIRE_FILE"
    assert "Sở Tư pháp" in signed.signer_subject and DEMO_MARK in signed.signer_subject

    verdict = pdf_verify(signed.content)
    assert verdict.is_valid, verdict.problems
    check = verdict.signature
    assert (check.signer_name, check.signer_organisation, check.is_demo) == ("Sở Tư pháp", DEMO_MARK, True)
    assert check.signed_at == signed.signed_at.replace(microsecond=0)
    assert not verdict.is_changed_after_signing


def test_a_byte_changed_after_signing_is_detected(w):
    certificates_demo_create(units=[w.justice])
    content = pdf_sign(pdf=plain_pdf("Ket qua"), unit=w.justice, reason="Kết quả").content
    position = content.index(b"Ket qua")
    tampered = content[:position] + b"Kex" + content[position + 3 :]

    verdict = pdf_verify(tampered)

    assert not verdict.is_valid
    assert verify.NOT_INTACT in verdict.problems
    assert verdict.is_changed_after_signing
    assert verdict.signature.is_intact is False
    assert verdict.messages[0] == "Nội dung đã ký bị thay đổi: dữ liệu không còn khớp với chữ ký số."


def test_content_appended_after_signing_is_a_change(w):
    from io import BytesIO

    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    certificates_demo_create(units=[w.justice])
    content = pdf_sign(pdf=plain_pdf(), unit=w.justice, reason="Kết quả").content
    writer = IncrementalPdfFileWriter(BytesIO(content))
    writer.root["/Lang"] = generic.TextStringObject("en")
    writer.update_root()
    out = BytesIO()
    writer.write(out)

    verdict = pdf_verify(out.getvalue())

    assert verdict.signature.is_intact  # the signed bytes are still there …
    assert verify.CHANGED in verdict.problems  # … but the file is not what was signed
    assert not verdict.is_valid


def test_a_pdf_signed_by_another_ca_is_not_trusted(w, settings, tmp_path):
    # Another authority: its own demo CA in another folder, not among this system's trust roots.
    settings.MOTCUA_CERT_DIR = tmp_path / "elsewhere"
    certificates_demo_create(units=[w.justice])
    foreign = pdf_sign(pdf=plain_pdf(), unit=w.justice, reason="Kết quả").content
    settings.MOTCUA_CERT_DIR = tmp_path / "ours"
    certificates_demo_create(units=[w.justice])

    verdict = pdf_verify(foreign)

    assert verdict.problems == [verify.UNTRUSTED]
    assert verdict.signature.is_intact and verdict.signature.is_valid
    assert not verdict.signature.is_trusted
    assert not verdict.is_changed_after_signing


def test_extra_trust_roots_from_the_setting(w, settings, tmp_path):
    settings.MOTCUA_CERT_DIR = tmp_path / "provider"
    certificates_demo_create(units=[w.justice])
    signed = pdf_sign(pdf=plain_pdf(), unit=w.justice, reason="Kết quả").content
    root = tmp_path / "provider" / "trust" / "demo-root-ca.pem"
    settings.MOTCUA_CERT_DIR = tmp_path / "empty"
    assert pdf_verify(signed).problems == [verify.UNTRUSTED]

    settings.MOTCUA_TRUST_ROOTS = [str(root)]

    assert pdf_verify(signed).is_valid


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"hello", verify.UNREADABLE),
        (b"%PDF-1.7\n garbage", verify.UNREADABLE),
        (None, verify.UNSIGNED),
    ],
)
def test_unsigned_or_broken_files(db, content, problem):
    verdict = pdf_verify(plain_pdf() if content is None else content)

    assert verdict.problems == [problem]
    assert not verdict.is_valid
    assert verdict.signatures == []


def test_a_second_signature_goes_after_an_existing_approval_signature(w):
    from io import BytesIO

    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    from motcua.paperwork.signing import _signer_for

    certificates_demo_create(units=[w.justice, w.centre])
    # As if the leader had signed first with a personal token: an approval signature, changes allowed.
    leader = signers.PdfSigner(
        signers.PdfSignatureMetadata(field_name="LanhDao", subfilter=fields.SigSeedSubFilter.PADES),
        signer=_signer_for(w.centre),
    )
    once = outside_event_loop(leader.sign_pdf, IncrementalPdfFileWriter(BytesIO(plain_pdf()))).getvalue()

    twice = pdf_sign(pdf=once, unit=w.justice, reason="Đơn vị ký").content

    verdict = pdf_verify(twice)
    assert [s.field_name for s in verdict.signatures] == ["LanhDao", "KetQuaDienTu2"]
    assert [s.signer_name for s in verdict.signatures] == [w.centre.name, "Sở Tư pháp"]
    assert verdict.is_valid, verdict.problems


def test_a_result_certified_against_changes_is_not_signed_again(w):
    from motcua.core.exceptions import ValidationFailed

    certificates_demo_create(units=[w.justice])
    once = pdf_sign(pdf=plain_pdf(), unit=w.justice, reason="Kết quả").content

    with pytest.raises(ValidationFailed, match="không cho phép thay đổi"):
        pdf_sign(pdf=once, unit=w.justice, reason="Lần hai")


def test_encrypted_or_damaged_pdf_cannot_be_signed(w):
    from motcua.core.exceptions import ValidationFailed

    certificates_demo_create(units=[w.justice])
    with pytest.raises(ValidationFailed, match="bị hỏng"):
        pdf_sign(pdf=b"%PDF-1.7\nnot really", unit=w.justice, reason="Kết quả")


def test_signing_and_verifying_work_in_a_thread_whose_event_loop_is_running(w):
    # pyHanko's sync API calls asyncio.run; an async server (or Playwright's sync API in a test process)
    # runs a loop in the calling thread, where that would fail and the result could not be signed.
    certificates_demo_create()

    async def inside_a_running_loop():
        signed = pdf_sign(pdf=plain_pdf(), unit=w.justice, reason="Kết quả")
        return signed, pdf_verify(signed.content)

    # A thread of its own: the test process may already run a loop (Playwright's sync API in this worker).
    with ThreadPoolExecutor(max_workers=1) as pool:
        signed, verdict = pool.submit(asyncio.run, inside_a_running_loop()).result()
    assert signed.content.startswith(b"%PDF-")
    assert verdict.is_valid, verdict.problems
