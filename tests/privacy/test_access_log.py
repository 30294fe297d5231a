"""Staff access to personal data is recorded, and only the right people read the record."""

import pytest

from motcua.privacy.enums import AccessChannel, AccessKind
from motcua.privacy.models import PersonalDataAccess
from tests.privacy.conftest import MONDAY_MORNING, bearer

pytestmark = pytest.mark.django_db


def only_row():
    rows = list(PersonalDataAccess.objects.all())
    assert len(rows) == 1, rows
    return rows[0]


def test_opening_a_dossier_in_the_back_office_records_who_when_and_where(w, dossier, login):
    response = login(w.receiver).get(f"/can-bo/ho-so/{dossier.code}/", REMOTE_ADDR="10.0.0.7")
    assert response.status_code == 200
    row = only_row()
    assert (row.actor, row.actor_username, row.unit, row.dossier, row.subject) == (
        w.receiver,
        "tiepnhan",
        w.centre,
        dossier,
        w.citizen,
    )
    assert (row.kind, row.channel, row.route) == (
        AccessKind.VIEW,
        AccessChannel.WEB,
        "can-bo/ho-so/<str:reference>/",
    )
    assert len(row.client_hash) == 16 and "10.0.0.7" not in row.client_hash


def test_a_dossier_outside_the_officers_units_is_not_shown_and_not_recorded(w, dossier, login):
    assert login(w.commune_receiver).get(f"/can-bo/ho-so/{dossier.code}/").status_code == 404
    assert not PersonalDataAccess.objects.exists()


def test_the_api_detail_and_history_are_recorded_for_staff_but_not_for_the_applicant(w, dossier, client):
    assert client.get(f"/api/v1/dossiers/{dossier.code}", **bearer(w.receiver)).status_code == 200
    assert client.get(f"/api/v1/dossiers/{dossier.code}/history", **bearer(w.receiver)).status_code == 200
    assert client.get(f"/api/v1/dossiers/{dossier.code}", **bearer(w.citizen)).status_code == 200
    rows = list(PersonalDataAccess.objects.order_by("id").values_list("kind", "channel", "actor_username"))
    assert rows == [
        (AccessKind.VIEW, AccessChannel.API, "tiepnhan"),
        (AccessKind.HISTORY, AccessChannel.API, "tiepnhan"),
    ]


def test_downloading_a_scan_is_recorded(w, login, clock, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from motcua.dossiers.services import DocumentData, dossier_intake
    from tests.factories import intake_data

    png = b"\x89PNG\r\n\x1a\n" + b"\x01" * 32
    data = intake_data(
        w, documents=[DocumentData(name="Tờ khai", upload=SimpleUploadedFile("a.png", png, "image/png"))]
    )
    dossier = dossier_intake(data=data, actor=w.receiver)
    document = dossier.documents.get()
    assert login(w.receiver).get(f"/can-bo/ho-so/{dossier.code}/tep/{document.pk}/").status_code == 200
    row = only_row()
    assert (row.kind, row.dossier, row.detail) == (AccessKind.DOWNLOAD, dossier, "#1")


def test_exporting_the_register_is_recorded_with_the_unit_and_range(w, dossier, login):
    response = login(w.receiver).get(
        "/can-bo/so-theo-doi/",
        {"don_vi": "H12.99", "tu": "2026-03-01", "den": "2026-03-02", "dinh_dang": "xlsx"},
    )
    assert response.status_code == 200
    row = only_row()
    assert (row.kind, row.unit, row.dossier, row.detail) == (
        AccessKind.EXPORT,
        w.centre,
        None,
        "so-theo-doi-H12.99-20260301-20260302.xlsx",
    )


@pytest.mark.parametrize(
    ("q", "detail"),
    [
        ("0912345678", "số điện thoại hoặc số định danh"),
        ("Nguyễn Thị Hoa", "họ tên"),
        ("096123456789", "số điện thoại hoặc số định danh"),
    ],
)
def test_a_search_by_personal_data_records_the_kind_of_term_never_the_term(w, dossier, client, q, detail):
    response = client.get("/api/v1/dossiers", {"q": q}, **bearer(w.receiver))
    assert response.json()["count"] == 1
    row = only_row()
    assert (row.kind, row.detail, row.dossier) == (AccessKind.SEARCH, detail, None)
    stored = " ".join(str(v) for v in PersonalDataAccess.objects.values_list().get())
    assert q not in stored and "5678" not in stored


def test_a_search_by_dossier_code_names_nobody_and_is_not_recorded(w, dossier, client):
    assert client.get("/api/v1/dossiers", {"q": dossier.code}, **bearer(w.receiver)).json()["count"] == 1
    assert client.get("/api/v1/dossiers", {"q": "H12.99-2603"}, **bearer(w.receiver)).json()["count"] == 1
    assert not PersonalDataAccess.objects.exists()


def test_the_counter_applicant_lookup_records_a_search_by_id_number(w, dossier, login):
    response = login(w.receiver).post("/can-bo/tiep-nhan/nguoi-nop/", {"so_dinh_danh": "096123456789"})
    assert response.json()["found"] is True
    row = only_row()
    assert (row.kind, row.detail, row.unit) == (
        AccessKind.SEARCH,
        "số điện thoại hoặc số định danh",
        w.centre,
    )


def test_opening_a_citizens_account_page_at_the_counter_is_recorded_against_that_account(w, login):
    from motcua.accounts.services import citizen_register_at_counter

    citizen = citizen_register_at_counter(
        actor=w.receiver, full_name="Trần Văn Quầy", phone="0987000111", id_number="001099000111"
    )
    assert login(w.receiver).get(f"/can-bo/cong-dan/{citizen.pk}/").status_code == 200
    row = only_row()
    assert (row.kind, row.subject, row.dossier) == (AccessKind.CITIZEN, citizen, None)


def test_reading_a_petition_is_recorded_and_its_petitioner_sees_it(w, login, clock):
    from tests.petitions.helpers import submitted

    petition = submitted(w, when=MONDAY_MORNING, actor=w.citizen)
    assert login(w.receiver).get(f"/can-bo/phan-anh/{petition.code}/").status_code == 200
    row = only_row()
    assert (row.kind, row.subject, row.detail) == (AccessKind.PETITION, w.citizen, petition.code)
    html = login(w.citizen).get("/tai-khoan/du-lieu-ca-nhan/").content.decode()
    assert "Xem phản ánh, kiến nghị" in html and petition.code in html


def test_printing_a_fee_receipt_is_recorded(w, login):
    from tests.payments.helpers import owned_received

    dossier = owned_received(w)
    client = login(w.receiver)
    response = client.post(f"/can-bo/thanh-toan/ho-so/{dossier.code}/", {"method": "cash"})
    PersonalDataAccess.objects.all().delete()  # the payment page itself is not the receipt
    assert client.get(response["Location"]).status_code == 200
    row = only_row()
    assert (row.kind, row.dossier, row.detail) == (
        AccessKind.PRINT,
        dossier,
        "Biên lai BL-H12.99-2026-000001",
    )
