"""`dossier_result_attach`: who may sign a result, when, with which certificate, and nothing half-written."""

from io import BytesIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from motcua.core.exceptions import InvalidTransition, NotPermitted, ValidationFailed
from motcua.docstore.models import StoredDocument
from motcua.dossiers.enums import Action, Status
from motcua.dossiers.models import DossierResult
from motcua.dossiers.results import dossier_result_attach
from motcua.dossiers.services import dossier_intake, dossier_transition
from motcua.paperwork.signing import CertificateMissing, certificates_demo_create
from motcua.paperwork.verify import pdf_verify
from tests.factories import intake_data

from .helpers import decided_dossier, plain_pdf

pytestmark = pytest.mark.django_db


def text_of(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(BytesIO(pdf)).pages)


def media_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_leader_signs_a_generated_confirmation_kept_for_the_owner(w):
    certificates_demo_create()
    dossier = decided_dossier(w, owner=w.citizen)

    result = dossier_result_attach(dossier=dossier, actor=w.leader)

    assert result.name == f"Giấy xác nhận kết quả giải quyết hồ sơ {dossier.code}"
    assert result.signer_unit == w.justice
    assert "Sở Tư pháp" in result.signer_subject
    assert result.created_by == w.leader
    content = result.file.read()
    assert (result.size, len(result.sha256)) == (len(content), 64)
    verdict = pdf_verify(content)
    assert verdict.is_valid, verdict.problems
    assert verdict.sha256 == result.sha256
    text = text_of(content)
    assert "GIẤY XÁC NHẬN KẾT QUẢ GIẢI QUYẾT HỒ SƠ" in text
    assert dossier.code in text and "Nguyễn Thị Hoa" in text
    assert "KHÔNG CÓ GIÁ TRỊ PHÁP LÝ" in text  # a demo certificate signed it
    stored = StoredDocument.objects.get(owner=w.citizen)
    assert (stored.kind, stored.file.name, stored.sha256) == ("result", result.file.name, result.sha256)
    assert stored.source_dossier == dossier
    # The dossier itself does not move: returning the result is the centre's own action.
    dossier.refresh_from_db()
    assert dossier.status == Status.RESULT_READY


def test_a_denial_gets_the_written_answer_with_its_reason(w):
    certificates_demo_create()
    dossier = decided_dossier(w, deny=True)

    result = dossier_result_attach(dossier=dossier, actor=w.receiver)

    assert result.name.startswith("Văn bản trả lời kết quả giải quyết hồ sơ")
    text = text_of(result.file.read())
    assert "Lý do: Không đủ điều kiện" in text
    # No account: nothing goes to a document store.
    assert StoredDocument.objects.count() == 0


def test_an_uploaded_pdf_is_signed_as_it_is(w):
    certificates_demo_create()
    dossier = decided_dossier(w)
    upload = SimpleUploadedFile("quyet-dinh.pdf", plain_pdf("Quyet dinh so 12"), "application/pdf")

    result = dossier_result_attach(dossier=dossier, actor=w.leader, pdf=upload, name="  Quyết định   số 12 ")

    assert result.name == "Quyết định số 12"
    content = result.file.read()
    assert content.startswith(plain_pdf("Quyet dinh so 12")[:9])
    assert "Quyet dinh so 12" in text_of(content)
    assert pdf_verify(content).is_valid


def test_the_receiving_centre_signs_when_the_competent_unit_has_no_certificate(w):
    certificates_demo_create(units=[w.centre])
    dossier = decided_dossier(w)

    result = dossier_result_attach(dossier=dossier, actor=w.receiver, pdf=plain_pdf())

    assert result.signer_unit == w.centre


def test_without_any_certificate_nothing_is_written(w, settings):
    dossier = decided_dossier(w)

    with pytest.raises(CertificateMissing, match="Chưa có chứng thư số của Sở Tư pháp hay Trung tâm"):
        dossier_result_attach(dossier=dossier, actor=w.leader, pdf=plain_pdf())

    assert DossierResult.objects.count() == 0
    assert media_files(settings) == []


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("leader", True),  # signing leader of the competent unit
        ("receiver", True),  # receiving officer of the receiving centre (and holder of the return step)
        ("head", False),
        ("specialist", False),
        ("builder", False),
        ("commune_receiver", False),
        ("supervisor", False),
        ("citizen", False),
    ],
)
def test_who_may_attach(w, who, allowed):
    certificates_demo_create()
    dossier = decided_dossier(w, owner=w.citizen)
    actor = getattr(w, who)

    if allowed:
        assert dossier_result_attach(dossier=dossier, actor=actor, pdf=plain_pdf()).pk
    else:
        with pytest.raises(NotPermitted):
            dossier_result_attach(dossier=dossier, actor=actor, pdf=plain_pdf())
        assert DossierResult.objects.count() == 0


def test_the_return_step_holder_may_attach(w):
    from tests.factories import StaffRoleFactory, UserFactory

    certificates_demo_create()
    dossier = decided_dossier(w)
    assert dossier.current_step.name == "Trả kết quả"
    # An officer who holds only the current step's role in its unit.
    other = UserFactory()
    StaffRoleFactory(user=other, unit=dossier.current_step.unit, role=dossier.current_step.role)

    assert dossier_result_attach(dossier=dossier, actor=other, pdf=plain_pdf()).created_by == other


def test_only_once_a_decision_exists_and_only_once(w, settings):
    certificates_demo_create()
    received = dossier_intake(data=intake_data(w), actor=w.receiver)
    with pytest.raises(InvalidTransition, match="Đã tiếp nhận"):
        dossier_result_attach(dossier=received, actor=w.receiver, pdf=plain_pdf())
    processing = dossier_transition(dossier=received, action=Action.TRANSFER, actor=w.receiver)
    with pytest.raises(InvalidTransition, match="Đang xử lý"):
        dossier_result_attach(dossier=processing, actor=w.receiver, pdf=plain_pdf())
    refused = dossier_intake(
        data=intake_data(w), actor=w.receiver, action=Action.REFUSE, note="Sai thẩm quyền"
    )
    with pytest.raises(InvalidTransition):
        dossier_result_attach(dossier=refused, actor=w.receiver, pdf=plain_pdf())
    assert media_files(settings) == []

    returned = decided_dossier(w, return_it=True)
    first = dossier_result_attach(dossier=returned, actor=w.receiver, pdf=plain_pdf())
    with pytest.raises(InvalidTransition, match="đã có kết quả điện tử"):
        dossier_result_attach(dossier=returned, actor=w.leader, pdf=plain_pdf("khac"))

    assert list(DossierResult.objects.all()) == [first]
    assert media_files(settings) == [Path(first.file.path)]


@pytest.mark.parametrize(
    ("pdf", "message"),
    [
        (
            SimpleUploadedFile("anh.pdf", b"\x89PNG\r\n\x1a\n" + b"\0" * 40, "application/pdf"),
            "phải là tệp PDF",
        ),
        (b"%PDF-1.4 hong", "bị hỏng"),
    ],
)
def test_bad_content_is_refused_with_a_message(w, settings, pdf, message):
    certificates_demo_create()
    dossier = decided_dossier(w)

    with pytest.raises(ValidationFailed, match=message):
        dossier_result_attach(dossier=dossier, actor=w.leader, pdf=pdf)

    assert DossierResult.objects.count() == 0
    assert media_files(settings) == []


def test_a_failure_after_the_file_is_written_leaves_nothing(w, settings, monkeypatch):
    import motcua.docstore.services

    certificates_demo_create()
    dossier = decided_dossier(w, owner=w.citizen)

    def broken(**kwargs):
        raise RuntimeError("store unavailable")

    monkeypatch.setattr(motcua.docstore.services, "stored_document_add", broken)
    with pytest.raises(RuntimeError):
        dossier_result_attach(dossier=dossier, actor=w.leader, pdf=plain_pdf())

    assert DossierResult.objects.count() == 0
    assert media_files(settings) == []
