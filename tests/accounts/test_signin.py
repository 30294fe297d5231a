"""Signing in with a username, a verified phone or a verified e-mail; lockout; API tokens for citizens."""

from datetime import datetime, timedelta

import pytest
import time_machine

from motcua.accounts.models import User
from motcua.workcal.calendar import LOCAL_TZ
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=LOCAL_TZ)
LOCKED = "Bạn đã nhập sai mật khẩu quá nhiều lần."


@pytest.fixture
def citizen():
    return UserFactory(
        username="cdabc",
        full_name="Nguyễn Thị Hoa",
        phone="0912345678",
        is_phone_verified=True,
        email="hoa@example.vn",
        is_email_verified=True,
    )


def sign_in(client, name, password=PASSWORD):
    return client.post("/dang-nhap/", {"username": name, "password": password})


@pytest.mark.parametrize("name", ["cdabc", "0912345678", "+84 912 345 678", "HOA@example.vn"])
def test_a_citizen_signs_in_with_username_phone_or_email(client, citizen, name):
    response = sign_in(client, name)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(citizen.pk)


def test_unverified_contact_details_do_not_sign_in(client):
    UserFactory(phone="0912345678", email="hoa@example.vn")

    for name in ("0912345678", "hoa@example.vn"):
        response = sign_in(client, name)
        assert response.status_code == 200
        assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_five_wrong_passwords_lock_the_account_for_fifteen_minutes(client, citizen):
    with time_machine.travel(NOW, tick=False):
        for _ in range(4):
            assert (
                "Tên đăng nhập hoặc mật khẩu không đúng."
                in sign_in(client, "0912345678", "sai").content.decode()
            )
        fifth = sign_in(client, "hoa@example.vn", "sai").content.decode()
        assert LOCKED in fifth
        assert "tạm khóa đến 09:15 ngày 02/03/2026" in fifth
        # Even the right password waits for the lock to end, through any of the account's names.
        right = sign_in(client, "cdabc").content.decode()
        assert LOCKED in right
        assert "_auth_user_id" not in client.session
    citizen.refresh_from_db()
    assert citizen.locked_until == NOW + timedelta(minutes=15)

    with time_machine.travel(NOW + timedelta(minutes=15, seconds=1), tick=False):
        assert sign_in(client, "0912345678").status_code == 302
    citizen.refresh_from_db()
    assert (citizen.failed_login_count, citizen.locked_until) == (0, None)


def test_a_success_resets_the_count_of_failures(client, citizen):
    for _ in range(4):
        sign_in(client, "0912345678", "sai")
    assert sign_in(client, "0912345678").status_code == 302
    client.logout()
    for _ in range(4):
        sign_in(client, "0912345678", "sai")
    citizen.refresh_from_db()
    assert citizen.failed_login_count == 4
    assert citizen.locked_until is None


def test_an_unknown_name_locks_the_same_way_so_nobody_learns_who_has_an_account(client):
    with time_machine.travel(NOW, tick=False):
        pages = [sign_in(client, "0988888888", "sai").content.decode() for _ in range(6)]
    assert all("Tên đăng nhập hoặc mật khẩu không đúng." in page for page in pages[:4])
    assert all("tạm khóa đến 09:15 ngày 02/03/2026" in page for page in pages[4:])


def test_the_lock_message_is_in_the_error_summary(client, citizen):
    for _ in range(5):
        response = sign_in(client, "0912345678", "sai")
    page = response.content.decode()
    assert '<a href="#id_username">Bạn đã nhập sai mật khẩu quá nhiều lần.' in page


def test_the_admin_sign_in_survives_a_lock(client, citizen):
    for _ in range(6):
        response = client.post("/quan-tri/login/", {"username": "cdabc", "password": "sai"})
    assert response.status_code == 200


def test_a_citizen_gets_an_api_token_with_phone_or_email(client, citizen):
    for name in ("0912345678", "hoa@example.vn"):
        response = client.post(
            "/api/v1/auth/token", {"username": name, "password": PASSWORD}, content_type="application/json"
        )
        assert response.status_code == 200
        me = client.get("/api/v1/auth/me", HTTP_AUTHORIZATION=f"Bearer {response.json()['token']}")
        assert me.json()["username"] == "cdabc"


def test_the_api_token_counts_failures_and_refuses_a_locked_account(client, citizen):
    def token(password):
        return client.post(
            "/api/v1/auth/token",
            {"username": "0912345678", "password": password},
            content_type="application/json",
        )

    for _ in range(4):
        assert token("sai").json()["error"]["message"] == "Tên đăng nhập hoặc mật khẩu không đúng."
    locked = token("sai")
    assert locked.status_code == 403
    assert locked.json()["error"]["message"].startswith(LOCKED)
    assert token(PASSWORD).status_code == 403
    assert User.objects.get(pk=citizen.pk).api_tokens.count() == 0
