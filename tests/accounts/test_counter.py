"""A receiving officer opens a citizen's account at the counter; the citizen sets the password themselves."""

from datetime import datetime, timedelta

import pytest
import time_machine

from motcua.accounts.models import User
from motcua.accounts.services import citizen_register_at_counter
from motcua.core.exceptions import NotPermitted, ValidationFailed
from motcua.notifications.models import Message
from motcua.workcal.calendar import LOCAL_TZ
from tests.accounts.helpers import last_message, sent_code
from tests.factories import UserFactory, dossier_world

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=LOCAL_TZ)
FORM = {
    "full_name": "Lê Văn Nam",
    "id_number": "001099012345",
    "phone": "0911 222 333",
    "email": "nam@example.vn",
}


@pytest.fixture
def w():
    return dossier_world()


def test_the_officer_opens_an_account_and_the_citizen_activates_it(client, w):
    with time_machine.travel(NOW, tick=False):
        client.force_login(w.receiver)
        response = client.post("/can-bo/cong-dan/", FORM)
        citizen = User.objects.get(id_number="001099012345")
        assert response["Location"] == f"/can-bo/cong-dan/{citizen.pk}/"
        page = client.get(response["Location"]).content.decode()
        assert "Lê Văn Nam" in page and "Hướng dẫn công dân" in page
        client.logout()

        assert (citizen.phone, citizen.email, citizen.registered_by) == (
            "0911222333",
            "nam@example.vn",
            w.receiver,
        )
        assert citizen.is_phone_verified and citizen.is_email_verified and citizen.is_id_number_verified
        assert not citizen.has_usable_password()
        sms, email = last_message("0911222333"), last_message("nam@example.vn")
        assert (sms.event, email.event) == ("account_created", "account_created")
        assert "/tai-khoan/kich-hoat/" in sms.body and "/tai-khoan/kich-hoat/" in email.body

    # Two days later, at home.
    with time_machine.travel(NOW + timedelta(days=2), tick=False):
        response = client.post(
            "/tai-khoan/kich-hoat/", {"identifier": "0911222333", "code": sent_code("0911222333")}
        )
        assert response["Location"] == "/tai-khoan/mat-khau-moi/"
        response = client.post(
            "/tai-khoan/mat-khau-moi/", {"password1": "nam-2026-ca-mau", "password2": "nam-2026-ca-mau"}
        )
        assert response["Location"] == "/tai-khoan/"
        assert client.session["_auth_user_id"] == str(citizen.pk)
        client.logout()
        # The e-mail's code was for the same first password: it is spent too.
        spent = client.post(
            "/tai-khoan/kich-hoat/", {"identifier": "nam@example.vn", "code": sent_code("nam@example.vn")}
        )
        assert "Mã xác minh không đúng." in spent.content.decode()
        assert (
            client.post(
                "/dang-nhap/", {"username": "nam@example.vn", "password": "nam-2026-ca-mau"}
            ).status_code
            == 302
        )


def test_the_activation_code_lasts_three_days(client, w):
    with time_machine.travel(NOW, tick=False):
        citizen_register_at_counter(
            actor=w.receiver, full_name="Lê Văn Nam", phone="0911222333", id_number="001099012345"
        )
    with time_machine.travel(NOW + timedelta(hours=72, seconds=1), tick=False):
        page = client.post(
            "/tai-khoan/kich-hoat/", {"identifier": "0911222333", "code": sent_code("0911222333")}
        )
    assert "Mã xác minh đã hết hạn." in page.content.decode()
    assert "Mã đã hết hạn? Nhận mã mới" in page.content.decode()


def test_a_wrong_activation_code_counts_tries(client, w):
    citizen_register_at_counter(
        actor=w.receiver, full_name="Lê Văn Nam", phone="0911222333", id_number="001099012345"
    )
    code = sent_code("0911222333")
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        client.post("/tai-khoan/kich-hoat/", {"identifier": "0911222333", "code": wrong})
    page = client.post("/tai-khoan/kich-hoat/", {"identifier": "0911222333", "code": code}).content.decode()
    assert "Bạn đã nhập sai mã quá 5 lần." in page


def test_the_form_names_each_problem(client, w):
    client.force_login(w.receiver)
    response = client.post(
        "/can-bo/cong-dan/", {"full_name": "", "id_number": "12", "phone": "", "email": ""}
    )
    page = response.content.decode()
    assert response.status_code == 422
    assert '<a href="#id_full_name">Nhập họ và tên.</a>' in page
    assert (
        '<a href="#id_phone">Nhập số điện thoại hoặc thư điện tử để công dân nhận mã đặt mật khẩu.</a>'
        in page
    )
    assert '<a href="#id_id_number">Số định danh cá nhân gồm 12 chữ số, in trên thẻ căn cước.</a>' in page
    assert User.objects.filter(registered_by=w.receiver).count() == 0


def test_an_existing_account_is_not_opened_twice(client, w):
    UserFactory(phone="0911222333", is_phone_verified=True)
    client.force_login(w.receiver)
    page = client.post("/can-bo/cong-dan/", FORM).content.decode()
    assert "Số điện thoại này đã có tài khoản." in page
    assert not User.objects.filter(id_number="001099012345").exists()
    assert not Message.objects.exists()


def test_only_receiving_officers_open_accounts(w):
    with pytest.raises(NotPermitted):
        citizen_register_at_counter(
            actor=w.specialist, full_name="Lê Văn Nam", phone="0911222333", id_number="001099012345"
        )
    with pytest.raises(NotPermitted):
        citizen_register_at_counter(
            actor=w.citizen, full_name="Lê Văn Nam", phone="0911222333", id_number="001099012345"
        )
    assert not User.objects.filter(id_number="001099012345").exists()


def test_a_specialist_cannot_open_the_page(client, w):
    client.force_login(w.specialist)
    assert client.get("/can-bo/cong-dan/").status_code == 403


def test_resending_the_code_until_the_citizen_sets_a_password(client, w):
    citizen = citizen_register_at_counter(
        actor=w.receiver, full_name="Lê Văn Nam", phone="0911222333", id_number="001099012345"
    )
    client.force_login(w.receiver)
    response = client.post(f"/can-bo/cong-dan/{citizen.pk}/gui-lai-ma/")
    assert response["Location"] == f"/can-bo/cong-dan/{citizen.pk}/"
    assert Message.objects.filter(recipient="0911222333").count() == 2

    citizen.set_password("nam-2026-ca-mau")
    citizen.save()
    client.post(f"/can-bo/cong-dan/{citizen.pk}/gui-lai-ma/")
    assert Message.objects.filter(recipient="0911222333").count() == 2
    assert "Tài khoản đã được kích hoạt" in client.get(f"/can-bo/cong-dan/{citizen.pk}/").content.decode()


def test_another_officer_does_not_see_the_account(client, w):
    citizen = citizen_register_at_counter(
        actor=w.receiver, full_name="Lê Văn Nam", phone="0911222333", id_number="001099012345"
    )
    client.force_login(w.commune_receiver)
    assert client.get(f"/can-bo/cong-dan/{citizen.pk}/").status_code == 404
    assert client.post(f"/can-bo/cong-dan/{citizen.pk}/gui-lai-ma/").status_code == 404
    assert Message.objects.filter(recipient="0911222333").count() == 1


def test_a_verified_id_number_belongs_to_one_account(w):
    citizen_register_at_counter(
        actor=w.receiver, full_name="Lê Văn Nam", phone="0911222333", id_number="001099012345"
    )
    with pytest.raises(ValidationFailed) as error:
        citizen_register_at_counter(
            actor=w.commune_receiver, full_name="Lê Văn Nam", email="nam@example.vn", id_number="001099012345"
        )
    assert error.value.details["id_number"][0].startswith("Số định danh này đã có tài khoản.")
