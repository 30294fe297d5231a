"""The citizen's journey through the API: registration, answering a supplement request, electronic results,
ratings and the person's own notifications.

The dossiers come from the other areas' contexts, which the matrix merges for every case: `{own_draft}`
(backoffice_online: a draft of w.citizen's), `{result_code}` (results: w.citizen's dossier with a decision and
an electronic result) and `{rating_code}` (ratings: w.citizen's returned dossier, not rated yet). `{code}` is
the matrix's counter dossier received at the provincial centre, of nobody's account."""

from tests.authz_policies import Check, everyone

SIGNED_IN = {**everyone(200), "anonymous": 401}
# The owner or an officer who sees the dossier; another citizen and another unit get the 404 of no dossier.
OWNER_OR_OFFICER = {"anonymous": 401, "citizen": 200, "other_citizen": 404, "other_unit": 404, "officer": 200}

POLICY = {
    # Anyone may ask for a code; the answer does not tell whether the phone already has an account.
    "api/v1/auth/register": [
        Check("post", "/api/v1/auth/register", everyone(201), data={"identifier": "0912345000"}, api=True)
    ],
    "api/v1/auth/register/confirm": [
        Check(
            "post",
            "/api/v1/auth/register/confirm",
            everyone(422),
            data={"code_id": 1, "code": "000000", "full_name": "Lê Văn Nam", "password": "Mat-khau-dai-2026"},
            api=True,
        )
    ],
    "api/v1/dossiers/<code>/actions/supplement": [
        # Nobody's online dossier: the centre's officer reaches it but the state refuses a supplement.
        Check(
            "post",
            "/api/v1/dossiers/{code}/actions/supplement",
            {"anonymous": 401, "citizen": 404, "other_citizen": 404, "other_unit": 404, "officer": 409},
            api=True,
            writes=True,
        ),
        # The owner passes the ownership check and is refused by the state (a draft is not awaiting anything).
        Check(
            "post",
            "/api/v1/dossiers/{own_draft}/actions/supplement",
            {"anonymous": 401, "citizen": 409, "other_citizen": 404, "other_unit": 404, "officer": 409},
            api=True,
            writes=True,
        ),
    ],
    "api/v1/dossiers/<code>/result": [
        Check("get", "/api/v1/dossiers/{result_code}/result", OWNER_OR_OFFICER, api=True),
        # The owner may not sign; the centre's receiving officer may, but a result is attached already.
        Check(
            "post",
            "/api/v1/dossiers/{result_code}/result",
            {"anonymous": 401, "citizen": 403, "other_citizen": 404, "other_unit": 404, "officer": 409},
            api=True,
            writes=True,
        ),
        Check(
            "post",
            "/api/v1/dossiers/{code}/result",
            {"anonymous": 401, "citizen": 404, "other_citizen": 404, "other_unit": 404, "officer": 409},
            api=True,
            writes=True,
        ),
    ],
    "api/v1/dossiers/<code>/result.pdf": [
        Check("get", "/api/v1/dossiers/{result_code}/result.pdf", OWNER_OR_OFFICER, api=True)
    ],
    # Anyone; without a file it is a 422 for everybody.
    "api/v1/results/verify": [Check("post", "/api/v1/results/verify", everyone(422), api=True)],
    "api/v1/ratings/criteria": [Check("get", "/api/v1/ratings/criteria", everyone(200), api=True)],
    "api/v1/dossiers/<code>/rating": [
        Check(
            "post",
            "/api/v1/dossiers/{rating_code}/rating",
            {"anonymous": 401, "citizen": 201, "other_citizen": 404, "other_unit": 404, "officer": 404},
            data={"overall": "satisfied"},
            api=True,
            writes=True,
        )
    ],
    "api/v1/me/notifications": [Check("get", "/api/v1/me/notifications", SIGNED_IN, api=True)],
}
