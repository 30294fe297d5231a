"""Limits on guessing through the account pages: wrong verification codes per client address, whatever the
account (web and API), and wrong current passwords per account on the password change. The attempt past the
limit is refused even when right, changes nothing, and the limit ends with its window."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.test import Client

from motcua.accounts.models import User, VerificationCode
from motcua.accounts.services import citizen_register_at_counter
from motcua.org.enums import Role
from motcua.workcal.calendar import LOCAL_TZ
from tests.accounts.helpers import sent_code
from tests.factories import PASSWORD, StaffRoleFactory, UserFactory

pytestmark = pytest.mark.django_db

# At the start of an hour, so that every window in a test is the same until the test moves on.
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=LOCAL_TZ)
CODE_REFUSAL = (
    "Có quá nhiều lần nhập mã xác minh không đúng từ địa chỉ mạng của bạn. Vui lòng thử lại sau một giờ."
)
PASSWORD_REFUSAL = "Bạn đã nhập sai mật khẩu hiện tại quá nhiều lần. Vui lòng thử lại sau 15 phút."
NEW_PASSWORD = "hoa-sen-2026!"


def wrong_code(right: str) -> str:
    return f"{(int(right) + 1) % 10**6:06d}"


def reset_start(client, identifier: str) -> None:
    assert client.post("/tai-khoan/quen-mat-khau/", {"identifier": identifier}).status_code == 302


def reset_verify(client, code: str):
    return client.post("/tai-khoan/quen-mat-khau/xac-minh/", {"code": code})


def test_wrong_codes_on_many_accounts_refuse_the_address_until_the_hour_ends(client, settings):
    settings.MOTCUA_VERIFICATION_CHECK_FAILURES_PER_IP = 3
    UserFactory(email="an@example.vn", is_email_verified=True)
    UserFactory(email="binh@example.vn", is_email_verified=True)
    with time_machine.travel(NOW, tick=False):
        # Two wrong tries on one account, one on another: no code reaches its own five tries.
        reset_start(client, "an@example.vn")
        for _ in range(2):
            page = reset_verify(client, wrong_code(sent_code("an@example.vn")))
            assert page.status_code == 200
            assert "Mã xác minh không đúng." in page.content.decode()
        reset_start(client, "binh@example.vn")
        right = sent_code("binh@example.vn")
        assert reset_verify(client, wrong_code(right)).status_code == 200

        refused = reset_verify(client, right)
        assert refused.status_code == 429
        assert f'<a href="#id_code">{CODE_REFUSAL}</a>' in refused.content.decode()
        assert "account_password" not in client.session
        code = VerificationCode.objects.get(target="binh@example.vn")
        assert (code.attempts, code.verified_at) == (1, None)  # the refusal cost the code no try

        # Another client address is not concerned.
        other = Client(REMOTE_ADDR="10.0.0.9")
        reset_start(other, "binh@example.vn")
        assert reset_verify(other, sent_code("binh@example.vn"))["Location"] == "/tai-khoan/mat-khau-moi/"

    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        reset_start(client, "an@example.vn")
        response = reset_verify(client, sent_code("an@example.vn"))
        assert response["Location"] == "/tai-khoan/mat-khau-moi/"


def test_activation_codes_count_against_the_address(client, settings):
    """The page where a guess needs no code sent by the guesser: accounts opened at the counter."""
    settings.MOTCUA_VERIFICATION_CHECK_FAILURES_PER_IP = 2
    # A frozen clock: the fixed window must not turn over in the middle of the test.
    with time_machine.travel(NOW, tick=False):
        officer = StaffRoleFactory(role=Role.RECEIVING_OFFICER).user
        phones = ("0911000001", "0911000002")
        for number, phone in enumerate(phones):
            citizen_register_at_counter(
                actor=officer, full_name="Lê Văn Nam", phone=phone, id_number=f"00109901234{number}"
            )
        for phone in phones:
            wrong = wrong_code(sent_code(phone))
            page = client.post("/tai-khoan/kich-hoat/", {"identifier": phone, "code": wrong})
            assert page.status_code == 200
        right = {"identifier": "0911000002", "code": sent_code("0911000002")}
        refused = client.post("/tai-khoan/kich-hoat/", right)
        assert refused.status_code == 429
        assert CODE_REFUSAL in refused.content.decode()
        assert "account_password" not in client.session
        assert client.post("/tai-khoan/kich-hoat/", right, REMOTE_ADDR="10.0.0.9").status_code == 302


def test_the_api_answers_429_with_the_error_envelope(client, settings):
    settings.MOTCUA_VERIFICATION_CHECK_FAILURES_PER_IP = 2
    # A frozen clock: the fixed window must not turn over in the middle of the test.
    with time_machine.travel(NOW, tick=False):
        started = client.post(
            "/api/v1/auth/register", {"identifier": "0912345678"}, content_type="application/json"
        )
        assert started.status_code == 201
        payload = {
            "code_id": started.json()["code_id"],
            "code": wrong_code(sent_code("0912345678")),
            "full_name": "Trần Văn Bình",
            "password": NEW_PASSWORD,
        }
        url = "/api/v1/auth/register/confirm"
        for _ in range(2):
            assert client.post(url, payload, content_type="application/json").status_code == 422
        payload["code"] = sent_code("0912345678")
        refused = client.post(url, payload, content_type="application/json")
        assert refused.status_code == 429
        assert refused.json() == {
            "error": {"code": "rate_limited", "message": CODE_REFUSAL, "details": {"code": [CODE_REFUSAL]}}
        }
        assert not User.objects.filter(phone="0912345678").exists()
        elsewhere = client.post(url, payload, content_type="application/json", REMOTE_ADDR="10.0.0.9")
        assert elsewhere.status_code == 201
        assert User.objects.get(phone="0912345678").full_name == "Trần Văn Bình"


def change_password(client, current: str):
    return client.post(
        "/tai-khoan/doi-mat-khau/",
        {"current_password": current, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )


def test_wrong_current_passwords_refuse_the_change_for_that_account(client, settings):
    settings.MOTCUA_PASSWORD_CHANGE_FAILURES_PER_USER = 2
    citizen = UserFactory(email="hoa@example.vn", is_email_verified=True)
    neighbour = UserFactory(email="lan@example.vn", is_email_verified=True)
    with time_machine.travel(NOW, tick=False):
        client.force_login(citizen)
        for guess in ("123456", "matkhau"):
            page = change_password(client, guess)
            assert page.status_code == 200
            assert "Mật khẩu hiện tại không đúng." in page.content.decode()
        refused = change_password(client, PASSWORD)
        assert refused.status_code == 429
        assert f'<a href="#id_current_password">{PASSWORD_REFUSAL}</a>' in refused.content.decode()
        citizen.refresh_from_db()
        assert citizen.check_password(PASSWORD)
        # Another account, from the same address, is not concerned.
        other = Client()
        other.force_login(neighbour)
        assert change_password(other, PASSWORD)["Location"] == "/tai-khoan/"

    with time_machine.travel(NOW + timedelta(minutes=15), tick=False):
        assert change_password(client, PASSWORD)["Location"] == "/tai-khoan/"
    citizen.refresh_from_db()
    assert citizen.check_password(NEW_PASSWORD)


def test_the_account_deletion_page_shares_the_limit(client, settings):
    """Deleting one's account asks the password too: the same count, or it would be the guessing page."""
    settings.MOTCUA_PASSWORD_CHANGE_FAILURES_PER_USER = 2
    # A frozen clock: the fixed window must not turn over in the middle of the test.
    with time_machine.travel(NOW, tick=False):
        citizen = UserFactory(email="hoa@example.vn", is_email_verified=True)
        client.force_login(citizen)
        assert change_password(client, "123456").status_code == 200
        wrong = client.post("/tai-khoan/xoa-tai-khoan/", {"password": "matkhau"})
        assert wrong.status_code == 422
        assert "Mật khẩu không đúng." in wrong.content.decode()
        refused = client.post("/tai-khoan/xoa-tai-khoan/", {"password": PASSWORD})
        assert refused.status_code == 429
        assert PASSWORD_REFUSAL in refused.content.decode()
        citizen.refresh_from_db()
        assert citizen.is_active and citizen.check_password(PASSWORD)
