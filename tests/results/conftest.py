import pytest
import time_machine

from tests.factories import dossier_world

from .helpers import NOW


@pytest.fixture(autouse=True)
def _own_folders(settings, tmp_path):
    # Each test its own certificates and files: a test about a missing certificate must really miss it.
    settings.MOTCUA_CERT_DIR = tmp_path / "certs"
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def w(db, clock):
    return dossier_world()
