"""The officers' result page, the owner's and the status page's downloads, and the public signature check."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.dossiers.models import DossierResult
from motcua.dossiers.results import dossier_result_attach
from motcua.dossiers.services import dossier_intake
from motcua.paperwork.signing import certificates_demo_create
from tests.factories import intake_data

from .helpers import decided_dossier, plain_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(w):
    """A decided dossier of w.citizen's with its signed result."""
    certificates_demo_create()
    dossier = decided_dossier(w, owner=w.citizen)
    result = dossier_result_attach(dossier=dossier, actor=w.leader, pdf=plain_pdf("Ket qua"))
    return dossier, result, result.file.read()


def without_csrf(content: bytes) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", content.decode())


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


# --- back office ---------------------------------------------------------------------------------------------
def test_leader_generates_and_signs_from_the_page(client, w):
    certificates_demo_create()
    dossier = decided_dossier(w)
    client.force_login(w.leader)

    page = client.get(f"/can-bo/ket-qua/{dossier.code}/")
    assert page.status_code == 200
    assert "bằng chứng thư số của Sở Tư pháp" in page.content.decode()
    response = client.post(f"/can-bo/ket-qua/{dossier.code}/", {"name": ""})

    assert response.status_code == 302
    assert response["Location"] == f"/can-bo/ket-qua/{dossier.code}/"
    result = DossierResult.objects.get(dossier=dossier)
    page = client.get(response["Location"]).content.decode()
    assert "Đã ký số kết quả điện tử của hồ sơ" in page
    assert "Chữ ký số hợp lệ, tệp không bị thay đổi sau khi ký." in page
    assert result.sha256 in page
    download = client.get(f"/can-bo/ket-qua/{dossier.code}/tai-ve/")
    assert download["Content-Type"] == "application/pdf"
    assert body(download) == result.file.open("rb").read()


def test_dossier_page_links_to_the_result_once_decided(client, w):
    dossier = decided_dossier(w)
    other = dossier_intake(data=intake_data(w), actor=w.receiver)
    client.force_login(w.receiver)

    assert f"/can-bo/ket-qua/{dossier.code}/" in client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    assert "/can-bo/ket-qua/" not in client.get(f"/can-bo/ho-so/{other.code}/").content.decode()


def test_a_non_pdf_upload_is_refused_on_the_page(client, w):
    certificates_demo_create()
    dossier = decided_dossier(w)
    client.force_login(w.leader)
    upload = SimpleUploadedFile("ket-qua.pdf", b"\x89PNG\r\n\x1a\n" + b"\0" * 40, "application/pdf")

    response = client.post(f"/can-bo/ket-qua/{dossier.code}/", {"file": upload})

    assert response.status_code == 422
    page = response.content.decode()
    assert 'href="#ket-qua-tep"' in page and "Kết quả điện tử phải là tệp PDF." in page
    assert not DossierResult.objects.exists()


def test_page_refusals_say_why(client, w):
    certificates_demo_create()
    processing = decided_dossier(w)  # decided: used for the permission case
    client.force_login(w.specialist)  # sees the dossier (its division handled it) but may not sign
    page = client.get(f"/can-bo/ket-qua/{processing.code}/").content.decode()
    assert "Ký số và đính kèm" not in page
    assert client.post(f"/can-bo/ket-qua/{processing.code}/").status_code == 403

    received = dossier_intake(data=intake_data(w), actor=w.receiver)
    client.force_login(w.receiver)
    response = client.post(f"/can-bo/ket-qua/{received.code}/")
    assert response.status_code == 409
    assert "chỉ đính kèm kết quả điện tử khi hồ sơ đã có kết quả giải quyết" in response.content.decode()
    assert not DossierResult.objects.exists()


def test_missing_certificates_are_explained_before_and_after_trying(client, w):
    dossier = decided_dossier(w)
    client.force_login(w.leader)

    assert "Chưa có chứng thư số" in client.get(f"/can-bo/ket-qua/{dossier.code}/").content.decode()
    response = client.post(f"/can-bo/ket-qua/{dossier.code}/")

    assert response.status_code == 409
    assert "đề nghị quản trị hệ thống cài đặt chứng thư số" in response.content.decode()


# --- the owner's download ------------------------------------------------------------------------------------
def test_owner_downloads_others_get_404(client, w, signed):
    dossier, result, content = signed
    url = f"/ket-qua/{dossier.code}/tai-ve/"

    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/dang-nhap/")
    client.force_login(w.citizen)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{dossier.code}-ket-qua.pdf"'
    assert body(response) == content
    for stranger in (w.other_citizen, w.receiver, w.leader):
        client.force_login(stranger)
        assert client.get(url).status_code == 404


def test_owner_without_a_result_gets_404(client, w):
    dossier = decided_dossier(w, owner=w.citizen)
    client.force_login(w.citizen)

    assert client.get(f"/ket-qua/{dossier.code}/tai-ve/").status_code == 404


# --- the status page -----------------------------------------------------------------------------------------
def test_status_page_offers_the_download_and_the_digits_fetch_it(client, w, signed):
    dossier, result, content = signed

    page = client.post("/tra-cuu/", {"ma": dossier.code, "so": "5678"}).content.decode()
    assert 'action="/ket-qua/theo-ma/"' in page
    assert f'name="ma" value="{dossier.code}"' in page and 'name="so" value="5678"' in page

    response = client.post("/ket-qua/theo-ma/", {"ma": dossier.code, "so": "5678"})
    assert response.status_code == 200
    assert body(response) == content


def test_wrong_digits_get_the_answer_of_an_unknown_code(client, w, signed):
    dossier, _result, _content = signed

    wrong = client.post("/ket-qua/theo-ma/", {"ma": dossier.code, "so": "0000"})
    status_page = client.post("/tra-cuu/", {"ma": dossier.code, "so": "0000"})
    unknown_code = dossier.code[:-4] + "9999"
    unknown = client.post("/ket-qua/theo-ma/", {"ma": unknown_code, "so": "5678"})

    assert wrong.status_code == status_page.status_code == unknown.status_code == 404
    # The same page, word for word; only the links back to "this page" name its own address.
    assert without_csrf(wrong.content).replace("/ket-qua/theo-ma/", "/tra-cuu/") == without_csrf(
        status_page.content
    )
    assert without_csrf(unknown.content) == without_csrf(wrong.content).replace(dossier.code, unknown_code)
    assert client.get("/ket-qua/theo-ma/")["Location"] == "/tra-cuu/"
    assert "PDF" not in wrong["Content-Type"]


def test_status_page_without_a_result_offers_nothing(client, w):
    dossier = decided_dossier(w)

    page = client.post("/tra-cuu/", {"ma": dossier.code, "so": "5678"}).content.decode()
    assert "/ket-qua/theo-ma/" not in page
    response = client.post("/ket-qua/theo-ma/", {"ma": dossier.code, "so": "5678"})
    assert response.status_code == 404
    assert "Hồ sơ này chưa có kết quả điện tử để tải về." in response.content.decode()


def test_downloads_by_code_share_the_status_page_rate_limit(client, w, signed, settings):
    dossier, _result, _content = signed
    settings.MOTCUA_STATUS_RATE_PER_MINUTE = 2
    client.post("/tra-cuu/", {"ma": dossier.code, "so": "5678"})
    client.post("/ket-qua/theo-ma/", {"ma": dossier.code, "so": "5678"})

    response = client.post("/ket-qua/theo-ma/", {"ma": dossier.code, "so": "5678"})

    assert response.status_code == 429
    assert "Bạn tra cứu quá nhiều lần" in response.content.decode()


# --- the public check ----------------------------------------------------------------------------------------
def test_verifying_a_downloaded_result(client, w, signed):
    dossier, result, content = signed

    page = client.post("/ket-qua/kiem-tra/", {"tep": SimpleUploadedFile("kq.pdf", content)})

    assert page.status_code == 200
    text = page.content.decode()
    assert "Chữ ký số hợp lệ" in text
    assert "Sở Tư pháp" in text
    assert f"Trùng khớp với kết quả điện tử của hồ sơ {dossier.code}" in text
    assert "Thay đổi sau khi ký" in text and "Có: tệp đã bị sửa đổi" not in text
    assert "chứng thư số trình diễn (DEMO)" in text
    # Verification stores nothing.
    assert DossierResult.objects.count() == 1


def test_verifying_a_changed_file(client, w, signed):
    _dossier, _result, content = signed
    position = content.index(b"Ket qua")
    tampered = content[:position] + b"Kex" + content[position + 3 :]

    text = client.post("/ket-qua/kiem-tra/", {"tep": SimpleUploadedFile("kq.pdf", tampered)}).content.decode()

    assert "Không xác nhận được kết quả điện tử" in text
    assert "Nội dung đã ký bị thay đổi" in text
    assert "Có: tệp đã bị sửa đổi sau khi ký" in text
    assert "Không trùng với kết quả điện tử nào do hệ thống này cấp" in text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Chọn tệp kết quả (PDF) cần kiểm tra."),
        ({"tep": ("ket-qua.pdf", b"<html>ket qua</html>")}, "không phải là PDF, JPEG hoặc PNG"),
        ({"tep": ("anh.pdf", b"\xff\xd8\xff" + b"\0" * 40)}, "không phải là tệp PDF"),
    ],
)
def test_verify_form_errors(client, db, data, message):
    payload = {key: SimpleUploadedFile(*value) for key, value in data.items()}

    response = client.post("/ket-qua/kiem-tra/", payload)

    assert response.status_code == 422
    text = response.content.decode()
    assert message in text and 'href="#tep"' in text


def test_verify_is_rate_limited(client, db, settings):
    settings.MOTCUA_VERIFY_RATE_PER_MINUTE = 1
    first = client.post("/ket-qua/kiem-tra/", {"tep": SimpleUploadedFile("a.pdf", plain_pdf())})
    assert first.status_code == 200

    second = client.post("/ket-qua/kiem-tra/", {"tep": SimpleUploadedFile("a.pdf", plain_pdf())})

    assert second.status_code == 429
    assert "Bạn kiểm tra quá nhiều lần" in second.content.decode()
