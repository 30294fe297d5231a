from decimal import Decimal

import pytest

from motcua.catalog.enums import FeeKind
from motcua.org.enums import Role
from tests.factories import (
    PASSWORD,
    FeeRuleFactory,
    StaffRoleFactory,
    UnitFactory,
    UserFactory,
    published_procedure,
)

pytestmark = pytest.mark.django_db


def test_procedure_list_search_without_diacritics_and_detail(client):
    published_procedure(national_code="1.001193", name="Thủ tục đăng ký khai sinh")
    published_procedure(national_code="1.000894", name="Thủ tục đăng ký kết hôn")
    response = client.get("/api/v1/procedures", {"q": "dang ky khai sinh"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert body["items"][0]["national_code"] == "1.001193"
    assert client.get("/api/v1/procedures", {"q": "ĐĂNG KÝ"}).json()["count"] == 2

    detail = client.get("/api/v1/procedures/1.001193.000.00.00.H12")
    assert detail.status_code == 200
    data = detail.json()
    assert data["name"] == "Thủ tục đăng ký khai sinh"
    assert [s["order"] for s in data["processes"][0]["steps"]] == [1, 2, 3]
    assert sum(Decimal(s["budget_hours"]) for s in data["processes"][0]["steps"]) == 24
    assert client.get("/api/v1/procedures/1.001193").json()["local_code"] == "1.001193.000.00.00.H12"


def test_procedure_detail_unknown_code_is_404_in_the_error_shape(client):
    response = client.get("/api/v1/procedures/9.999999")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_procedure_fee_rules_are_exposed(client):
    version = published_procedure(
        national_code="2.000815", name="Chứng thực bản sao từ bản chính", days=0, unit_kind="same_day"
    )
    FeeRuleFactory(
        version=version,
        label="Phí chứng thực",
        kind=FeeKind.PER_PAGE,
        amount=2000,
        first_tier_units=2,
        amount_after=1000,
        cap=200000,
    )
    fees = client.get("/api/v1/procedures/2.000815").json()["fees"]
    assert {
        "label": "Phí chứng thực",
        "kind": "per_page",
        "amount": 2000,
        "first_tier_units": 2,
        "amount_after": 1000,
        "cap": 200000,
        "unit_label": "",
        "is_optional": False,
    } in fees


def test_units_list_and_filters(client):
    province = UnitFactory(agency_code="H12", kind="province", name="UBND tỉnh Cà Mau")
    UnitFactory(agency_code="H12.04", parent=province, name="Sở Tư pháp")
    UnitFactory(agency_code="000.00.15.H12", parent=province, name="Đơn vị mã cũ", kind="other")
    body = client.get("/api/v1/units").json()
    assert {u["agency_code"] for u in body} == {"H12", "H12.04", "000.00.15.H12"}
    children = client.get("/api/v1/units", {"parent": "H12", "kind": "department"}).json()
    assert [u["agency_code"] for u in children] == ["H12.04"]
    assert children[0]["office_hours"] == [["07:00:00", "11:00:00"], ["13:00:00", "17:00:00"]]


def test_token_auth(client):
    user = UserFactory(username="tichhop")
    StaffRoleFactory(user=user, role=Role.VIEWER)
    bad = client.post(
        "/api/v1/auth/token", {"username": "tichhop", "password": "sai"}, content_type="application/json"
    )
    assert bad.status_code == 403
    assert bad.json()["error"]["code"] == "not_permitted"
    good = client.post(
        "/api/v1/auth/token", {"username": "tichhop", "password": PASSWORD}, content_type="application/json"
    )
    assert good.status_code == 200
    token = good.json()["token"]
    from motcua.accounts.services import api_token_user

    assert api_token_user(raw=token) == user
    assert api_token_user(raw=token + "x") is None


def test_openapi_document_is_served(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/procedures",
        "/api/v1/procedures/{code}",
        "/api/v1/units",
        "/api/v1/calendar/deadline",
        "/api/v1/auth/token",
    ):
        assert path in paths
    assert client.get("/api/v1/docs").status_code == 200


def _dossier_with_two_steps():
    from datetime import datetime, timedelta

    import time_machine

    from motcua.dossiers.services import dossier_intake, dossier_transition
    from motcua.workcal.calendar import LOCAL_TZ
    from tests.factories import dossier_world, intake_data

    now = datetime(2026, 3, 2, 8, 0, tzinfo=LOCAL_TZ)
    with time_machine.travel(now, tick=False) as clock:
        w = dossier_world()
        dossier = dossier_intake(data=intake_data(w), actor=w.receiver)
        clock.move_to(now + timedelta(hours=1))
        dossier_transition(dossier=dossier, action="transfer", actor=w.receiver)
    return dossier


def test_public_status_is_one_query_with_the_steps_in_order(client, django_assert_num_queries):
    # The busiest public read (issue #7): one indexed query for the dossier, its procedure and its steps, and
    # nothing for session, user or messages on an anonymous call. A second query here fails this test.
    dossier = _dossier_with_two_steps()
    with django_assert_num_queries(1):
        response = client.get(f"/api/v1/public/status/{dossier.code}", {"phone": "5678"})
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == dossier.code
    assert body["status"] == "processing"
    assert body["status_label"] == "Đang xử lý"
    assert body["procedure_name"] == "Thủ tục cấp Giấy xác nhận tình trạng hôn nhân"
    assert body["applicant_initials"] == "N. T. H."
    assert body["received_at"] == "2026-03-02T08:00:00+07:00"
    assert body["due_at"] == "2026-03-05T08:00:00+07:00"
    assert body["result_ready_at"] is None and body["returned_at"] is None
    assert body["steps"] == [
        {
            "name": "Tiếp nhận hồ sơ",
            "unit": "Trung tâm Phục vụ hành chính công tỉnh Cà Mau",
            "started_at": "2026-03-02T08:00:00+07:00",
            "finished_at": "2026-03-02T09:00:00+07:00",
        },
        {
            "name": "Phân công xử lý",
            "unit": "Sở Tư pháp",
            "started_at": "2026-03-02T09:00:00+07:00",
            "finished_at": None,
        },
    ]
    assert "Nguyễn" not in response.content.decode()
    # The endpoint renders its dict without ninja's validation: it must still be exactly the documented schema.
    from motcua.api.routers.dossiers import PublicStatusOut

    assert PublicStatusOut.model_validate(body).model_dump(mode="json") == body
    assert list(body) == list(PublicStatusOut.model_fields)
    assert list(body["steps"][0]) == ["name", "unit", "started_at", "finished_at"]


def test_public_status_refusals_cost_one_query_or_none(client, django_assert_num_queries):
    dossier = _dossier_with_two_steps()
    with django_assert_num_queries(1):
        wrong = client.get(f"/api/v1/public/status/{dossier.code}", {"phone": "0000"})
    with django_assert_num_queries(0):  # not a code at all: no query
        malformed = client.get("/api/v1/public/status/khong-phai-ma", {"phone": "5678"})
    assert wrong.status_code == malformed.status_code == 404
    assert wrong.json() == malformed.json()


def test_public_status_by_post_keeps_the_digits_out_of_the_url(client, django_assert_num_queries, settings):
    dossier = _dossier_with_two_steps()
    url = "/api/v1/public/status"
    with django_assert_num_queries(1):
        posted = client.post(url, {"code": f" {dossier.code.lower()} ", "phone": "5678"}, "application/json")
    by_get = client.get(f"/api/v1/public/status/{dossier.code}", {"phone": "5678"})
    assert posted.status_code == 200 and posted.json() == by_get.json()
    wrong = client.post(url, {"code": dossier.code, "phone": "0000"}, "application/json")
    unknown = client.post(url, {"code": "H12.99-260302-9999", "phone": "5678"}, "application/json")
    assert wrong.status_code == unknown.status_code == 404 and wrong.json() == unknown.json()
    missing = client.post(url, {"code": dossier.code}, "application/json")
    assert missing.status_code == 422
    # GET and POST count against the same limit per address: four lookups above, two more allowed.
    settings.MOTCUA_STATUS_RATE_PER_MINUTE = 6
    answers = [
        client.post(url, {"code": dossier.code, "phone": "5678"}, "application/json") for _ in range(3)
    ]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert "quá nhiều lần" in answers[-1].json()["error"]["message"]


def test_public_status_rate_limit_on_redis_counts_in_one_shared_client(client):
    # Production counts in Redis (one INCR script per lookup, one client per process): the same answers as
    # the memory cache of the other tests, and the counter expires with its window.
    import os
    import uuid
    from datetime import datetime

    import time_machine

    from motcua.workcal.calendar import LOCAL_TZ

    redis = pytest.importorskip("redis")
    from django.core.cache import caches
    from django.test import override_settings

    from motcua.core.ratelimit import rate_limit_reached

    url = os.environ.get("MOTCUA_TEST_REDIS_CACHE_URL", "redis://127.0.0.1:6379/12")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip(f"Redis unreachable at {url}")
    dossier = _dossier_with_two_steps()
    prefix = f"motcua-test-{uuid.uuid4().hex[:12]}"
    cache_setting = {
        "default": {
            "BACKEND": "motcua.core.redis_cache.SharedClientRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": prefix,
        }
    }
    # A frozen clock: the counts and rate_limit_reached must fall in the same one-minute window.
    frozen = time_machine.travel(datetime(2026, 3, 3, 8, 0, 30, tzinfo=LOCAL_TZ), tick=False)
    with frozen, override_settings(CACHES=cache_setting, MOTCUA_STATUS_RATE_PER_MINUTE=3):
        backend = caches["default"]
        try:
            statuses = [
                client.get(f"/api/v1/public/status/{dossier.code}", {"phone": "5678"}).status_code
                for _ in range(5)
            ]
            assert backend._cache.get_client(write=True) is backend._cache.get_client()
            keys = backend._cache.get_client().keys(f"{prefix}:*")
            assert len(keys) == 1
            assert 60 < backend._cache.get_client().ttl(keys[0]) <= 65
            assert rate_limit_reached(scope="status", key="127.0.0.1", limit=5, window_seconds=60)
            assert not rate_limit_reached(scope="status", key="127.0.0.1", limit=6, window_seconds=60)
        finally:
            for key in backend._cache.get_client().keys(f"{prefix}:*"):
                backend._cache.get_client().delete(key)
    assert statuses == [200, 200, 200, 429, 429]


def _prepared_statements() -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE NOT from_sql")
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.parametrize("allowed", [True, False])
def test_the_lookup_is_planned_once_per_connection_on_postgresql(client, settings, allowed):
    # Its query as a prepared statement (core/prepared.py): planning the five joins was most of its cost on
    # the server. Off by setting for a connection pooler that cannot keep prepared statements.
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are a PostgreSQL matter")
    # Off, the lookup's cursor does not prepare; the test's connection was opened with the setting on, so it
    # would still prepare the statement on a third run (two here).
    settings.MOTCUA_DB_PREPARED_STATEMENTS = allowed
    dossier = _dossier_with_two_steps()
    for _ in range(2):
        response = client.get(f"/api/v1/public/status/{dossier.code}", {"phone": "5678"})
        assert response.status_code == 200 and response.json()["code"] == dossier.code
    prepared = [s for s in _prepared_statements() if "WHERE d." in s and "ORDER BY s." in s]
    assert len(prepared) == (1 if allowed else 0)
