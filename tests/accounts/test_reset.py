"""Password reset by a code sent to the verified phone or e-mail."""

from datetime import datetime

import pytest
import time_machine

from motcua.accounts.models import VerificationCode
from motcua.notifications.models import Message
from motcua.workcal.calendar import LOCAL_TZ
from tests.accounts.helpers import last_message, sent_code
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=LOCAL_TZ)
NEW_PASSWORD = "hoa-sen-2026!"


@pytest.fixture
def citizen():
    return UserFactory(full_name="Nguyễn Thị Hoa", email="hoa@example.vn", is_email_verified=True)


def reset(client, identifier, code=None, password=NEW_PASSWORD):
    client.post("/tai-khoan/quen-mat-khau/", {"identifier": identifier})
    verify = client.post("/tai-khoan/quen-mat-khau/xac-minh/", {"code": code or sent_code(identifier)})
    if verify.status_code != 302:
        return verify
    return client.post("/tai-khoan/mat-khau-moi/", {"password1": password, "password2": password})


def test_reset_sets_a_new_password_and_signs_in(client, citizen):
    with time_machine.travel(NOW, tick=False):
        response = reset(client, "hoa@example.vn")
        assert response["Location"] == "/tai-khoan/"
        assert client.session["_auth_user_id"] == str(citizen.pk)
    message = last_message("hoa@example.vn")
    assert (message.event, message.channel) == ("password_reset", "email")
    assert message.subject.startswith("Mã đặt lại mật khẩu ")
    citizen.refresh_from_db()
    assert citizen.check_password(NEW_PASSWORD)
    assert not citizen.check_password(PASSWORD)
    assert VerificationCode.objects.get().used_at is not None


def test_an_unknown_address_gets_the_same_pages_and_no_message(client, citizen):
    known = client.post("/tai-khoan/quen-mat-khau/", {"identifier": "hoa@example.vn"})
    known_page = client.get(known["Location"]).content.decode()
    unknown = client.post("/tai-khoan/quen-mat-khau/", {"identifier": "ai@example.vn"})
    unknown_page = client.get(unknown["Location"]).content.decode()

    assert known["Location"] == unknown["Location"] == "/tai-khoan/quen-mat-khau/xac-minh/"
    assert "Nếu h•••@example.vn đã đăng ký tài khoản" in known_page
    assert "Nếu a•••@example.vn đã đăng ký tài khoản" in unknown_page
    assert not Message.objects.filter(recipient="ai@example.vn").exists()
    wrong = client.post("/tai-khoan/quen-mat-khau/xac-minh/", {"code": "123456"}).content.decode()
    assert "Mã xác minh không đúng. Bạn còn 4 lần thử." in wrong


def test_reset_lifts_a_lockout(client, citizen):
    for _ in range(5):
        client.post("/dang-nhap/", {"username": "hoa@example.vn", "password": "sai"})
    citizen.refresh_from_db()
    assert citizen.locked_until is not None

    reset(client, "hoa@example.vn")

    citizen.refresh_from_db()
    assert (citizen.locked_until, citizen.failed_login_count) == (None, 0)
    client.logout()
    assert (
        client.post("/dang-nhap/", {"username": "hoa@example.vn", "password": NEW_PASSWORD}).status_code
        == 302
    )


def test_an_officer_listed_by_an_unverified_address_can_reset_and_the_address_becomes_verified(client):
    officer = UserFactory(username="canbo1", email="canbo1@example.vn")
    reset(client, "canbo1@example.vn")
    officer.refresh_from_db()
    assert officer.check_password(NEW_PASSWORD)
    assert officer.is_email_verified


def test_a_weak_new_password_is_refused_and_the_old_one_stays(client, citizen):
    page = reset(client, "hoa@example.vn", password="123").content.decode()
    assert '<a href="#id_password1">' in page
    citizen.refresh_from_db()
    assert citizen.check_password(PASSWORD)


def test_an_inactive_account_gets_no_code(client, citizen):
    citizen.is_active = False
    citizen.save()
    client.post("/tai-khoan/quen-mat-khau/", {"identifier": "hoa@example.vn"})
    assert not Message.objects.exists()
