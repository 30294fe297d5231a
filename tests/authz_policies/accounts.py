"""Citizen accounts (/tai-khoan/) and accounts opened at the counter (/can-bo/cong-dan/)."""

from tests.authz_policies import LOGIN, Check, everyone

SIGNED_IN = {**everyone(200), "anonymous": LOGIN}
# Pages of a flow that was not started in this session send the visitor back to its first page.
NO_FLOW = everyone(302)
COUNTER = {"anonymous": LOGIN, "citizen": 403, "other_unit": 200, "officer": 200}
# Only the officer who opened the account sees its page; any other officer gets 404, a citizen 403.
OPENED_BY_OFFICER = {"anonymous": LOGIN, "citizen": 403, "other_unit": 404, "officer": 200}


def context(w, now) -> dict:
    from motcua.accounts.services import citizen_register_at_counter

    citizen = citizen_register_at_counter(
        actor=w.receiver, full_name="Trần Văn Quầy", phone="0987000111", id_number="001099000111"
    )
    return {"counter_citizen": citizen.pk}


POLICY = {
    "tai-khoan/": [Check("get", "/tai-khoan/", SIGNED_IN)],
    "tai-khoan/sua/": [Check("get", "/tai-khoan/sua/", SIGNED_IN)],
    "tai-khoan/dien-thoai/": [Check("get", "/tai-khoan/dien-thoai/", SIGNED_IN)],
    "tai-khoan/thu-dien-tu/": [Check("get", "/tai-khoan/thu-dien-tu/", SIGNED_IN)],
    "tai-khoan/xac-minh/": [Check("get", "/tai-khoan/xac-minh/", NO_FLOW)],
    "tai-khoan/doi-mat-khau/": [Check("get", "/tai-khoan/doi-mat-khau/", SIGNED_IN)],
    # A signed-in person has an account already: sent to their profile.
    "tai-khoan/dang-ky/": [
        Check("get", "/tai-khoan/dang-ky/", {**everyone(302), "anonymous": 200}),
        Check("post", "/tai-khoan/dang-ky/", everyone(302), data={"identifier": "0977000222"}),
    ],
    "tai-khoan/dang-ky/xac-minh/": [Check("get", "/tai-khoan/dang-ky/xac-minh/", NO_FLOW)],
    "tai-khoan/dang-ky/thong-tin/": [Check("get", "/tai-khoan/dang-ky/thong-tin/", NO_FLOW)],
    "tai-khoan/dang-ky/hoan-tat/": [Check("get", "/tai-khoan/dang-ky/hoan-tat/", SIGNED_IN)],
    "tai-khoan/quen-mat-khau/": [
        Check("get", "/tai-khoan/quen-mat-khau/", everyone(200)),
        Check("post", "/tai-khoan/quen-mat-khau/", everyone(302), data={"identifier": "0977000222"}),
    ],
    "tai-khoan/quen-mat-khau/xac-minh/": [Check("get", "/tai-khoan/quen-mat-khau/xac-minh/", NO_FLOW)],
    "tai-khoan/mat-khau-moi/": [Check("get", "/tai-khoan/mat-khau-moi/", NO_FLOW)],
    "tai-khoan/kich-hoat/": [Check("get", "/tai-khoan/kich-hoat/", everyone(200))],
    # VNeID is off unless MOTCUA_OIDC_* are set (tests/accounts/test_vneid.py switches it on).
    "tai-khoan/vneid/": [Check("get", "/tai-khoan/vneid/", everyone(404))],
    "tai-khoan/vneid/callback/": [Check("get", "/tai-khoan/vneid/callback/?code=x&state=y", everyone(404))],
    "can-bo/cong-dan/": [
        Check("get", "/can-bo/cong-dan/", COUNTER),
        Check(
            "post",
            "/can-bo/cong-dan/",
            {**COUNTER, "other_unit": 302, "officer": 302},
            data={"full_name": "Lê Thị Mới", "id_number": "001099000222", "phone": "0977000333"},
            writes=True,
        ),
    ],
    "can-bo/cong-dan/<int:user_id>/": [
        Check("get", "/can-bo/cong-dan/{counter_citizen}/", OPENED_BY_OFFICER)
    ],
    "can-bo/cong-dan/<int:user_id>/gui-lai-ma/": [
        Check(
            "post",
            "/can-bo/cong-dan/{counter_citizen}/gui-lai-ma/",
            {**OPENED_BY_OFFICER, "officer": 302},
            writes=True,
        )
    ],
}
