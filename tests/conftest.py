import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clear_cache():
    from motcua.catalog.content import published_content_forget

    cache.clear()
    published_content_forget()
    yield
    cache.clear()
    published_content_forget()


@pytest.fixture(autouse=True)
def _certificates_out_of_the_checkout(settings, tmp_path_factory):
    # Signing certificates (electronic results) go to a temporary folder, never to ./data; one per test,
    # because a certificate made at the real date is not yet valid on another test's simulated day.
    settings.MOTCUA_CERT_DIR = tmp_path_factory.mktemp("certs", numbered=True)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Argon2 is deliberately slow; tests create thousands of users. Production hashing is checked in
    # tests/accounts/test_passwords.py against the settings module itself.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _own_files(settings, tmp_path):
    # Uploads, results and postal lists of a test go to its own folder, never to ./data nor to another's.
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MOTCUA_POSTAL_MANUAL_DIR = tmp_path / "postal"


@pytest.fixture(autouse=True)
def _restore_language():
    # The locale middleware activates the request's language on the test thread and nothing resets it, so a
    # request in English would leak into later tests that render messages outside a request.
    from django.utils import translation

    language = translation.get_language()
    translation.activate("vi")  # Vietnamese first, as the site is, whatever an earlier test left
    yield
    translation.activate(language)
