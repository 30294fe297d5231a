"""Satisfaction ratings (/danh-gia/) and the ratings report of the API.

Online rating is for the dossier's own account only; the QR code and the counter tablet need no login (the
signed token, or the dossier code with the phone's last four digits, is the proof)."""

from tests.authz_policies import LOGIN, Check, everyone

OWNER_ONLY = {"anonymous": LOGIN, "citizen": 200, "other_citizen": 404, "other_unit": 404, "officer": 404}
STAFF_REPORT = {"anonymous": 401, "citizen": 403, "other_unit": 403, "officer": 200}


def context(w, now) -> dict:
    """A dossier of `w.citizen`'s account, returned and not rated yet (phone ending 5678)."""
    from motcua.dossiers.enums import Action
    from motcua.dossiers.services import dossier_create, dossier_transition
    from motcua.ratings.tokens import kiosk_token, rating_qr_token
    from tests.factories import intake_data

    dossier = dossier_create(data=intake_data(w), actor=w.receiver, owner=w.citizen)
    for action, actor in (
        (Action.RECEIVE, w.receiver),
        (Action.TRANSFER, w.receiver),
        (Action.FORWARD, w.head),
        (Action.FORWARD, w.specialist),
        (Action.FORWARD, w.builder),
        (Action.APPROVE, w.leader),
        (Action.RETURN_RESULT, w.receiver),
    ):
        dossier = dossier_transition(dossier=dossier, action=action, actor=actor)
    return {
        "rating_code": dossier.code,
        "rating_token": rating_qr_token(dossier=dossier),
        "kiosk_token": kiosk_token(dossier=dossier, unit_id=w.centre.pk),
    }


POLICY = {
    "danh-gia/<str:reference>/": [
        Check("get", "/danh-gia/{rating_code}/", OWNER_ONLY),
        Check(
            "post",
            "/danh-gia/{rating_code}/",
            {**OWNER_ONLY, "citizen": 302},
            data={"overall": "satisfied"},
            writes=True,
        ),
    ],
    "danh-gia/qr/<str:token>/": [
        Check("get", "/danh-gia/qr/{rating_token}/", everyone(200)),
        Check(
            "post", "/danh-gia/qr/{rating_token}/", everyone(302), data={"overall": "satisfied"}, writes=True
        ),
    ],
    "danh-gia/quay/<str:unit_code>/": [
        Check("get", "/danh-gia/quay/H12.99/", everyone(200)),
        Check("post", "/danh-gia/quay/H12.99/", everyone(200), data={"ma": "{rating_code}", "so": "5678"}),
        Check(
            "post",
            "/danh-gia/quay/H12.99/",
            everyone(302),
            data={"phien": "{kiosk_token}", "overall": "very_satisfied"},
            writes=True,
        ),
    ],
    "api/v1/reports/satisfaction": [
        Check(
            "get",
            "/api/v1/reports/satisfaction?unit=H12.99&from=2026-03-01&to=2026-03-31&group_by=officer",
            STAFF_REPORT,
            api=True,
        )
    ],
}
