"""Property-based fuzzing of the REST API from its own OpenAPI document (issue #7 §4).

Every operation of /api/v1/openapi.json gets generated requests, valid and invalid, sent in-process through the
WSGI application against the test database; each answer must not be a server error, must use a status code the
operation declares, and must match the declared schema. Bounded for CI (a handful of examples per operation,
derandomised so a failure reproduces); `MOTCUA_FUZZ_EXAMPLES=200` runs it longer locally.
"""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from motcua.accounts.services import api_token_issue
from motcua.dossiers.services import dossier_intake
from tests.factories import dossier_world, intake_data

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("MOTCUA_FUZZ_EXAMPLES", "12"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())

# Values the seeded data set really holds (dossier codes and the procedure's code both come as `code`), so part
# of the generated requests reach existing objects instead of stopping at 404. Filled by the `seeded` fixture
# before any example is drawn.
KNOWN: dict[str, list[str]] = {}


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    choices = [path_parameters]
    for name in path_parameters or {}:
        for known in KNOWN.get(name, []):
            choices.append({**path_parameters, name: known})
    return st.sampled_from(choices)


@pytest.fixture
def seeded(db):
    w = dossier_world()
    dossiers = [dossier_intake(data=intake_data(w), actor=w.receiver) for _ in range(3)]
    w.token = api_token_issue(user=w.receiver)
    KNOWN.update(code=[d.code for d in dossiers] + ["1.004873"], unit=[w.centre.agency_code])
    # Requests go straight to the WSGI application, not through Django's test client: keep Django from closing
    # the connection that holds the test's transaction at the end of each request, as the test client does.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield w
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
    KNOWN.clear()


FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.function_scoped_fixture,
    ],
    print_blob=False,
)


@schema.parametrize()
@FUZZ
def test_api_as_an_officer(case, seeded):
    case.call_and_validate(headers={"Authorization": f"Bearer {seeded.token}"}, checks=CHECKS)


def _is_public(context) -> bool:
    return not context.operation.definition.raw.get("security")


@schema.include(_is_public).parametrize()
@FUZZ
def test_public_api_anonymously(case, seeded):
    case.call_and_validate(checks=CHECKS)
