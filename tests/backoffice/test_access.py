"""Who reaches which officer page: anonymous, a citizen, an officer of another unit, the right officer."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.dossiers.models import Dossier
from motcua.dossiers.services import DocumentData, dossier_intake
from tests.factories import intake_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossier(w):
    upload = SimpleUploadedFile("scan.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 8, content_type="image/png")
    data = intake_data(w, documents=[DocumentData(name="Tờ khai", upload=upload)])
    return dossier_intake(data=data, actor=w.receiver)


def urls(w, dossier) -> dict[str, str]:
    document = dossier.documents.get()
    return {
        "worklist": "/can-bo/",
        "search": "/can-bo/tra-cuu/?q=0912345678",
        "intake": "/can-bo/tiep-nhan/",
        "procedures": "/can-bo/tiep-nhan/thu-tuc/?q=hon+nhan",
        "preview": f"/can-bo/tiep-nhan/xem-truoc/?thu_tuc={w.version.pk}",
        "applicant": "/can-bo/tiep-nhan/nguoi-nop/",
        "dossier": f"/can-bo/ho-so/{dossier.code}/",
        "file": f"/can-bo/ho-so/{dossier.code}/tep/{document.pk}/",
    }


# Expected status per page for each kind of visitor; 302 means "sent to the sign-in page".
MATRIX = {
    "anonymous": dict.fromkeys(
        ("worklist", "search", "intake", "procedures", "preview", "applicant", "dossier", "file"), 302
    ),
    "citizen": dict.fromkeys(
        ("worklist", "search", "intake", "procedures", "preview", "applicant", "dossier", "file"), 403
    ),
    "commune_receiver": {
        "worklist": 200,
        "search": 200,
        "intake": 200,
        "procedures": 200,
        "preview": 200,
        "applicant": 200,
        "dossier": 404,
        "file": 404,
    },
    "specialist": {
        "worklist": 200,
        "search": 200,
        "intake": 403,
        "procedures": 403,
        "preview": 403,
        "applicant": 403,
        "dossier": 200,
        "file": 200,
    },
    "receiver": dict.fromkeys(
        ("worklist", "search", "intake", "procedures", "preview", "applicant", "dossier", "file"), 200
    ),
}


@pytest.mark.parametrize("visitor", MATRIX)
def test_authorisation_matrix(w, dossier, client, visitor):
    if visitor != "anonymous":
        client.force_login(getattr(w, visitor))
    before = (Dossier.objects.count(), dossier.events.count())
    for page, url in urls(w, dossier).items():
        if page == "applicant":  # the ID number travels in the body, never in the URL
            response = client.post(url, {"so_dinh_danh": "096123456789"})
        else:
            response = client.get(url)
        assert response.status_code == MATRIX[visitor][page], (visitor, page)
        if response.status_code == 302:
            assert response["Location"].startswith("/dang-nhap/?next=")
    assert (Dossier.objects.count(), dossier.events.count()) == before
