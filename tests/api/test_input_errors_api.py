"""The API-wide answers to input that reached the fuzz test (tests/api/test_fuzz_schemathesis.py): NUL
characters, unreadable bodies, out-of-range dates; and the errors every operation documents."""

import json

import pytest
from pydantic import BaseModel

from motcua.accounts.services import api_token_issue
from motcua.api.urls import api
from motcua.dossiers.models import Dossier
from tests.factories import dossier_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return dossier_world()


def bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_issue(user=user)}"}


INTAKE = {
    "procedure": "1.004873",
    "applicant": {
        "name": "Trần Văn Bình",
        "phone": "0987654321",
        "id_number": "096200001234",
        "address": "x",
    },
    "channel": "counter",
    "return_mode": "counter",
}


def test_a_nul_character_in_a_json_string_is_refused_before_anything_is_written(client, w):
    payload = {**INTAKE, "applicant": {**INTAKE["applicant"], "name": "Trần\x00Bình"}}
    response = client.post("/api/v1/dossiers", payload, content_type="application/json", **bearer(w.receiver))
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "nul_character"
    assert "NUL" in response.json()["error"]["message"]
    assert Dossier.objects.count() == 0


def test_the_same_intake_without_the_nul_character_is_accepted(client, w):
    response = client.post("/api/v1/dossiers", INTAKE, content_type="application/json", **bearer(w.receiver))
    assert response.status_code == 201, response.content


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/procedures?q=h%00n",
        "/api/v1/procedures/1.004873%00",
        "/api/v1/public/status/H12%00?phone=4321",
    ],
)
def test_a_nul_character_in_the_query_or_the_path_is_refused(client, url):
    response = client.get(url)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "nul_character"


def test_a_nul_character_in_form_fields_is_refused(client, w):
    response = client.post("/api/v1/results/verify", {"note": "a\x00b"})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "nul_character"


def test_an_unreadable_json_body_gets_the_error_envelope_in_vietnamese(client, w):
    response = client.post(
        "/api/v1/dossiers", b"{not json", content_type="application/json", **bearer(w.receiver)
    )
    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "code": "malformed_body",
            "message": "Không đọc được nội dung gửi lên (JSON hoặc biểu mẫu hỏng).",
            "details": None,
        }
    }


def test_a_multipart_body_without_boundary_gets_the_error_envelope(client):
    response = client.post("/api/v1/results/verify", b"x", content_type="multipart/form-data")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_body"


@pytest.mark.parametrize("report", ["summary", "satisfaction", "index766"])
def test_a_date_at_the_end_of_the_calendar_is_a_client_error(client, w, report):
    # The day after 9999-12-31 does not exist: the period's end cannot be computed.
    url = f"/api/v1/reports/{report}?from=9999-12-31&to=9999-12-31"
    response = client.get(url, **bearer(w.supervisor))
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "out_of_range"


def test_a_page_number_beyond_any_list_is_refused_by_the_schema(client, w):
    response = client.get("/api/v1/dossiers?page=99999999999999999999", **bearer(w.supervisor))
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["loc"] == ["query", "page"]


def test_every_operation_documents_the_errors_the_handlers_can_answer():
    document = api.get_openapi_schema()
    operations = [op for ops in document["paths"].values() for op in ops.values()]
    assert len(operations) > 50
    for operation in operations:
        codes = {int(status) for status in operation["responses"]}
        assert {400, 422} <= codes, operation["operationId"]
        if operation.get("security"):
            assert 401 in codes, operation["operationId"]
    units = document["paths"]["/api/v1/units"]["get"]["responses"]
    assert units[422]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorOut"}


def test_office_hours_are_documented_as_the_wall_time_they_are(client, w):
    body = client.get("/api/v1/units").json()
    hours = next(u for u in body if u["agency_code"] == "H12.99")["office_hours"]
    assert hours and all(len(t) == 8 for period in hours for t in period)  # "07:00:00"
    schema = api.get_openapi_schema()["components"]["schemas"]["UnitOut"]["properties"]["office_hours"]
    assert "format" not in str(schema)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_no_two_different_schemas_share_a_name_in_the_openapi_document():
    # django-ninja names a component after the class: a second class of the same name silently replaces the
    # first in the document, which then describes one response with the other's fields.
    components = api.get_openapi_schema()["components"]["schemas"]
    shapes: dict[str, dict[str, type]] = {}
    for cls in _subclasses(BaseModel):
        if cls.__module__.startswith("motcua.") and cls.__name__ in components:
            shape = json.dumps(cls.model_json_schema(), sort_keys=True)
            shapes.setdefault(cls.__name__, {})[shape] = cls
    clashes = {name: sorted(c.__module__ for c in by_shape.values()) for name, by_shape in shapes.items()}
    assert {name: modules for name, modules in clashes.items() if len(modules) > 1} == {}


def test_report_schemas_are_not_overwritten_by_counter_services_of_the_same_name():
    schemas = api.get_openapi_schema()["components"]["schemas"]
    assert "resolved_on_time" in schemas["SummaryFiguresOut"]["properties"]
    assert schemas["Index766Out"]["properties"]["groups"]["items"] == {
        "$ref": "#/components/schemas/Index766GroupOut"
    }
    assert "points" in schemas["Index766GroupOut"]["properties"]
