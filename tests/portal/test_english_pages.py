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


@pytest.fixture
def monday_morning():
    import time_machine

    from tests.queues.helpers import NOW

    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def test_queue_kiosk_in_english(english, monday_morning):
    from tests.queues.helpers import queue_setup

    queue_setup(dossier_world())
    html = page(english, "/xep-hang/H12.99/")
    assert "Take a queue number" in html
    assert "Please choose a service to get a queue number" in html
    assert "Are you in a priority group? (optional)" in html
    assert "Older person" in html
    assert (
        "Booked an appointment online? Show your appointment code at the help desk to get priority." in html
    )
    assert "Mời ông/bà chọn dịch vụ" not in html
    # Service group names are data and stay in Vietnamese.
    assert "Tư pháp – Hộ tịch" in html


def test_appointment_start_in_english(english, monday_morning):
    from tests.appointments.helpers import guidance

    guidance(dossier_world())
    html = page(english, "/dat-lich/")
    assert "Book an appointment" in html
    assert "Book a time for an officer to help you fill in a dossier at the centre" in html
    assert "Already booked?" in html
    assert "View, change or cancel an appointment with its appointment code" in html
    assert "Đặt lịch hẹn" not in html


def test_petition_form_in_english(english, w):
    html = page(english, "/phan-anh/gui/")
    assert "Send a petition" in html
    assert "What is your petition about?" in html
    assert "Administrative rules or procedures" in html
    assert "Up to 3 JPG, PNG or PDF files, each no larger than 10 MB." in html
    assert "Publish the petition and the answer?" in html
    assert "Gửi phản ánh, kiến nghị" not in html


def test_fee_payment_page_in_english(english, w):
    from tests.payments.helpers import owned_received

    dossier = owned_received(w)
    english.force_login(w.citizen)
    html = page(english, f"/thanh-toan/{dossier.code}/")
    assert "Dossier fees" in html
    assert "Fee not paid" in html
    assert "Still to pay" in html
    assert 'type="submit">Online payment</button>' in html
    assert "You will be taken to the payment gateway." in html
    assert "Phí, lệ phí hồ sơ" not in html
