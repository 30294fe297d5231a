"""The profile: name, address, ID number; a new phone or e-mail counts only once verified."""

import pytest

from motcua.accounts.models import User, VerificationCode
from tests.accounts.helpers import sent_code
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def citizen(client):
    user = UserFactory(full_name="Nguyễn Thị Hoa", phone="0912345678", is_phone_verified=True, email="")
    client.force_login(user)
    return user


def test_the_profile_shows_what_the_account_holds(client, citizen):
    page = client.get("/tai-khoan/").content.decode()
    assert "Nguyễn Thị Hoa" in page
    assert "0912345678" in page
    assert "Đã xác minh" in page
    assert 'href="/tai-khoan/thu-dien-tu/"' in page


def test_editing_name_address_and_id_number(client, citizen):
    response = client.post(
        "/tai-khoan/sua/",
        {
            "full_name": "Nguyễn Thị Hoa Sen",
            "address": "Phường An Xuyên, tỉnh Cà Mau",
            "id_number": "096 123 456 789",
        },
    )
    assert response["Location"] == "/tai-khoan/"
    citizen.refresh_from_db()
    assert (citizen.full_name, citizen.address, citizen.id_number) == (
        "Nguyễn Thị Hoa Sen",
        "Phường An Xuyên, tỉnh Cà Mau",
        "096123456789",
    )
    assert not citizen.is_id_number_verified


def test_a_bad_id_number_is_named_and_nothing_changes(client, citizen):
    page = client.post(
        "/tai-khoan/sua/", {"full_name": "Hoa", "address": "", "id_number": "123"}
    ).content.decode()
    assert '<a href="#id_id_number">Số định danh cá nhân gồm 12 chữ số, in trên thẻ căn cước.</a>' in page
    citizen.refresh_from_db()
    assert citizen.full_name == "Nguyễn Thị Hoa"


def test_a_verified_id_number_is_not_edited_by_the_citizen(client, citizen):
    User.objects.filter(pk=citizen.pk).update(id_number="096123456789", is_id_number_verified=True)
    page = client.get("/tai-khoan/sua/").content.decode()
    assert 'name="id_number"' not in page
    client.post("/tai-khoan/sua/", {"full_name": "Hoa", "address": "", "id_number": "001099012345"})
    citizen.refresh_from_db()
    assert citizen.id_number == "096123456789"


def test_a_new_phone_counts_only_after_its_code(client, citizen):
    response = client.post("/tai-khoan/dien-thoai/", {"value": "0987 654 321"})
    assert response["Location"] == "/tai-khoan/xac-minh/"
    citizen.refresh_from_db()
    assert citizen.phone == "0912345678"  # the old one still signs in until the new one is proved

    response = client.post("/tai-khoan/xac-minh/", {"code": sent_code("0987654321")})

    assert response["Location"] == "/tai-khoan/"
    citizen.refresh_from_db()
    assert (citizen.phone, citizen.is_phone_verified) == ("0987654321", True)
    client.logout()
    assert client.post("/dang-nhap/", {"username": "0912345678", "password": PASSWORD}).status_code == 200
    assert client.post("/dang-nhap/", {"username": "0987654321", "password": PASSWORD}).status_code == 302


def test_adding_an_email(client, citizen):
    client.post("/tai-khoan/thu-dien-tu/", {"value": "Hoa@Example.vn"})
    client.post("/tai-khoan/xac-minh/", {"code": sent_code("hoa@example.vn")})
    citizen.refresh_from_db()
    assert (citizen.email, citizen.is_email_verified) == ("hoa@example.vn", True)


def test_the_phone_page_takes_only_a_phone(client, citizen):
    page = client.post("/tai-khoan/dien-thoai/", {"value": "hoa@example.vn"}).content.decode()
    assert '<a href="#id_value">Nhập số điện thoại di động, ví dụ: 0912345678.</a>' in page


def test_a_phone_of_another_account_is_refused_after_its_code(client, citizen):
    UserFactory(phone="0987654321", is_phone_verified=True)
    client.post("/tai-khoan/dien-thoai/", {"value": "0987654321"})
    page = client.post("/tai-khoan/xac-minh/", {"code": sent_code("0987654321")}).content.decode()
    assert "Thông tin này đã được dùng cho một tài khoản khác." in page
    citizen.refresh_from_db()
    assert citizen.phone == "0912345678"


def test_another_users_code_does_not_verify_mine(client, citizen):
    other = UserFactory()
    client.post("/tai-khoan/dien-thoai/", {"value": "0987654321"})
    code = sent_code("0987654321")
    client.force_login(other)
    assert client.get("/tai-khoan/xac-minh/")["Location"] == "/tai-khoan/"
    session = client.session
    mine = VerificationCode.objects.get(user=citizen).pk
    session["account_contact"] = {"code": mine, "kind": "phone", "value": "0987654321", "to": "x"}
    session.save()
    page = client.post("/tai-khoan/xac-minh/", {"code": code}).content.decode()
    assert "Mã xác minh không đúng." in page
    other.refresh_from_db()
    assert other.phone != "0987654321"


def test_changing_the_password(client, citizen):
    page = client.post(
        "/tai-khoan/doi-mat-khau/",
        {"current_password": "sai", "password1": "hoa-sen-2026!", "password2": "hoa-sen-2026!"},
    ).content.decode()
    assert '<a href="#id_current_password">Mật khẩu hiện tại không đúng.</a>' in page
    response = client.post(
        "/tai-khoan/doi-mat-khau/",
        {"current_password": PASSWORD, "password1": "hoa-sen-2026!", "password2": "hoa-sen-2026!"},
    )
    assert response["Location"] == "/tai-khoan/"
    citizen.refresh_from_db()
    assert citizen.check_password("hoa-sen-2026!")
    assert client.get("/tai-khoan/").status_code == 200  # still signed in


def test_profile_pages_need_a_signed_in_person(client):
    for url in ("/tai-khoan/", "/tai-khoan/sua/", "/tai-khoan/dien-thoai/", "/tai-khoan/doi-mat-khau/"):
        assert client.get(url)["Location"] == f"/dang-nhap/?next={url}"
