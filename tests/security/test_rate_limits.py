"""Limits on failures per client address: one password tried on many names (web sign-in and the API's token
exchange), and guessed API tokens. The attempt past the limit gets the Vietnamese refusal (429 on the API)
and changes nothing, even with the right password or a valid token."""

import pytest

from motcua.accounts.models import ApiToken
from motcua.accounts.services import api_token_issue
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

IP_REFUSAL = (
    "Có quá nhiều lần đăng nhập không thành công từ địa chỉ mạng của bạn. Vui lòng thử lại sau 15 phút."
)


def test_web_sign_in_refuses_an_address_after_failures_on_many_names(client, settings):
    settings.MOTCUA_LOGIN_FAILURES_PER_IP = 3
    victim = UserFactory(username="canbo")
    for name in ("an", "binh", "chi"):  # one wrong try each: no name reaches its own lockout
        response = client.post("/dang-nhap/", {"username": name, "password": "123456"})
        assert response.status_code == 200
        assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.content.decode()
    refused = client.post("/dang-nhap/", {"username": "canbo", "password": PASSWORD})
    assert refused.status_code == 200
    assert IP_REFUSAL in refused.content.decode()
    assert "_auth_user_id" not in client.session
    victim.refresh_from_db()
    assert (victim.failed_login_count, victim.locked_until) == (0, None)
    # Another client address is not concerned.
    other = client.post("/dang-nhap/", {"username": "canbo", "password": PASSWORD}, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302


def test_api_token_exchange_answers_429_after_failures_from_one_address(client, settings):
    settings.MOTCUA_LOGIN_FAILURES_PER_IP = 2
    UserFactory(username="canbo")
    for name in ("an", "binh"):
        wrong = client.post(
            "/api/v1/auth/token", {"username": name, "password": "x"}, content_type="application/json"
        )
        assert wrong.status_code == 403
    refused = client.post(
        "/api/v1/auth/token", {"username": "canbo", "password": PASSWORD}, content_type="application/json"
    )
    assert refused.status_code == 429
    assert refused.json()["error"] == {"code": "rate_limited", "message": IP_REFUSAL, "details": None}
    assert ApiToken.objects.count() == 0


def test_guessed_bearer_tokens_are_refused_with_429(client, settings):
    settings.MOTCUA_API_TOKEN_FAILURES_PER_IP = 2
    user = UserFactory(username="tichhop")
    raw = api_token_issue(user=user)
    for guess in ("a" * 40, "b" * 40):
        assert client.get("/api/v1/auth/me", HTTP_AUTHORIZATION=f"Bearer {guess}").status_code == 401
    refused = client.get("/api/v1/auth/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert refused.status_code == 429
    assert refused.json()["error"]["message"] == (
        "Quá nhiều lần xác thực không thành công từ địa chỉ này. Vui lòng thử lại sau 15 phút."
    )
    assert ApiToken.objects.get().last_used_at is None
    # The rightful client at its own address is not concerned.
    assert (
        client.get("/api/v1/auth/me", HTTP_AUTHORIZATION=f"Bearer {raw}", REMOTE_ADDR="10.0.0.9").status_code
        == 200
    )


def test_successful_sign_ins_do_not_count(client, settings):
    settings.MOTCUA_LOGIN_FAILURES_PER_IP = 1
    UserFactory(username="canbo")
    for _ in range(3):
        assert client.post("/dang-nhap/", {"username": "canbo", "password": PASSWORD}).status_code == 302
        client.logout()
