"""The loaded demo province, catalogue and accounts: what these tests read is loaded once for the module.

Each test still runs in its own savepoint on top of the load, so what one writes (an API token, a second
load) is gone before the next. The load itself (counts, idempotence of a fresh load, the commands) is tested
in test_demo_data.py."""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import override_settings

from motcua.accounts.models import ApiToken, User
from motcua.accounts.services import api_token_user
from motcua.catalog.enums import StepUnitMode, VersionStatus
from motcua.catalog.models import ProcedureVersion
from motcua.catalog.services import fee_compute, process_budget_problems
from motcua.demo.loader import DEMO_PASSWORD, demo_load
from motcua.org.enums import Role, UnitKind
from motcua.org.models import StaffRole, Unit
from tests.demo.helpers import agency_of, in_force_versions
from tests.shared_rows import shared_rows

pytestmark = pytest.mark.usefixtures("demo")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """Loading the demo took most of each of these tests' time; once is enough for what they read."""
    media = tmp_path_factory.mktemp("demo-media")

    def build():
        # The autouse fixtures of tests/conftest.py are per test and not active yet: same settings here.
        with override_settings(
            MEDIA_ROOT=media, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
        ):
            return demo_load()

    yield from shared_rows(django_db_blocker, build)


@pytest.mark.django_db
def test_demo_accounts_have_the_demo_password_and_their_role_in_their_unit():
    expected = {
        "admin": (Role.ADMINISTRATOR, "H12"),
        "tiepnhan": (Role.RECEIVING_OFFICER, "H12.01"),
        "tiepnhan_xa": (Role.RECEIVING_OFFICER, "H12.20.01"),
        "chuyenvien": (Role.SPECIALIST, "H12.02.01"),
        "truongphong": (Role.HEAD_OF_DIVISION, "H12.02.01"),
        "lanhdao": (Role.SIGNING_LEADER, "H12.02"),
        "giamsat": (Role.SUPERVISOR, "H12"),
    }
    for username, (role, unit_code) in expected.items():
        user = User.objects.get(username=username)
        assert user.check_password(DEMO_PASSWORD), username
        roles = list(StaffRole.objects.filter(user=user).values_list("role", "unit__agency_code"))
        assert roles == [(role, unit_code)], username
    assert Unit.objects.get(agency_code="H12.02.01").parent.agency_code == "H12.02"
    assert Unit.objects.get(agency_code="H12.20.01").kind == UnitKind.COMMUNE_CENTRE
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    citizen = User.objects.get(username="congdan")
    assert citizen.check_password(DEMO_PASSWORD)
    assert not StaffRole.objects.filter(user=citizen).exists()
    assert not citizen.is_staff


@pytest.mark.django_db
def test_the_province_has_departments_with_divisions_and_commune_centres_with_counters():
    province = Unit.objects.get(agency_code="H12")
    assert province.kind == UnitKind.PROVINCE
    assert province.name == "Ủy ban nhân dân tỉnh Cà Mau"
    departments = Unit.objects.filter(parent=province, kind=UnitKind.DEPARTMENT)
    assert departments.count() >= 4
    for department in departments:
        assert department.children.filter(kind=UnitKind.DIVISION).exists(), department.name
    assert Unit.objects.filter(parent=province, kind=UnitKind.PROVINCIAL_CENTRE).count() == 1
    centres = Unit.objects.filter(kind=UnitKind.COMMUNE_CENTRE)
    assert centres.count() >= 3
    for centre in Unit.objects.filter(kind__in=[UnitKind.COMMUNE_CENTRE, UnitKind.PROVINCIAL_CENTRE]):
        assert centre.counters.count() >= 3, centre.name
    for centre in centres:
        assert centre.parent.kind == UnitKind.COMMUNE
    # One unit keeps a legacy right-to-left code; one ward keeps its own office hours.
    assert Unit.objects.filter(agency_code="000.00.15.H12").exists()
    hours = {u.agency_code: u.office_periods()[0][0].strftime("%H:%M") for u in Unit.objects.all()}
    assert hours["H12.22.01"] == "07:30"
    assert hours["H12.20.01"] == "07:00"


@pytest.mark.django_db
def test_every_process_adds_up_to_the_committed_time_and_every_step_has_someone():
    centres = list(Unit.objects.filter(kind__in=[UnitKind.COMMUNE_CENTRE, UnitKind.PROVINCIAL_CENTRE]))
    holders = set(StaffRole.objects.values_list("unit_id", "role"))
    for version in in_force_versions():
        assert process_budget_problems(version=version) == [], version.procedure.national_code
        processes = list(version.processes.all())
        assert processes, version.procedure.national_code
        default_units = {u.id for u in version.competent_units.all()} - {
            p.handling_unit_id for p in processes if p.handling_unit_id
        }
        for process in processes:
            for step in process.steps.all():
                if step.unit_mode == StepUnitMode.RECEIVING:
                    step_units = {u.id for u in (list(version.receiving_units.all()) or centres)}
                elif step.unit_mode == StepUnitMode.COMPETENT:
                    step_units = {process.handling_unit_id} if process.handling_unit_id else default_units
                else:
                    step_units = {step.unit_id}
                for unit_id in step_units:
                    assert (unit_id, step.role) in holders, (
                        version.procedure.national_code,
                        step.name,
                        unit_id,
                    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "pages, expected", [(1, 2_000), (2, 4_000), (3, 5_000), (5, 7_000), (198, 200_000), (300, 200_000)]
)
def test_certified_copy_fee_is_charged_per_page_with_the_cap(pages, expected):
    version = ProcedureVersion.objects.get(procedure__national_code="2.000815", status=VersionStatus.IN_FORCE)
    total, _lines = fee_compute(version=version, pages=pages)

    assert total == min(2_000 * min(pages, 2) + 1_000 * max(pages - 2, 0), 200_000) == expected


@pytest.mark.django_db
def test_karaoke_fee_is_per_room_with_a_cap():
    version = ProcedureVersion.objects.get(procedure__national_code="1.001029", status=VersionStatus.IN_FORCE)

    assert fee_compute(version=version, units=4)[0] == 4_000_000
    assert fee_compute(version=version, units=9)[0] == 6_000_000


@pytest.mark.django_db
def test_some_processes_are_inter_agency():
    inter_agency = set()
    for version in in_force_versions():
        for process in version.processes.all():
            fixed_agencies = {
                agency_of(s.unit).id for s in process.steps.all() if s.unit_mode == StepUnitMode.FIXED
            }
            handling = (
                [process.handling_unit] if process.handling_unit_id else list(version.competent_units.all())
            )
            if fixed_agencies - {agency_of(u).id for u in handling}:
                inter_agency.add(version.procedure.national_code)

    assert len(inter_agency) >= 2
    assert {"1.001029", "1.013225", "1.013978"} <= inter_agency


@pytest.mark.django_db
def test_loading_twice_changes_nothing():
    before = {model._meta.label: model.objects.count() for model in apps.get_models()}
    versions_before = list(ProcedureVersion.objects.values_list("id", "number", "status"))

    counts = demo_load()

    after = {model._meta.label: model.objects.count() for model in apps.get_models()}
    assert after == before
    assert list(ProcedureVersion.objects.values_list("id", "number", "status")) == versions_before
    assert counts == {
        "units": 0,
        "counters": 0,
        "users": 0,
        "staff_roles": 0,
        "fields": 0,
        "procedures": 0,
        "procedures_skipped": 24,
    }


@pytest.mark.django_db
def test_apitoken_prints_a_token_that_authenticates_api_requests(client):
    out = StringIO()

    call_command("apitoken", "chuyenvien", stdout=out, stderr=StringIO())

    token = out.getvalue().strip()
    user = User.objects.get(username="chuyenvien")
    assert api_token_user(raw=token) == user
    assert ApiToken.objects.filter(user=user).count() == 1
    response = client.get("/api/v1/auth/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert response.json()["roles"] == [{"role": "specialist", "unit": "H12.02.01"}]
    assert client.get("/api/v1/auth/me").status_code == 401
    assert client.get("/api/v1/auth/me", HTTP_AUTHORIZATION=f"Bearer {token}x").status_code == 401
