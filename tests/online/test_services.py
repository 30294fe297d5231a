from datetime import timedelta

import pytest

from motcua.catalog.enums import OnlineLevel
from motcua.core.exceptions import InvalidTransition, NotFound, NotPermitted, ValidationFailed
from motcua.docstore.models import StoredDocument
from motcua.docstore.services import stored_document_add
from motcua.dossiers.citizen_selectors import (
    dossier_get_for_citizen,
    dossier_list_for_citizen,
    dossier_timeline_for_citizen,
)
from motcua.dossiers.enums import Action, Channel, ReturnMode, Status
from motcua.dossiers.models import Dossier, DossierDocument, DossierEvent, DossierPause
from motcua.dossiers.online import (
    online_document_remove,
    online_documents_add,
    online_draft_create,
    online_draft_update,
    online_submit,
    online_supplement_submit,
)
from motcua.dossiers.services import ApplicantData, DocumentData, dossier_transition
from tests.online.conftest import ANSWERS, at, pdf, png

pytestmark = pytest.mark.django_db


def draft(w, user=None, **kwargs):
    return online_draft_create(actor=user or w.citizen, version=w.version, **kwargs)


def ready_draft(w, user=None):
    """A draft that passes every submission check: ID number, answers, the required component."""
    user = user or w.citizen
    dossier = draft(w, user)
    dossier = online_draft_update(
        dossier=dossier,
        actor=user,
        applicant=ApplicantData(name="Trần Thị Mai", phone="0987654321", id_number="096199001234"),
        form_data=ANSWERS,
    )
    online_documents_add(
        dossier=dossier,
        actor=user,
        documents=[DocumentData(name="", requirement_id=w.components[0].pk, upload=png())],
    )
    return dossier


# --- drafts --------------------------------------------------------------------------------------------------
def test_a_draft_is_prefilled_from_the_account_and_sent_nowhere(w):
    dossier = draft(w)
    assert (dossier.status, dossier.channel, dossier.owner) == (Status.DRAFT, Channel.ONLINE, w.citizen)
    assert (dossier.applicant_name, dossier.applicant_phone) == ("Trần Thị Mai", "0987654321")
    assert dossier.applicant_email == w.citizen.email
    # The provincial centre by default; the procedure's only competent unit decides.
    assert (dossier.receiving_unit, dossier.competent_unit) == (w.centre, w.justice)
    assert dossier.return_mode == ReturnMode.ONLINE
    assert dossier.code is None and dossier.submitted_at is None
    assert not DossierEvent.objects.filter(dossier=dossier).exists()


def test_the_id_number_typed_once_is_offered_on_the_next_draft(w):
    first = draft(w)
    online_draft_update(
        dossier=first,
        actor=w.citizen,
        applicant=ApplicantData(
            name="Trần Thị Mai", phone="0987654321", id_number="096199001234", address="Cà Mau"
        ),
    )
    second = draft(w)
    assert (second.applicant_id_number, second.applicant_address) == ("096199001234", "Cà Mau")


def test_no_draft_for_a_procedure_without_online_service_or_without_an_account(w):
    w.version.online_level = OnlineLevel.NONE
    w.version.save()
    with pytest.raises(ValidationFailed) as error:
        draft(w)
    assert "procedure" in error.value.details
    w.version.online_level = OnlineLevel.END_TO_END
    w.version.save()
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotPermitted):
        online_draft_create(actor=AnonymousUser(), version=w.version)
    assert Dossier.objects.count() == 0


def test_the_receiving_centre_must_take_the_procedure(w):
    w.version.receiving_units.set([w.commune_centre])
    with pytest.raises(ValidationFailed) as error:
        draft(w, receiving_unit=w.centre)
    assert set(error.value.details) == {"receiving_unit"}
    dossier = draft(w)
    assert dossier.receiving_unit == w.commune_centre


def test_answers_are_validated_and_merged_page_by_page(w):
    dossier = draft(w)
    online_draft_update(
        dossier=dossier, actor=w.citizen, form_data={"tinh_trang": "Đã ly hôn", "vo_chong_cu": " Lê Văn B "}
    )
    dossier = online_draft_update(
        dossier=dossier, actor=w.citizen, form_data={"ngay_can": "25/03/2026", "so_ban": "2"}
    )
    assert dossier.form_data == {
        "tinh_trang": "Đã ly hôn",
        "vo_chong_cu": "Lê Văn B",
        "ngay_can": "2026-03-25",
        "so_ban": 2,
    }
    with pytest.raises(ValidationFailed) as error:
        online_draft_update(
            dossier=dossier,
            actor=w.citizen,
            form_data={"tinh_trang": "Đang kết hôn", "ngay_can": "31/02/2026", "so_ban": "50"},
        )
    assert set(error.value.details) == {"form_data.tinh_trang", "form_data.ngay_can", "form_data.so_ban"}
    assert "ví dụ 25/03/1990" in error.value.details["form_data.ngay_can"]
    with pytest.raises(ValidationFailed) as error:
        online_draft_update(dossier=dossier, actor=w.citizen, form_data={"la": "x"})
    assert set(error.value.details) == {"form_data.la"}
    dossier.refresh_from_db()
    assert dossier.form_data["tinh_trang"] == "Đã ly hôn"


def test_postal_return_needs_an_address_and_a_procedure_that_posts(w):
    dossier = draft(w)
    with pytest.raises(ValidationFailed) as error:
        online_draft_update(
            dossier=dossier, actor=w.citizen, return_mode=ReturnMode.POSTAL, return_address=" "
        )
    assert set(error.value.details) == {"return_address"}
    dossier = online_draft_update(
        dossier=dossier, actor=w.citizen, return_mode=ReturnMode.POSTAL, return_address="Số 1 Lý Thường Kiệt"
    )
    assert (dossier.return_mode, dossier.return_address) == (ReturnMode.POSTAL, "Số 1 Lý Thường Kiệt")
    dossier = online_draft_update(dossier=dossier, actor=w.citizen, return_mode=ReturnMode.COUNTER)
    assert (dossier.return_mode, dossier.return_address) == (ReturnMode.COUNTER, "")


def test_only_the_owner_touches_a_draft(w):
    dossier = draft(w)
    calls = [
        lambda actor: online_draft_update(dossier=dossier, actor=actor, form_data={"muc_dich": "x"}),
        lambda actor: online_documents_add(
            dossier=dossier,
            actor=actor,
            documents=[DocumentData(name="", requirement_id=w.components[0].pk, upload=png())],
        ),
        lambda actor: online_submit(dossier=dossier, actor=actor),
    ]
    for call in calls:
        for stranger in (w.other_citizen, w.receiver):
            with pytest.raises(NotFound):
                call(stranger)
    with pytest.raises(NotFound):
        dossier_get_for_citizen(user=w.other_citizen, reference=dossier.reference)
    assert list(dossier_list_for_citizen(user=w.other_citizen)) == []
    assert dossier_get_for_citizen(user=w.citizen, reference=dossier.reference) == dossier
    assert not DossierDocument.objects.exists()


# --- documents -----------------------------------------------------------------------------------------------
def test_a_new_scan_replaces_the_previous_answer_to_a_component(w):
    dossier = draft(w)
    component = w.components[0]
    online_documents_add(
        dossier=dossier,
        actor=w.citizen,
        documents=[DocumentData(name="", requirement_id=component.pk, upload=png())],
    )
    [second] = online_documents_add(
        dossier=dossier,
        actor=w.citizen,
        documents=[DocumentData(name="", requirement_id=component.pk, upload=pdf())],
    )
    assert list(dossier.documents.all()) == [second]
    assert (second.name, second.content_type, second.is_digitised) == (
        component.name,
        "application/pdf",
        True,
    )
    online_document_remove(dossier=dossier, actor=w.citizen, document_id=second.pk)
    assert not dossier.documents.exists()
    with pytest.raises(NotFound):
        online_document_remove(dossier=dossier, actor=w.citizen, document_id=second.pk)


def test_a_document_must_answer_a_component_of_this_procedure(w):
    dossier = draft(w)
    other_component = w.same_day.components.get()
    with pytest.raises(ValidationFailed):
        online_documents_add(
            dossier=dossier,
            actor=w.citizen,
            documents=[DocumentData(name="", requirement_id=other_component.pk, upload=png())],
        )
    with pytest.raises(ValidationFailed):
        online_documents_add(
            dossier=dossier,
            actor=w.citizen,
            documents=[DocumentData(name="", requirement_id=w.components[0].pk)],
        )
    assert not dossier.documents.exists()


# --- submission ----------------------------------------------------------------------------------------------
def test_submission_lists_everything_missing_and_changes_nothing(w):
    dossier = draft(w)
    with pytest.raises(ValidationFailed) as error:
        online_submit(dossier=dossier, actor=w.citizen)
    required, optional = w.components
    assert set(error.value.details) == {
        "applicant.id_number",
        "form_data.tinh_trang",
        "form_data.muc_dich",
        "form_data.cam_doan",
        f"documents.{required.pk}",
    }
    assert f"documents.{optional.pk}" not in error.value.details
    dossier.refresh_from_db()
    assert dossier.status == Status.DRAFT
    assert not StoredDocument.objects.exists()


def test_submission_starts_the_eight_working_hour_reply_and_keeps_the_scans(w):
    dossier = ready_draft(w)
    submitted = online_submit(dossier=dossier, actor=w.citizen)
    assert submitted.status == Status.SUBMITTED
    assert submitted.submitted_at == at(2026, 3, 2, 9, 0)
    # 9:00–11:00 and 13:00–17:00 on Monday (6 h), then 7:00–9:00 on Tuesday.
    assert submitted.reply_due_at == at(2026, 3, 3, 9, 0)
    event = submitted.events.get()
    assert (event.action, event.actor, event.to_status) == (Action.SUBMIT, w.citizen, Status.SUBMITTED)
    [stored] = StoredDocument.objects.filter(owner=w.citizen)
    document = submitted.documents.get()
    assert (stored.kind, stored.component_name, stored.file.name) == (
        StoredDocument.Kind.SUBMITTED,
        w.components[0].name,
        document.file.name,
    )
    assert stored.source_dossier == submitted
    # Sent: the citizen can no longer change it.
    with pytest.raises(InvalidTransition):
        online_draft_update(dossier=submitted, actor=w.citizen, form_data={"muc_dich": "khác"})
    with pytest.raises(InvalidTransition):
        online_submit(dossier=submitted, actor=w.citizen)


def test_a_component_kept_in_the_store_is_reused_not_uploaded_again(w, clock):
    online_submit(dossier=ready_draft(w), actor=w.citizen)
    stored = StoredDocument.objects.get(owner=w.citizen)
    clock.shift(timedelta(days=1))
    second = draft(w)
    [document] = online_documents_add(
        dossier=second,
        actor=w.citizen,
        documents=[DocumentData(name="", requirement_id=w.components[0].pk, reused_from=stored)],
    )
    assert document.reused_from == stored
    assert (document.file.name, document.sha256) == (stored.file.name, stored.sha256)
    online_draft_update(
        dossier=second,
        actor=w.citizen,
        applicant=ApplicantData(name="Trần Thị Mai", phone="0987654321", id_number="096199001234"),
        form_data=ANSWERS,
    )
    online_submit(dossier=second, actor=w.citizen)
    # A reused document is already in the store: it is not kept a second time.
    assert StoredDocument.objects.filter(owner=w.citizen).count() == 1
    assert DossierDocument.objects.filter(reused_from=stored).count() == 1


def test_another_persons_stored_document_cannot_be_attached(w):
    theirs = online_submit(dossier=ready_draft(w, w.other_citizen), actor=w.other_citizen)
    stolen = StoredDocument.objects.get(owner=w.other_citizen)
    mine = draft(w)
    with pytest.raises(NotPermitted):
        online_documents_add(
            dossier=mine,
            actor=w.citizen,
            documents=[DocumentData(name="", requirement_id=w.components[0].pk, reused_from=stolen)],
        )
    assert not mine.documents.exists()
    assert theirs.documents.count() == 1


def test_the_store_keeps_one_copy_of_the_same_content(w):
    first = stored_document_add(
        owner=w.citizen,
        kind="result",
        name="Giấy xác nhận",
        file_name="results/a.pdf",
        content_type="application/pdf",
        size=10,
        sha256="a" * 64,
    )
    again = stored_document_add(
        owner=w.citizen,
        kind="result",
        name="Giấy xác nhận",
        file_name="results/a.pdf",
        content_type="application/pdf",
        size=10,
        sha256="a" * 64,
        component_name="Giấy xác nhận tình trạng hôn nhân",
    )
    assert again.pk == first.pk
    assert again.component_name == "Giấy xác nhận tình trạng hôn nhân"
    with pytest.raises(ValidationFailed):
        stored_document_add(
            owner=w.citizen, kind="other", name="x", file_name="f", content_type="", size=1, sha256="b" * 64
        )


def test_returned_for_completion_the_citizen_edits_and_sends_again(w, clock):
    submitted = online_submit(dossier=ready_draft(w), actor=w.citizen)
    dossier_transition(
        dossier=submitted,
        action=Action.RETURN_FOR_COMPLETION,
        actor=w.receiver,
        missing_items=["Tờ khai chưa ký", "Thiếu giấy tờ chứng minh nơi cư trú"],
    )
    clock.shift(timedelta(hours=2))
    dossier = Dossier.objects.get(pk=submitted.pk)
    assert dossier.status == Status.INCOMPLETE
    online_documents_add(
        dossier=dossier,
        actor=w.citizen,
        documents=[
            DocumentData(name="", requirement_id=w.components[0].pk, upload=pdf(extra=b"signed")),
            DocumentData(name="", requirement_id=w.components[1].pk, upload=png(content=PNG_2)),
        ],
    )
    resubmitted = online_submit(dossier=dossier, actor=w.citizen)
    assert resubmitted.status == Status.SUBMITTED
    assert resubmitted.submitted_at == at(2026, 3, 2, 11, 0)
    assert [e.action for e in resubmitted.events.order_by("seq")] == [
        Action.SUBMIT,
        Action.RETURN_FOR_COMPLETION,
        Action.SUBMIT,
    ]
    assert resubmitted.documents.count() == 2
    # The first scan and the two new ones are all in the store.
    assert StoredDocument.objects.filter(owner=w.citizen).count() == 3
    timeline = dossier_timeline_for_citizen(dossier=resubmitted)
    assert [entry.action for entry in timeline] == ["submit", "return_for_completion", "submit"]
    assert timeline[1].data["missing_items"] == ["Tờ khai chưa ký", "Thiếu giấy tờ chứng minh nơi cư trú"]
    assert timeline[1].unit_name == w.centre.name


PNG_2 = b"\x89PNG\r\n\x1a\n" + b"\x01" * 64


# --- supplements ---------------------------------------------------------------------------------------------
def awaiting_supplement(w, clock, items=("Bản sao sổ hộ khẩu", "Ảnh chân dung")):
    submitted = online_submit(dossier=ready_draft(w), actor=w.citizen)
    dossier = dossier_transition(dossier=submitted, action=Action.RECEIVE, actor=w.receiver)
    dossier = dossier_transition(dossier=dossier, action=Action.TRANSFER, actor=w.receiver)
    dossier = dossier_transition(
        dossier=dossier, action=Action.REQUEST_SUPPLEMENT, actor=w.head, missing_items=list(items)
    )
    assert dossier.status == Status.AWAITING_SUPPLEMENT
    return dossier


def test_an_online_supplement_answers_each_item_and_the_clock_resumes(w, clock):
    dossier = awaiting_supplement(w, clock)
    due_before = dossier.due_at
    # The citizen answers one working day later: that day is not counted.
    clock.move_to(at(2026, 3, 3, 9, 0))
    resumed = online_supplement_submit(
        dossier=dossier,
        actor=w.citizen,
        documents=[
            DocumentData(name="Bản sao sổ hộ khẩu", upload=png()),
            DocumentData(name="Ảnh chân dung", upload=pdf(extra=b"photo")),
        ],
        note="Đã bổ sung đủ",
    )
    assert resumed.status == Status.PROCESSING
    assert resumed.due_at == due_before + timedelta(days=1)
    pause = DossierPause.objects.get(dossier=dossier)
    assert pause.ended_at == at(2026, 3, 3, 9, 0)
    supplements = list(resumed.documents.filter(is_supplement=True).order_by("order"))
    assert [d.name for d in supplements] == ["Bản sao sổ hộ khẩu", "Ảnh chân dung"]
    event = resumed.events.order_by("-seq").first()
    assert (event.action, event.actor, event.note) == (Action.SUPPLEMENT, w.citizen, "Đã bổ sung đủ")
    assert StoredDocument.objects.filter(owner=w.citizen, name="Ảnh chân dung").exists()


def test_a_supplement_missing_an_item_writes_nothing(w, clock):
    dossier = awaiting_supplement(w, clock)
    documents_before = dossier.documents.count()
    with pytest.raises(ValidationFailed) as error:
        online_supplement_submit(
            dossier=dossier,
            actor=w.citizen,
            documents=[DocumentData(name="Bản sao sổ hộ khẩu", upload=png())],
        )
    assert set(error.value.details) == {"items.1"}
    with pytest.raises(ValidationFailed):
        online_supplement_submit(
            dossier=dossier, actor=w.citizen, documents=[DocumentData(name="Giấy tờ khác", upload=png())]
        )
    dossier.refresh_from_db()
    assert dossier.status == Status.AWAITING_SUPPLEMENT
    assert dossier.documents.count() == documents_before
    assert DossierPause.objects.get(dossier=dossier).ended_at is None


def test_a_supplement_is_only_for_the_owner_and_only_when_asked(w, clock):
    submitted = online_submit(dossier=ready_draft(w), actor=w.citizen)
    documents = [DocumentData(name="Bản sao sổ hộ khẩu", upload=png())]
    with pytest.raises(InvalidTransition):
        online_supplement_submit(dossier=submitted, actor=w.citizen, documents=documents)
    dossier = awaiting_supplement(w, clock, items=("Bản sao sổ hộ khẩu",))
    with pytest.raises(NotFound):
        online_supplement_submit(dossier=dossier, actor=w.other_citizen, documents=documents)
    stored = StoredDocument.objects.filter(owner=w.citizen).first()
    resumed = online_supplement_submit(
        dossier=dossier,
        actor=w.citizen,
        documents=[DocumentData(name="Bản sao sổ hộ khẩu", reused_from=stored)],
    )
    assert resumed.documents.get(is_supplement=True).reused_from == stored


def test_the_timeline_names_units_never_officers(w, clock):
    dossier = awaiting_supplement(w, clock)
    dossier_transition(dossier=dossier, action=Action.SUPPLEMENT, actor=w.receiver)
    dossier = Dossier.objects.get(pk=dossier.pk)
    # Forwarding names the officer who takes the next step; claiming is internal: neither name shows.
    dossier = dossier_transition(dossier=dossier, action=Action.FORWARD, actor=w.head, assignee=w.specialist)
    dossier_transition(dossier=dossier, action=Action.CLAIM, actor=w.specialist)
    timeline = dossier_timeline_for_citizen(dossier=dossier)
    assert [entry.action for entry in timeline] == [
        "submit",
        "receive",
        "transfer",
        "request_supplement",
        "supplement",
        "forward",
    ]
    for entry in timeline:
        for officer in (w.receiver, w.head, w.specialist):
            assert officer.username not in repr(entry)
            assert str(officer) not in repr(entry)
    assert timeline[2].unit_name == w.centre.name
    assert timeline[3].unit_name == w.justice.name
