import pytest

from tests.factories import dossier_world


@pytest.fixture
def w():
    return dossier_world()


@pytest.fixture(autouse=True)
def _outbox_settings(settings, tmp_path):
    # File backends under the test's own folder; no broker unless a test asks for one.
    settings.MOTCUA_OUTBOX_DIR = tmp_path / "outbox"
    settings.MOTCUA_SMS_BACKEND = "file"
    settings.CELERY_BROKER_URL = ""
    settings.MOTCUA_PUBLIC_URL = "https://motcua.camau.gov.vn"
    return settings
