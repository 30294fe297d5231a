"""Personal data (issue #7): the citizen's own page, download and deletion; the supervisors' access log."""

from tests.authz_policies import LOGIN, Check, everyone

SIGNED_IN = {**everyone(200), "anonymous": LOGIN}

POLICY = {
    "tai-khoan/du-lieu-ca-nhan/": [Check("get", "/tai-khoan/du-lieu-ca-nhan/", SIGNED_IN)],
    "tai-khoan/du-lieu-ca-nhan/tai-ve/": [
        Check("get", "/tai-khoan/du-lieu-ca-nhan/tai-ve/", {**everyone(405), "anonymous": LOGIN}),
        Check("post", "/tai-khoan/du-lieu-ca-nhan/tai-ve/", SIGNED_IN),
    ],
    # A wrong password changes nothing (422); an officer's account is never deleted from here (403).
    "tai-khoan/xoa-tai-khoan/": [
        Check("get", "/tai-khoan/xoa-tai-khoan/", SIGNED_IN),
        Check(
            "post",
            "/tai-khoan/xoa-tai-khoan/",
            {"anonymous": LOGIN, "citizen": 422, "other_citizen": 422, "other_unit": 403, "officer": 403},
            data={"password": "not-the-password"},
            writes=True,
        ),
    ],
    "tai-khoan/xoa-tai-khoan/da-xoa/": [Check("get", "/tai-khoan/xoa-tai-khoan/da-xoa/", everyone(200))],
    # Supervisors and administrators only: the matrix's officers are receiving officers.
    "can-bo/du-lieu-ca-nhan/": [
        Check(
            "get",
            "/can-bo/du-lieu-ca-nhan/",
            {"anonymous": LOGIN, "citizen": 403, "other_unit": 403, "officer": 403},
        )
    ],
    "api/v1/me/export": [Check("get", "/api/v1/me/export", {**everyone(200), "anonymous": 401}, api=True)],
    "api/v1/me/accesses": [
        Check("get", "/api/v1/me/accesses", {**everyone(200), "anonymous": 401}, api=True)
    ],
}
