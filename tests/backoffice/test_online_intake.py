"""Counter intake by channel: in person, by post (item code and posting date) and assisted online (the officer
files the online dossier for the citizen)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.catalog.enums import OnlineLevel
from motcua.docstore.models import StoredDocument
from motcua.dossiers.enums import Action, Channel, Status
from motcua.dossiers.models import Dossier
from tests.factories import UserFactory
from tests.postal.helpers import PNG

pytestmark = pytest.mark.django_db

EFORM = [
    {"name": "muc_dich", "label": "Mục đích sử dụng", "type": "textarea", "required": True},
    {"name": "cam_doan", "label": "Tôi cam đoan nội dung khai là đúng", "type": "checkbox", "required": True},
]


def url(w) -> str:
    return f"/can-bo/tiep-nhan/?thu_tuc={w.version.pk}"


def posted(w, **overrides) -> dict:
    """What the browser sends for an intake of the world's procedure (required paper ticked)."""
    form, proof = w.version.components.order_by("order")
    data = {
        "thu_tuc": w.version.pk,
        "receiving_unit": w.centre.pk,
        "applicant_id_number": "096123456789",
        "applicant_name": "Nguyễn Thị Hoa",
        "applicant_kind": "person",
        "applicant_phone": "0912345678",
        "applicant_address": "Phường An Xuyên, tỉnh Cà Mau",
        "channel": "counter",
        "return_mode": "counter",
        "sets": "1",
        "pages": "0",
        f"c{form.pk}_received": "on",
        f"c{form.pk}_kind": "original",
        f"c{form.pk}_quantity": "1",
        f"c{proof.pk}_kind": "copy",
        f"c{proof.pk}_quantity": "1",
        "action": "receive",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def scan(w) -> dict:
    form = w.version.components.get(is_required=True)
    return {f"c{form.pk}_file": SimpleUploadedFile("to-khai.png", PNG, "image/png")}


def test_the_form_offers_the_three_channels_and_their_fields(w, login):
    html = login(w.receiver).get(url(w)).content.decode()
    for value, label in (
        ("counter", "Trực tiếp"),
        ("postal", "Bưu chính công ích"),
        ("assisted_online", "Trực tuyến có hỗ trợ"),
    ):
        assert f'<option value="{value}"' in html and label in html
    assert 'name="postal_item_code"' in html and 'name="postal_posted_on"' in html
    assert 'name="link_account"' in html
    assert 'name="action" value="submit"' in html


def test_a_procedure_not_offered_online_cannot_be_filed_as_assisted_online(w, login):
    w.version.online_level = OnlineLevel.NONE
    w.version.save(update_fields=["online_level"])
    client = login(w.receiver)
    html = client.get(url(w)).content.decode()
    assert 'value="assisted_online"' not in html and 'value="submit"' not in html
    response = client.post(url(w), posted(w, channel="assisted_online", **scan(w)))
    assert response.status_code == 422
    assert Dossier.objects.count() == 0


# --- by post -------------------------------------------------------------------------------------------------
def test_a_postal_dossier_is_received_with_its_item_code_and_posting_date(w, login):
    response = login(w.receiver).post(
        url(w), posted(w, channel="postal", postal_item_code="ee123456789vn", postal_posted_on="27/02/2026")
    )
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert (dossier.status, dossier.channel, dossier.postal_item_code) == (
        Status.RECEIVED,
        Channel.POSTAL,
        "EE123456789VN",
    )
    assert dossier.postal_posted_on.isoformat() == "2026-02-27"
    page = login(w.receiver).get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    assert "EE123456789VN" in page and "27/02/2026" in page


def test_a_postal_dossier_without_its_postal_fields_is_sent_back_with_each_field_marked(w, login):
    response = login(w.receiver).post(url(w), posted(w, channel="postal", applicant_name=""))
    assert response.status_code == 422
    html = response.content.decode()
    for field in ("applicant_name", "postal_item_code", "postal_posted_on"):
        assert f'href="#id_{field}"' in html
    assert "Nhập số hiệu bưu gửi (in trên phiếu gửi của bưu điện)." in html
    assert Dossier.objects.count() == 0


def test_postal_fields_on_a_counter_dossier_are_not_required(w, login):
    assert login(w.receiver).post(url(w), posted(w)).status_code == 302
    assert Dossier.objects.get().postal_item_code == ""


# --- assisted online -----------------------------------------------------------------------------------------
def test_assisted_online_is_submitted_for_the_citizen_and_received_at_once(w, login):
    response = login(w.receiver).post(url(w), posted(w, channel="assisted_online", **scan(w)))
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert response["Location"] == f"/can-bo/ho-so/{dossier.code}/?in=01"
    assert (dossier.status, dossier.channel, dossier.assisted_by, dossier.owner) == (
        Status.RECEIVED,
        Channel.ASSISTED_ONLINE,
        w.receiver,
        None,
    )
    assert [(e.action, e.actor, e.actor_unit) for e in dossier.events.order_by("seq")] == [
        (Action.SUBMIT, w.receiver, w.centre),
        (Action.RECEIVE, w.receiver, w.centre),
    ]
    assert dossier.submitted_at is not None and dossier.reply_due_at is not None
    assert dossier.documents.get().is_digitised
    html = login(w.receiver).get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    assert "Trực tuyến có hỗ trợ" in html and "cán bộ hỗ trợ" in html


def test_assisted_online_can_wait_in_the_online_worklist(w, login):
    client = login(w.receiver)
    response = client.post(url(w), posted(w, channel="assisted_online", action="submit", **scan(w)))
    dossier = Dossier.objects.get()
    assert response["Location"] == f"/can-bo/ho-so/{dossier.reference}/"
    assert (dossier.status, dossier.code) == (Status.SUBMITTED, None)
    listed = client.get("/can-bo/?list=online")
    assert [row["dossier"].pk for row in listed.context["rows"]] == [dossier.pk]
    # Any receiving officer of the centre then receives it from the dossier page.
    colleague = UserFactory(username="tiepnhan2")
    from motcua.org.enums import Role
    from tests.factories import StaffRoleFactory

    StaffRoleFactory(user=colleague, unit=w.centre, role=Role.RECEIVING_OFFICER)
    assert login(colleague).post(f"/can-bo/ho-so/{dossier.reference}/thao-tac/receive/").status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED


def test_submit_only_is_for_assisted_online(w, login):
    response = login(w.receiver).post(url(w), posted(w, action="submit"))
    assert response.status_code == 422
    assert Dossier.objects.count() == 0


def test_assisted_online_needs_the_scans_and_the_eform(w, login):
    w.version.eform_fields = EFORM
    w.version.save(update_fields=["eform_fields"])
    client = login(w.receiver)
    html = client.get(url(w)).content.decode()
    assert 'name="ef_muc_dich"' in html and "Mục đích sử dụng" in html
    response = client.post(url(w), posted(w, channel="assisted_online"))
    assert response.status_code == 422
    html = response.content.decode()
    form = w.version.components.get(is_required=True)
    for anchor in (f"id_c{form.pk}_file", "id_ef_muc_dich", "id_ef_cam_doan"):
        assert f'href="#{anchor}"' in html
    assert Dossier.objects.count() == 0

    response = client.post(
        url(w),
        posted(w, channel="assisted_online", ef_muc_dich="Đăng ký kết hôn", ef_cam_doan="on", **scan(w)),
    )
    assert response.status_code == 302
    assert Dossier.objects.get().form_data == {"muc_dich": "Đăng ký kết hôn", "cam_doan": True}


def test_assisted_online_joins_the_citizens_verified_account(w, login):
    w.citizen.phone, w.citizen.is_phone_verified = "0912345678", True
    w.citizen.save(update_fields=["phone", "is_phone_verified"])
    response = login(w.receiver).post(
        url(w), posted(w, channel="assisted_online", link_account="on", action="submit", **scan(w))
    )
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert (dossier.owner, dossier.assisted_by, dossier.status) == (w.citizen, w.receiver, Status.SUBMITTED)
    # The scan is kept in the citizen's own store for later dossiers (Decree 45/2020).
    assert list(StoredDocument.objects.filter(owner=w.citizen).values_list("kind", flat=True)) == [
        "submitted"
    ]


def test_an_account_is_never_linked_on_an_unverified_or_ambiguous_match(w, login):
    w.citizen.phone = "0912345678"  # typed into a profile, never verified
    w.citizen.save(update_fields=["phone"])
    response = login(w.receiver).post(
        url(w), posted(w, channel="assisted_online", link_account="on", **scan(w))
    )
    assert response.status_code == 422
    assert 'href="#id_link_account"' in response.content.decode()
    assert Dossier.objects.count() == 0
    # An officer's own account is not a citizen's, verified or not.
    w.receiver.phone, w.receiver.is_phone_verified = "0912345678", True
    w.receiver.save(update_fields=["phone", "is_phone_verified"])
    assert (
        login(w.receiver)
        .post(url(w), posted(w, channel="assisted_online", link_account="on", **scan(w)))
        .status_code
        == 422
    )
    assert Dossier.objects.count() == 0
