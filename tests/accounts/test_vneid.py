"""VNeID over OpenID Connect, against a real provider (oidc-provider-mock) running in a thread: the browser
is Django's test client, the provider's consent page is answered with requests, and the back channel (token,
JWKS, UserInfo) is mozilla-django-oidc talking HTTP to the provider."""

from urllib.parse import parse_qs, urlsplit

import pytest

from motcua.accounts.models import ExternalIdentity, User
from motcua.accounts.oidc import oidc_endpoints
from motcua.accounts.services import citizen_register_at_counter
from tests.accounts.helpers import oidc_provider, provider_authorize, provider_user
from tests.factories import UserFactory, dossier_world

pytestmark = pytest.mark.django_db
BUTTON = "Đăng nhập bằng tài khoản định danh điện tử VNeID"
FAILED = "Không đăng nhập được bằng tài khoản định danh điện tử VNeID."


@pytest.fixture(scope="module")
def issuer():
    with oidc_provider() as url:
        yield url


@pytest.fixture
def vneid(settings, issuer):
    settings.MOTCUA_OIDC_ISSUER = issuer
    settings.MOTCUA_OIDC_CLIENT_ID = "motcua-ca-mau"
    settings.MOTCUA_OIDC_CLIENT_SECRET = "bi-mat"
    return issuer


def sign_in_with_vneid(client, sub: str, *, next_url: str = "/thu-tuc/", deny: bool = False):
    """The whole code flow; returns the portal's last response (the redirect after the callback)."""
    start = client.get("/tai-khoan/vneid/", {"next": next_url})
    assert start.status_code == 302
    back = urlsplit(provider_authorize(start["Location"], sub, deny=deny))
    assert back.path == "/tai-khoan/vneid/callback/"
    return client.get(back.path, parse_qs(back.query))


def test_switched_off_by_default(client):
    assert BUTTON not in client.get("/dang-nhap/").content.decode()
    assert client.get("/tai-khoan/vneid/").status_code == 404
    assert client.get("/tai-khoan/vneid/callback/", {"code": "x", "state": "y"}).status_code == 404


def test_the_login_page_offers_vneid_when_configured(client, vneid):
    page = client.get("/dang-nhap/", {"next": "/thu-tuc/"}).content.decode()
    assert BUTTON in page
    assert 'href="/tai-khoan/vneid/?next=/thu-tuc/"' in page


def test_the_authorization_request(client, vneid):
    start = client.get("/tai-khoan/vneid/")
    location = urlsplit(start["Location"])
    query = parse_qs(location.query)
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{vneid}/oauth2/authorize"
    assert query["client_id"] == ["motcua-ca-mau"]
    assert query["redirect_uri"] == ["http://testserver/tai-khoan/vneid/callback/"]
    assert query["scope"] == ["openid profile email phone"]
    assert query["code_challenge_method"] == ["S256"]
    assert query["state"][0] in client.session["oidc_states"]


def test_a_first_sign_in_creates_the_account_from_the_claims(client, vneid):
    provider_user(
        vneid,
        "vneid-first",
        {
            "name": "Phạm Minh Tuấn",
            "id_number": "001099000001",
            "phone_number": "+84 912 000 001",
            "phone_number_verified": True,
            "email": "tuan@example.vn",
            "email_verified": False,
        },
    )

    response = sign_in_with_vneid(client, "vneid-first")

    assert response["Location"] == "/thu-tuc/"
    user = User.objects.get(external_identities__subject="vneid-first")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert (user.full_name, user.id_number, user.is_id_number_verified) == (
        "Phạm Minh Tuấn",
        "001099000001",
        True,
    )
    assert (user.phone, user.is_phone_verified) == ("0912000001", True)
    assert (user.email, user.is_email_verified) == ("tuan@example.vn", False)
    assert not user.has_usable_password()
    assert ExternalIdentity.objects.get(user=user).issuer == vneid
    assert "oidc_access_token" not in client.session and "oidc_id_token" not in client.session


def test_signing_in_again_finds_the_same_account(client, vneid):
    provider_user(vneid, "vneid-again", {"name": "Phạm Minh Tuấn", "id_number": "001099000002"})
    sign_in_with_vneid(client, "vneid-again")
    client.logout()
    provider_user(vneid, "vneid-again", {"name": "Phạm Minh Tuấn Anh", "id_number": "001099000002"})

    sign_in_with_vneid(client, "vneid-again")

    user = User.objects.get(external_identities__subject="vneid-again")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert user.full_name == "Phạm Minh Tuấn Anh"  # VNeID holds the legal name
    assert User.objects.filter(id_number="001099000002").count() == 1


def test_an_account_opened_at_the_counter_is_linked_by_its_verified_id_number(client, vneid):
    w = dossier_world()
    opened = citizen_register_at_counter(
        actor=w.receiver, full_name="Lê Văn Nam", phone="0911222333", id_number="001099000003"
    )
    provider_user(vneid, "vneid-counter", {"name": "Lê Văn Nam", "id_number": "001099000003"})

    sign_in_with_vneid(client, "vneid-counter")

    assert client.session["_auth_user_id"] == str(opened.pk)
    assert ExternalIdentity.objects.get(subject="vneid-counter").user == opened


def test_an_id_number_the_citizen_typed_is_not_enough_to_link(client, vneid):
    squatter = UserFactory(id_number="001099000004", is_id_number_verified=False)
    provider_user(vneid, "vneid-typed", {"name": "Võ Thị Lan", "id_number": "001099000004"})

    sign_in_with_vneid(client, "vneid-typed")

    user = User.objects.get(external_identities__subject="vneid-typed")
    assert user != squatter
    assert client.session["_auth_user_id"] == str(user.pk)
    assert user.is_id_number_verified


def test_a_phone_used_by_another_account_is_kept_as_contact_only(client, vneid):
    UserFactory(phone="0912000005", is_phone_verified=True)
    provider_user(
        vneid,
        "vneid-phone",
        {"name": "Đỗ Văn Hùng", "phone_number": "0912000005", "phone_number_verified": True},
    )

    sign_in_with_vneid(client, "vneid-phone")

    user = User.objects.get(external_identities__subject="vneid-phone")
    assert (user.phone, user.is_phone_verified) == ("0912000005", False)


def test_a_different_id_number_for_a_linked_account_is_refused(client, vneid):
    provider_user(vneid, "vneid-changed", {"name": "Bùi Văn Tâm", "id_number": "001099000006"})
    sign_in_with_vneid(client, "vneid-changed")
    client.logout()
    provider_user(vneid, "vneid-changed", {"name": "Bùi Văn Tâm", "id_number": "001099000007"})

    response = sign_in_with_vneid(client, "vneid-changed")

    assert response["Location"] == "/dang-nhap/"
    assert "_auth_user_id" not in client.session
    page = client.get("/dang-nhap/").content.decode()
    assert "Số định danh của tài khoản VNeID khác với tài khoản trên hệ thống." in page


def test_refusing_at_the_provider_comes_back_to_the_login_page(client, vneid):
    response = sign_in_with_vneid(client, "", deny=True)

    assert response["Location"] == "/dang-nhap/"
    assert "_auth_user_id" not in client.session
    assert FAILED in client.get("/dang-nhap/").content.decode()


def test_a_forged_state_signs_nobody_in(client, vneid):
    provider_user(vneid, "vneid-forged", {"name": "Ngô Văn Bình"})
    start = client.get("/tai-khoan/vneid/")
    back = urlsplit(provider_authorize(start["Location"], "vneid-forged"))
    query = {key: values[0] for key, values in parse_qs(back.query).items()}

    response = client.get(back.path, {**query, "state": "khong-phai-cua-toi"})

    assert response["Location"] == "/dang-nhap/"
    assert "_auth_user_id" not in client.session
    assert not ExternalIdentity.objects.filter(subject="vneid-forged").exists()


def test_an_unreachable_provider_is_explained(client, settings):
    settings.MOTCUA_OIDC_ISSUER = "http://127.0.0.1:9"
    settings.MOTCUA_OIDC_CLIENT_ID = "motcua-ca-mau"
    settings.MOTCUA_OIDC_CLIENT_SECRET = "bi-mat"
    settings.MOTCUA_OIDC_TIMEOUT_SECONDS = 2

    response = client.get("/tai-khoan/vneid/")

    assert response["Location"] == "/dang-nhap/"
    assert (
        "Dịch vụ định danh điện tử VNeID tạm thời không kết nối được."
        in client.get("/dang-nhap/").content.decode()
    )


def test_explicit_endpoints_need_no_discovery(settings):
    settings.MOTCUA_OIDC_ISSUER = "http://127.0.0.1:9"  # unreachable: discovery would fail
    settings.MOTCUA_OIDC_AUTHORIZATION_ENDPOINT = "https://vneid.example/authorize"
    settings.MOTCUA_OIDC_TOKEN_ENDPOINT = "https://vneid.example/token"
    settings.MOTCUA_OIDC_USERINFO_ENDPOINT = "https://vneid.example/userinfo"
    settings.MOTCUA_OIDC_JWKS_ENDPOINT = "https://vneid.example/jwks"

    assert oidc_endpoints()["token_endpoint"] == "https://vneid.example/token"


def test_an_inactive_account_is_not_signed_in(client, vneid):
    provider_user(vneid, "vneid-inactive", {"name": "Trịnh Văn Khóa"})
    sign_in_with_vneid(client, "vneid-inactive")
    client.logout()
    User.objects.filter(external_identities__subject="vneid-inactive").update(is_active=False)

    response = sign_in_with_vneid(client, "vneid-inactive")

    assert response["Location"] == "/dang-nhap/"
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("claims", "accepted"),
    [
        ({"iss": "https://vneid.example", "aud": "motcua-ca-mau"}, True),
        ({"iss": "https://vneid.example/", "aud": ["khac", "motcua-ca-mau"]}, True),
        ({"iss": "https://gia-mao.example", "aud": "motcua-ca-mau"}, False),
        ({"iss": "https://vneid.example", "aud": "ung-dung-khac"}, False),
    ],
)
def test_an_id_token_must_name_our_issuer_and_our_client(settings, monkeypatch, claims, accepted):
    from django.core.exceptions import SuspiciousOperation
    from mozilla_django_oidc.auth import OIDCAuthenticationBackend

    from motcua.accounts.oidc import VneidBackend

    settings.MOTCUA_OIDC_ISSUER = "https://vneid.example"
    settings.MOTCUA_OIDC_CLIENT_ID = "motcua-ca-mau"
    # The signature and nonce are the library's business; what is checked here is what we add.
    monkeypatch.setattr(
        OIDCAuthenticationBackend, "verify_token", lambda self, token, **kwargs: {"sub": "s", **claims}
    )
    backend = VneidBackend()
    if accepted:
        assert backend.verify_token("token")["sub"] == "s"
    else:
        with pytest.raises(SuspiciousOperation):
            backend.verify_token("token")
