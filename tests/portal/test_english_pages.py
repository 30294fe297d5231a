"""The citizen pages added with accounts, online submission, electronic results and ratings read in English once
the language switch is pressed (the choice travels in the language cookie, as on the site)."""

import pytest

from motcua.dossiers.online import online_draft_create
from tests.factories import dossier_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return dossier_world()


@pytest.fixture
def english(client):
    switch = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert switch.status_code == 302
    return client


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Language"] == "en"
    html = response.content.decode()
    assert '<html lang="en">' in html
    return html


def test_account_registration_in_english(english):
    html = page(english, "/tai-khoan/dang-ky/")
    assert "Create an account" in html
    assert "Step 1 of 3" in html
    assert "Mobile phone number or email address" in html
    assert "Send verification code" in html
    assert "Already have an account? Sign in" in html
    assert "Đăng ký tài khoản" not in html


def test_online_submission_start_in_english(english, w):
    english.force_login(w.citizen)
    html = page(english, f"/nop-truc-tuyen/{w.version.procedure.national_code}/")
    assert "Submit a dossier online" in html
    assert 'type="submit">Start <span aria-hidden="true">›</span></button>' in html
    assert "What you need" in html
    assert "Your personal ID number (ID card number) and phone number" in html
    assert "The one-stop desk will check the dossier and reply to you within 8 working hours" in html
    assert "Processing time: 3 working days from when the dossier is received." in html
    assert "Nộp hồ sơ trực tuyến" not in html
    # Procedure data stays in Vietnamese.
    assert "Tờ khai cấp Giấy xác nhận tình trạng hôn nhân" in html


def test_my_dossiers_in_english(english, w):
    english.force_login(w.citizen)
    empty = page(english, "/ho-so-cua-toi/")
    assert "My dossiers" in empty
    assert "You have no dossiers yet. Find the procedure you need and choose “Apply online”." in empty
    assert "My documents" in empty
    assert "Recent notifications" in empty

    online_draft_create(actor=w.citizen, version=w.version)
    html = page(english, "/ho-so-cua-toi/")
    assert "Drafts not sent" in html
    assert "Draft, not sent" in html
    assert "Hồ sơ của tôi" not in html


def test_result_verification_in_english(english):
    html = page(english, "/ket-qua/kiem-tra/")
    assert "Check an electronic result" in html
    assert "Choose the result file (PDF) you downloaded." in html
    assert "The file is only used for the check and is not kept." in html
    assert "Result file (PDF, up to 20 MB)" in html
    assert "Kiểm tra kết quả điện tử" not in html


def test_rating_kiosk_start_in_english(english, w):
    html = page(english, "/danh-gia/quay/H12.99/")
    assert "Please rate how your dossier was handled" in html
    assert "Rate your satisfaction with how your administrative procedure was handled" in html
    assert "Enter the dossier code printed on your dossier receipt and result appointment slip" in html
    assert "Last 4 digits of your phone number" in html
    assert "Continue" in html
    assert "Mời bạn đánh giá" not in html
