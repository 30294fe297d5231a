"""Electronic results: officers' attach page and download, the owner's download, the status-page download by
code and phone digits, and the public signature check."""

from django.core.files.base import ContentFile

from tests.authz_policies import LOGIN, Check, everyone

OFFICER_ONLY = {"anonymous": LOGIN, "citizen": 403, "other_unit": 404, "officer": 200}

POLICY = {
    "can-bo/ket-qua/<str:reference>/": [
        Check("get", "/can-bo/ket-qua/{code}/", OFFICER_ONLY),
        Check("get", "/can-bo/ket-qua/{result_code}/", OFFICER_ONLY),
        # The matrix's dossier is only received: the right officer is refused by the state, not by the rule.
        Check(
            "post",
            "/can-bo/ket-qua/{code}/",
            {"anonymous": LOGIN, "citizen": 403, "other_unit": 404, "officer": 409},
            writes=True,
        ),
    ],
    "can-bo/ket-qua/<str:reference>/tai-ve/": [
        Check("get", "/can-bo/ket-qua/{result_code}/tai-ve/", OFFICER_ONLY)
    ],
    # The owner only; another citizen and every officer get the 404 of a dossier that does not exist.
    "ket-qua/<str:reference>/tai-ve/": [
        Check(
            "get",
            "/ket-qua/{result_code}/tai-ve/",
            {"anonymous": 302, "citizen": 200, "other_citizen": 404, "other_unit": 404, "officer": 404},
        )
    ],
    # Whoever holds the code and the phone digits, as on the status page.
    "ket-qua/theo-ma/": [
        Check("post", "/ket-qua/theo-ma/", everyone(200), data={"ma": "{result_code}", "so": "5678"}),
        Check("post", "/ket-qua/theo-ma/", everyone(404), data={"ma": "{result_code}", "so": "0000"}),
        Check("get", "/ket-qua/theo-ma/", everyone(302)),  # to the status page
    ],
    "ket-qua/kiem-tra/": [
        Check("get", "/ket-qua/kiem-tra/", everyone(200)),
        Check("post", "/ket-qua/kiem-tra/", everyone(422)),
    ],
}


def context(w, now) -> dict:
    """A dossier of w.citizen's with a decision and an electronic result (its file unsigned: signing is
    tested in tests/results; here only who reaches it matters)."""
    from motcua.dossiers.enums import Outcome, Status
    from motcua.dossiers.models import Dossier, DossierResult
    from motcua.dossiers.services import dossier_intake
    from tests.factories import intake_data
    from tests.results.helpers import plain_pdf

    dossier = dossier_intake(data=intake_data(w), actor=w.receiver)
    # Straight to the decision: the lifecycle is not what this matrix is about, and it runs for every case.
    Dossier.objects.filter(pk=dossier.pk).update(
        owner=w.citizen, status=Status.RESULT_READY, outcome=Outcome.APPROVED, result_ready_at=now
    )
    content = plain_pdf()
    result = DossierResult(
        dossier=dossier,
        name="Kết quả",
        sha256="0" * 64,
        size=len(content),
        signer_unit=w.justice,
        signed_at=now,
    )
    result.file.save("ket-qua.pdf", ContentFile(content), save=True)
    return {"result_code": dossier.code}
