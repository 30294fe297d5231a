"""Petitions (phản ánh, kiến nghị): public pages and Open311 for everyone, the petitioner by code + phone
digits, the rating link or their account; the back office for the receiving centre and the assigned unit.

`officer` (the provincial centre's receiving officer) received the petition; `other_unit` (a commune
centre's receiving officer) has nothing to do with it."""

from tests.authz_policies import LOGIN, Check, everyone

STAFF_ONLY = {"anonymous": LOGIN, "citizen": 403, "other_unit": 404, "officer": 200}
API_STAFF_ONLY = {"anonymous": 401, "citizen": 404, "other_unit": 404, "officer": 200}
NEW_PETITION = {
    "subject_kind": "other",
    "title": "Đề nghị bố trí thêm ghế chờ",
    "description": "Khu chờ thiếu ghế vào buổi sáng.",
    "petitioner_name": "Lê Văn Nam",
    "petitioner_phone": "0911225678",
}


def context(w, now) -> dict:
    """An answered, published petition and a fresh one, both received by `w.centre` (phone ending 5678)."""
    from motcua.petitions.enums import Action
    from motcua.petitions.services import PetitionData, petition_submit, petition_transition
    from motcua.petitions.tokens import petition_rating_token

    def data(**overrides):
        values = dict(
            subject_kind="other",
            title="Đề nghị bố trí thêm ghế chờ",
            description="Khu chờ thiếu ghế vào buổi sáng.",
            petitioner_name="Lê Văn Nam",
            petitioner_phone="0911225678",
        )
        return PetitionData(**(values | overrides))

    answered = petition_submit(data=data())
    answered = petition_transition(petition=answered, action=Action.ASSIGN, actor=w.receiver, unit=w.centre)
    answered = petition_transition(
        petition=answered,
        action=Action.ANSWER,
        actor=w.receiver,
        answer="Trung tâm đã bố trí thêm 20 ghế.",
        publish=True,
        public_description="Khu chờ thiếu ghế vào buổi sáng.",
    )
    fresh = petition_submit(data=data(title="Phản ánh mới"))
    return {
        "petition_code": answered.code,
        "petition_token": petition_rating_token(petition=answered),
        "fresh_code": fresh.code,
    }


POLICY = {
    "phan-anh/": [Check("get", "/phan-anh/?q=gh%E1%BA%BF", everyone(200))],
    "phan-anh/gui/": [
        Check("get", "/phan-anh/gui/", everyone(200)),
        # An empty form: refused with the error summary, nothing written.
        Check("post", "/phan-anh/gui/", everyone(422), data={"title": ""}, writes=True),
    ],
    "phan-anh/gui/xong/": [Check("get", "/phan-anh/gui/xong/", everyone(302))],
    "phan-anh/tra-cuu/": [Check("get", "/phan-anh/tra-cuu/", everyone(200))],
    "phan-anh/danh-gia/<str:token>/": [
        Check("get", "/phan-anh/danh-gia/{petition_token}/", everyone(200)),
        Check("get", "/phan-anh/danh-gia/x{petition_token}/", everyone(404)),
    ],
    "phan-anh/<str:code>/": [
        Check("get", "/phan-anh/{petition_code}/", everyone(200)),
        Check("post", "/phan-anh/{fresh_code}/", everyone(200), data={"ma": "{fresh_code}", "so": "5678"}),
        Check("post", "/phan-anh/{fresh_code}/", everyone(404), data={"ma": "{fresh_code}", "so": "0000"}),
    ],
    "open311/v2/discovery.json": [Check("get", "/open311/v2/discovery.json", everyone(200))],
    "open311/v2/services.json": [Check("get", "/open311/v2/services.json", everyone(200))],
    "open311/v2/services/<str:code>.json": [
        Check("get", "/open311/v2/services/location.json", everyone(200))
    ],
    "open311/v2/requests.json": [
        Check("get", "/open311/v2/requests.json", everyone(200)),
        Check(
            "post", "/open311/v2/requests.json", everyone(400), data={"service_code": "other"}, writes=True
        ),
    ],
    "open311/v2/requests/<str:code>.json": [
        Check("get", "/open311/v2/requests/{petition_code}.json", everyone(200))
    ],
    "open311/v2/requests/<str:code>/updates.json": [
        Check("get", "/open311/v2/requests/{petition_code}/updates.json", everyone(200))
    ],
    "can-bo/phan-anh/": [
        Check(
            "get",
            "/can-bo/phan-anh/",
            {"anonymous": LOGIN, "citizen": 403, "other_unit": 200, "officer": 200},
        )
    ],
    "can-bo/phan-anh/<str:code>/": [Check("get", "/can-bo/phan-anh/{fresh_code}/", STAFF_ONLY)],
    "can-bo/phan-anh/<str:code>/tep/<int:attachment_id>/": [
        Check("get", "/can-bo/phan-anh/{fresh_code}/tep/999999/", {**STAFF_ONLY, "officer": 404})
    ],
    "can-bo/phan-anh/<str:code>/<str:action>/": [
        Check(
            "post",
            "/can-bo/phan-anh/{fresh_code}/assign/",
            {**STAFF_ONLY, "officer": 302},
            data={"unit": "H12.04", "subject_kind": "other"},
            writes=True,
        )
    ],
    "api/v1/petitions": [
        Check(
            "get",
            "/api/v1/petitions",
            {"anonymous": 401, "citizen": 403, "other_unit": 200, "officer": 200},
            api=True,
        ),
        # Anyone may petition; an incomplete one is refused with nothing written.
        Check("post", "/api/v1/petitions", everyone(201), data=NEW_PETITION, api=True, writes=True),
        Check(
            "post", "/api/v1/petitions", everyone(422), data={"subject_kind": "other"}, api=True, writes=True
        ),
    ],
    "api/v1/petitions/<code>": [Check("get", "/api/v1/petitions/{fresh_code}", API_STAFF_ONLY, api=True)],
    "api/v1/petitions/<code>/actions/<action>": [
        Check(
            "post",
            "/api/v1/petitions/{fresh_code}/actions/assign",
            API_STAFF_ONLY,
            data={"unit": "H12.04", "subject_kind": "other"},
            api=True,
            writes=True,
        )
    ],
    "api/v1/petitions/<code>/status": [
        Check("get", "/api/v1/petitions/{fresh_code}/status?phone=5678", everyone(200), api=True),
        Check("get", "/api/v1/petitions/{fresh_code}/status?phone=0000", everyone(404), api=True),
    ],
    "api/v1/petitions/rating/<token>": [
        Check(
            "post",
            "/api/v1/petitions/rating/{petition_token}",
            everyone(200),
            data={"rating": "satisfied"},
            api=True,
        ),
        Check(
            "post",
            "/api/v1/petitions/rating/x{petition_token}",
            everyone(404),
            data={"rating": "satisfied"},
            api=True,
        ),
    ],
}
