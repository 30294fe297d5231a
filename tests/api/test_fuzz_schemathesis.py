"""Property-based fuzzing of the REST API from its own OpenAPI document (issue #7 §4).

Every operation of /api/v1/openapi.json gets generated requests, valid and invalid, sent in-process through the
WSGI application against the test database; each answer must not be a server error, must use a status code the
operation declares, and must match the declared schema. Three actors: an officer, a citizen (whose answers must
never show another citizen's dossier) and nobody. Bounded for CI (a handful of examples per operation, fewer for
the citizen, derandomised so a failure reproduces); `MOTCUA_FUZZ_EXAMPLES=200` runs it longer locally.

Stateful: the citizen's journey through the dossier operations (create, read, add documents, submit, …) is
also run as chains of calls, each feeding the next with the code it answered (links that schemathesis infers
from the schemas), a few short chains only (docs/api.md).
"""

import copy
import os
import re

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from motcua.accounts.services import api_token_issue
from motcua.dossiers.services import dossier_intake
from tests.factories import dossier_world, intake_data
from tests.postal.helpers import online_submitted

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("MOTCUA_FUZZ_EXAMPLES", "12"))
# The citizen's run repeats the officer's with another identity: what it adds is the access check below, which
# a few random examples per operation exercise; its boundary-value (coverage) phase would repeat the officer's.
CITIZEN_EXAMPLES = max(2, EXAMPLES // 4)
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
def in_process(db):
    # Requests go straight to the WSGI application, not through Django's test client: keep Django from closing
    # the connection that holds the test's transaction at the end of each request, as the test client does.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
    KNOWN.clear()


@pytest.fixture
def seeded(in_process):
    w = dossier_world()
    dossiers = [dossier_intake(data=intake_data(w), actor=w.receiver) for _ in range(3)]
    w.token = api_token_issue(user=w.receiver)
    KNOWN.update(code=[d.code for d in dossiers] + ["1.004873"], unit=[w.centre.agency_code])
    return w


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


# --- the citizen ---------------------------------------------------------------------------------------------
# Where a citizen's token meets dossiers: their own, their payments, their data. Officers' operations (worklists,
# reports, queue counters) answer 403 to it whatever the input, and appointments hold no dossier.
CITIZEN_PATHS = r"^/api/v1/(dossiers|me/|payments/)"
CITIZEN_JOURNEY = r"^/api/v1/(me/)?dossiers|^/api/v1/payments/dossiers"


def _with_my_dossier_links(document: dict) -> dict:
    """The citizen's list (GET /me/dossiers) leads to every operation on one of its dossiers: OpenAPI links
    from the first item's code, which the inference cannot find (the list's items are another schema than the
    dossier's). Only in the fuzzed copy; the published document stays as generated."""
    document = copy.deepcopy(document)
    links = {}
    for path, operations in document["paths"].items():
        if "{code}" in path and re.match(CITIZEN_JOURNEY, path):
            for method, operation in operations.items():
                if isinstance(operation, dict) and "operationId" in operation:
                    links[f"{method}{path}"] = {
                        "operationId": operation["operationId"],
                        "parameters": {"code": "$response.body#/items/0/code"},
                    }
    document["paths"]["/api/v1/me/dossiers"]["get"]["responses"]["200"]["links"] = links
    return document


citizen_schema = schemathesis.openapi.from_dict(
    _with_my_dossier_links(schema.raw_schema),
    config=SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": False}}}),
)
citizen_schema.app, citizen_schema.location = schema.app, schema.location
citizen_schema.hook(flatmap_path_parameters)


@pytest.fixture
def citizen_world(in_process, settings, tmp_path):
    """The factories' world with a dossier the citizen submitted online and one of another citizen; the `code`
    drawn for a path is one of those two, so the access check meets both."""
    settings.MEDIA_ROOT = tmp_path / "media"
    w = dossier_world()
    w.own_dossier = online_submitted(w)
    w.others_dossier = online_submitted(w, citizen=w.other_citizen, id_number="096300002222")
    w.citizen_token = api_token_issue(user=w.citizen)
    KNOWN["code"] = [w.own_dossier.reference, w.others_dossier.reference]
    return w


def _others_dossier_shown(others_code: str):
    def not_another_citizens_dossier(ctx, response, case):
        """A citizen never gets a successful answer that carries another citizen's dossier reference."""
        if response.status_code < 300 and f'"{others_code}"' in response.text:
            raise AssertionError(
                f"{case.method} {case.formatted_path} answered {response.status_code} with another "
                f"citizen's dossier {others_code}"
            )

    return not_another_citizens_dossier


@citizen_schema.include(path_regex=CITIZEN_PATHS).exclude(_is_public).parametrize()
@settings(FUZZ, max_examples=CITIZEN_EXAMPLES)
def test_api_as_a_citizen(case, citizen_world):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {citizen_world.citizen_token}"},
        checks=[*CHECKS, _others_dossier_shown(citizen_world.others_dossier.reference)],
    )


# A few short chains: each step is one request, so this costs about CHAINS × STEPS requests.
STATEFUL_CHAINS = int(os.environ.get("MOTCUA_FUZZ_CHAINS", "6"))
STATEFUL_STEPS = 5


def test_citizen_journey_statefully(citizen_world):
    """Chains of the citizen's dossier operations (list → read → act → pay …), each call taking the code an
    earlier answer carried, through the links schemathesis infers from the response schemas."""
    journey = citizen_schema.include(path_regex=CITIZEN_JOURNEY).as_state_machine()
    token = citizen_world.citizen_token
    checks = [*CHECKS, _others_dossier_shown(citizen_world.others_dossier.reference)]

    class CitizenJourney(journey):
        def get_call_kwargs(self, case):
            return {"headers": {"Authorization": f"Bearer {token}"}}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=checks, transport_kwargs=kwargs)

    CitizenJourney.run(
        settings=settings(FUZZ, max_examples=STATEFUL_CHAINS, stateful_step_count=STATEFUL_STEPS)
    )
