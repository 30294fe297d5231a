"""Registration by phone or e-mail: code → verify → name and password → signed in."""

from datetime import datetime, timedelta

import pytest
import time_machine

from motcua.accounts.enums import CodePurpose
from motcua.accounts.models import User, VerificationCode
from motcua.notifications.models import Message
from motcua.workcal.calendar import LOCAL_TZ
from tests.accounts.helpers import CODE, last_message, sent_code
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=LOCAL_TZ)
NEW_PASSWORD = "hoa-sen-2026!"


def start(client, identifier="0912345678", **extra):
    return client.post("/tai-khoan/dang-ky/", {"identifier": identifier}, **extra)


def test_registration_by_phone_signs_the_citizen_in(client):
    with time_machine.travel(NOW, tick=False):
        first = start(client, "+84 912 345 678")
        assert first["Location"] == "/tai-khoan/dang-ky/xac-minh/"
        message = last_message("0912345678")
        assert (message.event, message.channel) == ("verification_code", "sms")
        code = sent_code("0912345678")
        page = client.get("/tai-khoan/dang-ky/xac-minh/").content.decode()
        assert "091••••678" in page
        assert "0912345678" not in page

        verified = client.post("/tai-khoan/dang-ky/xac-minh/", {"code": code})
        assert verified["Location"] == "/tai-khoan/dang-ky/thong-tin/"
        done = client.post(
            "/tai-khoan/dang-ky/thong-tin/",
            {"full_name": "  Nguyễn   Thị Hoa ", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )
        assert done["Location"] == "/tai-khoan/dang-ky/hoan-tat/"
        user = User.objects.get(phone="0912345678")
        assert client.session["_auth_user_id"] == str(user.pk)
        assert "Đã tạo tài khoản" in client.get(done["Location"]).content.decode()
        # A signed-in person is not offered registration again.
        assert client.get("/tai-khoan/dang-ky/")["Location"] == "/tai-khoan/"
    assert (user.full_name, user.is_phone_verified, user.email) == ("Nguyễn Thị Hoa", True, "")
    assert user.username.startswith("cd")
    assert user.check_password(NEW_PASSWORD)
    assert VerificationCode.objects.get().used_at is not None
    client.logout()
    assert client.post("/dang-nhap/", {"username": "0912345678", "password": NEW_PASSWORD}).status_code == 302


def test_registration_by_email_sends_the_code_by_email(client):
    start(client, "Hoa@Example.vn")
    message = last_message("hoa@example.vn")
    assert message.channel == "email"
    assert message.subject == f"Mã xác minh {sent_code('hoa@example.vn')}"


def test_the_code_is_stored_only_as_a_keyed_hash(client):
    start(client)
    code = sent_code("0912345678")
    row = VerificationCode.objects.get()
    assert (row.purpose, row.target, row.attempts) == (CodePurpose.REGISTER, "0912345678", 0)
    assert code not in row.code_hash
    assert len(row.code_hash) == 64


def test_a_wrong_code_counts_and_the_fifth_ends_the_code(client):
    start(client)
    code = sent_code("0912345678")
    wrong = "000000" if code != "000000" else "111111"
    page = client.post("/tai-khoan/dang-ky/xac-minh/", {"code": wrong}).content.decode()
    assert "Mã xác minh không đúng. Bạn còn 4 lần thử." in page
    assert '<a href="#id_code">Mã xác minh không đúng.' in page
    for _ in range(4):
        page = client.post("/tai-khoan/dang-ky/xac-minh/", {"code": wrong}).content.decode()
    assert "Bạn đã nhập sai 5 lần; hãy yêu cầu gửi mã mới." in page
    # Now even the right code is refused.
    page = client.post("/tai-khoan/dang-ky/xac-minh/", {"code": code}).content.decode()
    assert "Bạn đã nhập sai mã quá 5 lần. Hãy yêu cầu gửi mã mới." in page
    assert VerificationCode.objects.get().attempts == 5
    assert User.objects.filter(phone="0912345678").count() == 0


def test_a_code_expires_after_ten_minutes(client):
    with time_machine.travel(NOW, tick=False):
        start(client)
        code = sent_code("0912345678")
    with time_machine.travel(NOW + timedelta(minutes=10, seconds=1), tick=False):
        page = client.post("/tai-khoan/dang-ky/xac-minh/", {"code": code}).content.decode()
    assert "Mã xác minh đã hết hạn. Hãy yêu cầu gửi mã mới." in page


def test_a_new_code_replaces_the_old_one(client):
    start(client)
    old = sent_code("0912345678")
    response = client.post("/tai-khoan/dang-ky/xac-minh/", {"action": "resend"})
    assert response["Location"] == "/tai-khoan/dang-ky/xac-minh/"
    new = sent_code("0912345678")
    assert Message.objects.filter(recipient="0912345678").count() == 2
    if old != new:
        page = client.post("/tai-khoan/dang-ky/xac-minh/", {"code": old}).content.decode()
        assert "Mã xác minh không đúng." in page
    assert (
        client.post("/tai-khoan/dang-ky/xac-minh/", {"code": new})["Location"]
        == "/tai-khoan/dang-ky/thong-tin/"
    )


def test_codes_per_phone_are_rate_limited(client, settings):
    settings.MOTCUA_VERIFICATION_RATE_PER_TARGET_PER_HOUR = 3
    for _ in range(3):
        assert start(client).status_code == 302
    refused = start(client)
    assert refused.status_code == 429
    assert "Bạn đã yêu cầu gửi mã quá nhiều lần." in refused.content.decode()
    assert Message.objects.filter(recipient="0912345678").count() == 3
    # Another phone from the same place is still fine.
    assert start(client, "0987654321").status_code == 302


def test_codes_per_client_address_are_rate_limited(client, settings):
    settings.MOTCUA_VERIFICATION_RATE_PER_IP_PER_HOUR = 2
    assert start(client, "0911111111").status_code == 302
    assert start(client, "0922222222").status_code == 302
    assert start(client, "0933333333").status_code == 429
    assert start(client, "0944444444", REMOTE_ADDR="10.0.0.9").status_code == 302


def test_a_phone_with_an_account_gets_a_notice_not_a_code_and_the_page_says_the_same(client):
    UserFactory(phone="0912345678", is_phone_verified=True)
    response = start(client)
    assert response["Location"] == "/tai-khoan/dang-ky/xac-minh/"
    message = last_message("0912345678")
    assert "da co tai khoan" in message.body
    assert CODE.search(message.body) is None
    page = client.get("/tai-khoan/dang-ky/xac-minh/").content.decode()
    assert "Chúng tôi đã gửi mã xác minh gồm 6 chữ số đến số điện thoại 091••••678." in page


def test_bad_input_is_named_in_the_error_summary(client):
    page = start(client, "0212").content.decode()
    assert '<a href="#id_identifier">Số điện thoại di động gồm 10 chữ số' in page
    assert 'aria-invalid="true"' in page
    assert VerificationCode.objects.count() == 0


def test_name_and_password_rules(client):
    start(client)
    client.post("/tai-khoan/dang-ky/xac-minh/", {"code": sent_code("0912345678")})
    page = client.post(
        "/tai-khoan/dang-ky/thong-tin/", {"full_name": "", "password1": "12345678", "password2": "12345678"}
    ).content.decode()
    assert '<a href="#id_full_name">Nhập họ và tên.</a>' in page
    page = client.post(
        "/tai-khoan/dang-ky/thong-tin/",
        {"full_name": "Hoa", "password1": "12345678", "password2": "12345678"},
    ).content.decode()
    assert '<a href="#id_password1">' in page
    assert "quá phổ biến" in page or "too common" in page
    page = client.post(
        "/tai-khoan/dang-ky/thong-tin/", {"full_name": "Hoa", "password1": NEW_PASSWORD, "password2": "khac"}
    ).content.decode()
    assert "Hai mật khẩu đã nhập không giống nhau." in page
    assert User.objects.filter(phone="0912345678").count() == 0
    # After the mistakes the code is still good for the corrected page.
    client.post(
        "/tai-khoan/dang-ky/thong-tin/",
        {"full_name": "Hoa", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert User.objects.filter(phone="0912345678", is_phone_verified=True).count() == 1


def test_the_details_page_expires_half_an_hour_after_the_code(client):
    with time_machine.travel(NOW, tick=False):
        start(client)
        client.post("/tai-khoan/dang-ky/xac-minh/", {"code": sent_code("0912345678")})
    with time_machine.travel(NOW + timedelta(minutes=31), tick=False):
        page = client.post(
            "/tai-khoan/dang-ky/thong-tin/",
            {"full_name": "Hoa", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        ).content.decode()
    assert "Phiên xác minh đã hết hạn" in page
    assert User.objects.filter(phone="0912345678").count() == 0


def test_skipping_a_step_goes_back_to_the_start(client):
    assert client.get("/tai-khoan/dang-ky/xac-minh/")["Location"] == "/tai-khoan/dang-ky/"
    start(client)
    assert client.get("/tai-khoan/dang-ky/thong-tin/")["Location"] == "/tai-khoan/dang-ky/"
