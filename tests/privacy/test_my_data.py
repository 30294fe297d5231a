"""The citizen's own data: who saw it, a copy of it (web ZIP and API), and the supervisors' access log."""

import io
import json
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from motcua.docstore.services import stored_document_add
from motcua.dossiers.services import ApplicantData, dossier_intake
from motcua.org.enums import Role
from motcua.privacy.enums import AccessKind
from motcua.privacy.models import PersonalDataAccess
from tests.factories import StaffRoleFactory, UserFactory, intake_data
from tests.privacy.conftest import bearer

pytestmark = pytest.mark.django_db


@pytest.fixture
def others_dossier(w):
    data = intake_data(
        w, applicant=ApplicantData(name="Trần Văn Khác", phone="0987654321", id_number="079111222333")
    )
    created = dossier_intake(data=data, actor=w.receiver)
    created.owner = w.other_citizen
    created.save(update_fields=["owner"])
    return created


def test_the_account_page_links_to_my_data(w, login):
    html = login(w.citizen).get("/tai-khoan/").content.decode()
    assert 'href="/tai-khoan/du-lieu-ca-nhan/#ai-da-xem"' in html
    assert 'href="/tai-khoan/xoa-tai-khoan/"' in html


def test_who_saw_my_data_lists_my_dossiers_accesses_only(w, dossier, others_dossier, client, login):
    officer = login(w.receiver)
    officer.get(f"/can-bo/ho-so/{dossier.code}/")
    officer.get(f"/can-bo/ho-so/{others_dossier.code}/")
    officer.get("/can-bo/tra-cuu/", {"q": "Nguyễn Thị Hoa"})
    assert PersonalDataAccess.objects.count() == 3
    html = login(w.citizen).get("/tai-khoan/du-lieu-ca-nhan/").content.decode()
    assert dossier.code in html and "Trung tâm Phục vụ hành chính công tỉnh Cà Mau" in html
    assert others_dossier.code not in html
    assert "tiepnhan" not in html  # the unit, not the officer's account
    assert "Tra cứu theo thông tin cá nhân" not in html  # a search names nobody
    other = login(w.other_citizen).get("/tai-khoan/du-lieu-ca-nhan/").content.decode()
    assert others_dossier.code in other and dossier.code not in other
    listed = client.get("/api/v1/me/accesses", **bearer(w.citizen)).json()
    assert [(a["action"], a["dossier"]) for a in listed] == [(AccessKind.VIEW, dossier.code)]


def test_the_download_holds_my_data_and_nothing_of_anyone_else(w, dossier, others_dossier, login):
    name = default_storage.save("docstore/2026/03/giay-khai-sinh.pdf", ContentFile(b"%PDF-1.4 mine"))
    stored_document_add(
        owner=w.citizen,
        kind="uploaded",
        name="Giấy khai sinh",
        file_name=name,
        content_type="application/pdf",
        size=13,
        sha256="a" * 64,
    )
    login(w.receiver).get(f"/can-bo/ho-so/{dossier.code}/")
    response = login(w.citizen).post("/tai-khoan/du-lieu-ca-nhan/tai-ve/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="du-lieu-ca-nhan-20260302.zip"'
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = archive.namelist()
    assert names[:2] == ["du-lieu.json", "tom-tat.txt"]
    assert any(n.startswith("kho-du-lieu/") and n.endswith("giay-khai-sinh.pdf") for n in names)
    data = json.loads(archive.read("du-lieu.json"))
    assert data["account"]["username"] == "congdan"
    assert [d["code"] for d in data["dossiers"]] == [dossier.code]
    assert data["dossiers"][0]["applicant"]["phone"] == "0912345678"
    assert [e["action"] for e in data["dossiers"][0]["history"]] == ["receive"]
    assert [s["name"] for s in data["stored_documents"]] == ["Giấy khai sinh"]
    assert [(a["action"], a["dossier"]) for a in data["personal_data_accesses"]] == [("view", dossier.code)]
    everything = archive.read("du-lieu.json").decode() + archive.read("tom-tat.txt").decode()
    for foreign in (others_dossier.code, "Trần Văn Khác", "0987654321", "079111222333"):
        assert foreign not in everything
    summary = archive.read("tom-tat.txt").decode()
    assert "Hồ sơ thủ tục hành chính: 1" in summary and dossier.code in summary


def test_the_api_export_is_the_same_document_and_is_rate_limited(w, dossier, client):
    first = client.get("/api/v1/me/export", **bearer(w.citizen))
    assert first.status_code == 200
    assert [d["code"] for d in first.json()["dossiers"]] == [dossier.code]
    for _ in range(4):
        assert client.get("/api/v1/me/export", **bearer(w.citizen)).status_code == 200
    refused = client.get("/api/v1/me/export", **bearer(w.citizen))
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "rate_limited"
    # Another account has its own allowance.
    assert client.get("/api/v1/me/export", **bearer(w.other_citizen)).json()["dossiers"] == []


def test_the_web_download_is_rate_limited_too(w, dossier, login):
    client = login(w.citizen)
    for _ in range(5):
        assert client.post("/tai-khoan/du-lieu-ca-nhan/tai-ve/").status_code == 200
    refused = client.post("/tai-khoan/du-lieu-ca-nhan/tai-ve/", follow=True)
    assert refused.redirect_chain == [("/tai-khoan/du-lieu-ca-nhan/", 302)]
    assert "Bạn đã tải dữ liệu nhiều lần trong một giờ" in refused.content.decode()


def test_supervisors_read_their_units_access_log_and_no_one_else_does(w, dossier, login):
    login(w.receiver).get(f"/can-bo/ho-so/{dossier.code}/")
    html = login(w.supervisor).get("/can-bo/du-lieu-ca-nhan/").content.decode()
    assert "tiepnhan" in html and dossier.code in html and "Xem hồ sơ" in html
    assert 'href="/can-bo/du-lieu-ca-nhan/"' in html  # in the supervisor's menu
    filtered = login(w.supervisor).get("/can-bo/du-lieu-ca-nhan/", {"ho_so": "H12.99-260302-9999"})
    assert "tiepnhan (tiepnhan)" not in filtered.content.decode()
    commune_supervisor = UserFactory(username="giamsat_xa")
    StaffRoleFactory(user=commune_supervisor, unit=w.commune_centre, role=Role.SUPERVISOR)
    assert dossier.code not in login(commune_supervisor).get("/can-bo/du-lieu-ca-nhan/").content.decode()
    for user in (w.receiver, w.head, w.citizen):
        assert login(user).get("/can-bo/du-lieu-ca-nhan/").status_code == 403


def test_the_pages_read_in_english_too(w, dossier, login):
    login(w.receiver).get(f"/can-bo/ho-so/{dossier.code}/")
    client = login(w.citizen)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    mine = client.get("/tai-khoan/du-lieu-ca-nhan/").content.decode()
    assert "Download my personal data" in mine and "Who saw my data" in mine and "Xem hồ sơ" not in mine
    delete = client.get("/tai-khoan/xoa-tai-khoan/").content.decode()
    assert "What is kept" in delete and "dossiers or appointments are still in progress" in delete
