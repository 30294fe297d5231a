"""Deleting an account at its owner's request: refused while a dossier is being handled, thorough afterwards,
and the dossiers stay as the archive law wants them."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.utils import timezone

from motcua.accounts.models import User
from motcua.docstore.models import StoredDocument
from motcua.docstore.services import stored_document_add
from motcua.dossiers.enums import Status
from motcua.dossiers.models import Dossier
from motcua.notifications.models import Message, MessageStatus
from motcua.privacy.models import AccountDeletion
from tests.factories import PASSWORD
from tests.privacy.conftest import MONDAY_MORNING
from tests.ratings.helpers import returned

pytestmark = pytest.mark.django_db


def _contact_details(user):
    user.phone, user.is_phone_verified = "0912345678", True
    user.id_number, user.address = "096123456789", "Phường An Xuyên"
    user.save()
    return user


def _store(user, name, content, sha):
    saved = default_storage.save(f"docstore/2026/03/{name}", ContentFile(content))
    stored_document_add(
        owner=user,
        kind="uploaded",
        name=name,
        file_name=saved,
        content_type="application/pdf",
        size=len(content),
        sha256=sha * 64,
    )
    return saved


def test_deletion_is_refused_with_the_reason_while_a_dossier_is_being_handled(w, dossier, login):
    assert dossier.status == Status.RECEIVED
    client = login(w.citizen)
    page = client.get("/tai-khoan/xoa-tai-khoan/").content.decode()
    assert dossier.code in page and 'name="password"' not in page
    response = client.post("/tai-khoan/xoa-tai-khoan/", {"password": PASSWORD})
    assert response.status_code == 409
    html = response.content.decode()
    assert "Chưa xóa được tài khoản" in html and dossier.code in html
    citizen = User.objects.get(pk=w.citizen.pk)
    assert (citizen.username, citizen.is_active, citizen.has_usable_password()) == ("congdan", True, True)
    assert not AccountDeletion.objects.exists()


def test_a_wrong_password_deletes_nothing(w, login):
    response = login(w.citizen).post("/tai-khoan/xoa-tai-khoan/", {"password": "wrong"})
    assert response.status_code == 422
    assert "Mật khẩu không đúng." in response.content.decode()
    assert User.objects.get(pk=w.citizen.pk).is_active


def test_an_officer_cannot_delete_their_account_here(w, login):
    response = login(w.receiver).post("/tai-khoan/xoa-tai-khoan/", {"password": PASSWORD})
    assert response.status_code == 403
    assert User.objects.get(pk=w.receiver.pk).is_active


def test_once_the_dossiers_are_finished_the_account_goes_and_the_dossiers_stay(
    w, client, login, clock, django_capture_on_commit_callbacks
):
    clock.move_to(MONDAY_MORNING + timedelta(days=18))
    citizen = _contact_details(w.citizen)
    finished = returned(w, when=MONDAY_MORNING, owner=citizen)
    assert finished.status == Status.RETURNED
    own_file = _store(citizen, "giay-khai-sinh.pdf", b"%PDF mine", "a")
    shared = finished.documents.first()
    shared.file.save("to-khai.pdf", ContentFile(b"%PDF scan"), save=True)
    stored_document_add(
        owner=citizen,
        kind="submitted",
        name="Tờ khai",
        file_name=shared.file.name,
        content_type="application/pdf",
        size=9,
        sha256="b" * 64,
        source_dossier=finished,
    )
    Message.objects.create(
        event="dossier_received",
        channel="sms",
        recipient="0912345678",
        body="Hồ sơ của bà Nguyễn Thị Hoa đã được tiếp nhận",
        dedupe_key="privacy-test-1",
        next_attempt_at=timezone.now() + timedelta(minutes=5),
        user=citizen,
    )

    sent_to_the_account = list(Message.objects.filter(user=citizen).values_list("pk", flat=True))
    elsewhere = Client()  # the same person signed in on another device
    elsewhere.force_login(citizen)
    assert elsewhere.get("/tai-khoan/").status_code == 200
    session = login(citizen)
    with django_capture_on_commit_callbacks(execute=True):
        response = session.post("/tai-khoan/xoa-tai-khoan/", {"password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/tai-khoan/xoa-tai-khoan/da-xoa/"
    assert "Đã xóa tài khoản" in session.get(response["Location"]).content.decode()

    gone = User.objects.get(pk=citizen.pk)
    assert gone.username == f"da-xoa-{citizen.pk}"
    assert (gone.full_name, gone.email, gone.phone, gone.id_number, gone.address) == ("", "", "", "", "")
    assert not gone.is_active and not gone.has_usable_password()
    # Nobody can sign in as the person any more, by name or by the phone that was verified.
    assert not client.login(username="congdan", password=PASSWORD)
    assert not client.login(username="0912345678", password=PASSWORD)
    assert session.get("/tai-khoan/").status_code == 302
    assert elsewhere.get("/tai-khoan/").status_code == 302
    # The document store is empty; a file only the store held is removed, a dossier's scan stays.
    assert not StoredDocument.objects.filter(owner=gone).exists()
    assert not default_storage.exists(own_file)
    assert default_storage.exists(shared.file.name)
    # The dossier is the administrative record: kept whole, with the applicant data, no longer linked.
    kept = Dossier.objects.get(pk=finished.pk)
    assert (kept.owner_id, kept.applicant_name, kept.applicant_phone) == (
        None,
        "Nguyễn Thị Hoa",
        "0912345678",
    )
    assert kept.events.count() == finished.events.count()
    message = Message.objects.get(dedupe_key="privacy-test-1")
    assert (message.recipient, message.body, message.user_id, message.status) == (
        "",
        "",
        None,
        MessageStatus.FAILED,
    )
    record = AccountDeletion.objects.get()
    assert (
        record.user_id_deleted,
        record.dossiers_kept,
        record.stored_documents_removed,
        record.files_removed,
    ) == (
        citizen.pk,
        1,
        2,
        1,
    )
    assert (record.notifications_cleared, record.confirmed_by) == (len(sent_to_the_account), "password")
    cleared = Message.objects.filter(pk__in=sent_to_the_account)
    assert set(cleared.values_list("recipient", "subject", "body", "user")) == {("", "", "", None)}


def test_a_draft_never_submitted_goes_with_the_account_and_its_scans(
    w, login, django_capture_on_commit_callbacks
):
    from motcua.dossiers.models import DossierDocument
    from motcua.dossiers.online import online_draft_create

    draft = online_draft_create(actor=w.citizen, version=w.version, receiving_unit=w.centre)
    assert draft.status == Status.DRAFT
    scan = DossierDocument.objects.create(dossier=draft, name="Tờ khai")
    scan.file.save("nhap.pdf", ContentFile(b"%PDF draft"), save=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = login(w.citizen).post("/tai-khoan/xoa-tai-khoan/", {"password": PASSWORD})
    assert response.status_code == 302
    assert not Dossier.objects.filter(pk=draft.pk).exists()
    assert not default_storage.exists(scan.file.name)
    assert AccountDeletion.objects.get().files_removed == 1
