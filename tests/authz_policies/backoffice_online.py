"""Online, assisted and postal dossiers: the officer's postal pick-up page action and the citizen-facing API.

`{own_draft}` is an online draft of `w.citizen`, complete and ready to send; `{code}` the matrix's counter
dossier received at the provincial centre."""

from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.dossiers.online import online_documents_add, online_draft_create
from motcua.dossiers.services import ApplicantData, DocumentData
from tests.authz_policies import LOGIN, PNG, Check


class _Scan:
    """A file the test client can post again and again (each case of the matrix reads it once)."""

    name = "scan.png"
    content_type = "image/png"

    def read(self) -> bytes:
        return PNG


POLICY: dict[str, list[Check]] = {
    "can-bo/ho-so/<str:reference>/buu-chinh/thu-gom/": [
        Check(
            "post",
            "/can-bo/ho-so/{code}/buu-chinh/thu-gom/",
            {"anonymous": LOGIN, "citizen": 403, "other_unit": 404, "officer": 302},
            data={"address": "Phường An Xuyên, tỉnh Cà Mau"},
            writes=True,
        )
    ],
    "api/v1/me/dossiers": [
        Check(
            "get",
            "/api/v1/me/dossiers",
            {"anonymous": 401, "citizen": 200, "other_unit": 200, "officer": 200},
            api=True,
        )
    ],
    "api/v1/dossiers/<code>/actions/submit": [
        # Only the applicant sends their draft; the centre's officer sees it but may not send it for them.
        Check(
            "post",
            "/api/v1/dossiers/{own_draft}/actions/submit",
            {"anonymous": 401, "citizen": 200, "other_citizen": 404, "other_unit": 404, "officer": 403},
            api=True,
            writes=True,
        ),
        Check(
            "post",
            "/api/v1/dossiers/{code}/actions/submit",
            {"anonymous": 401, "citizen": 404, "other_unit": 404, "officer": 403},
            api=True,
            writes=True,
        ),
    ],
    "api/v1/dossiers/<code>/documents": [
        Check(
            "post",
            "/api/v1/dossiers/{own_draft}/documents",
            {"anonymous": 401, "citizen": 201, "other_citizen": 404, "other_unit": 404, "officer": 404},
            data={"component": "1", "file": _Scan()},
            writes=True,
        )
    ],
    "api/v1/dossiers/<code>/postal/pickup": [
        Check(
            "post",
            "/api/v1/dossiers/{code}/postal/pickup",
            {"anonymous": 401, "citizen": 404, "other_unit": 404, "officer": 201},
            data={"note": "Gọi trước khi đến"},
            api=True,
            writes=True,
        ),
        Check(
            "post",
            "/api/v1/dossiers/{own_draft}/postal/pickup",
            # The applicant may ask for their draft's papers to be collected; the centre acts once it is sent.
            {"anonymous": 401, "citizen": 201, "other_citizen": 404, "other_unit": 404, "officer": 409},
            data={"address": "Số 5 đường Lý Thường Kiệt, tỉnh Cà Mau"},
            api=True,
            writes=True,
        ),
    ],
}


def context(w, now) -> dict:
    draft = online_draft_create(
        actor=w.citizen,
        version=w.version,
        applicant=ApplicantData(
            name="Trần Thị Mai",
            phone="0988111222",
            id_number="096300001111",
            address="Xã Tân Thành, tỉnh Cà Mau",
        ),
    )
    component = w.version.components.get(is_required=True)
    online_documents_add(
        dossier=draft,
        actor=w.citizen,
        documents=[
            DocumentData(
                name=component.name,
                requirement_id=component.pk,
                upload=SimpleUploadedFile("scan.png", PNG, "image/png"),
            )
        ],
    )
    return {"own_draft": draft.reference}
