from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from motcua.accounts.models import ApiToken, User
from motcua.accounts.services import api_token_user
from motcua.catalog.enums import StepUnitMode, VersionStatus
from motcua.catalog.models import ProcedureVersion
from motcua.catalog.services import fee_compute, process_budget_problems
from motcua.demo.loader import DEMO_PASSWORD, demo_load
from motcua.dossiers.models import DossierResult
from motcua.org.enums import Role, UnitKind
from motcua.org.models import StaffRole, Unit
from motcua.ratings.models import Rating


def in_force_versions():
    return list(
        ProcedureVersion.objects.filter(status=VersionStatus.IN_FORCE)
        .select_related("procedure")
        .prefetch_related(
            "processes__steps__unit", "processes__handling_unit", "competent_units", "receiving_units"
        )
    )


def agency_of(unit: Unit) -> Unit:
    """The department, commune, police force … a unit belongs to: its ancestor right below the province."""
    while unit.parent_id is not None and unit.parent.parent_id is not None:
        unit = unit.parent
    return unit


@pytest.mark.django_db
def test_demo_load_puts_the_real_procedures_in_force():
    counts = demo_load()

    versions = in_force_versions()
    codes = {v.procedure.national_code for v in versions}
    assert counts["procedures"] == 24
    assert len(versions) == 24
    assert {"1.001193", "1.000894", "2.000815", "1.001612", "1.013225", "1.013978"} <= codes
    for version in versions:
        assert version.procedure.local_code == f"{version.procedure.national_code}.000.00.00.H12"
        assert version.procedure.current_version_id == version.id
        assert version.competent_units.exists()
        assert "phân bổ thời gian minh họa" in version.processes.first().name


@pytest.mark.django_db
def test_demo_accounts_have_the_demo_password_and_their_role_in_their_unit():
    demo_load()

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
    demo_load()

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
    demo_load()

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
    demo_load()

    version = ProcedureVersion.objects.get(procedure__national_code="2.000815", status=VersionStatus.IN_FORCE)
    total, _lines = fee_compute(version=version, pages=pages)

    assert total == min(2_000 * min(pages, 2) + 1_000 * max(pages - 2, 0), 200_000) == expected


@pytest.mark.django_db
def test_karaoke_fee_is_per_room_with_a_cap():
    demo_load()

    version = ProcedureVersion.objects.get(procedure__national_code="1.001029", status=VersionStatus.IN_FORCE)

    assert fee_compute(version=version, units=4)[0] == 4_000_000
    assert fee_compute(version=version, units=9)[0] == 6_000_000


@pytest.mark.django_db
def test_some_processes_are_inter_agency():
    demo_load()

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
    demo_load()
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
def test_demo_command_without_serving_loads_and_prints_the_accounts():
    out = StringIO()

    call_command("demo", "--no-serve", "--port", "8123", stdout=out)

    text = out.getvalue()
    assert "http://127.0.0.1:8123/" in text
    for username in (
        "admin",
        "tiepnhan",
        "tiepnhan_xa",
        "chuyenvien",
        "truongphong",
        "lanhdao",
        "giamsat",
        "congdan",
    ):
        assert f"  {username} " in text
    assert DEMO_PASSWORD in text
    assert ProcedureVersion.objects.filter(status=VersionStatus.IN_FORCE).count() == 24
    # The dashboard's satisfaction figures have ratings behind them, and online results are signed.
    assert Rating.objects.exists()
    assert DossierResult.objects.exists()


@pytest.mark.django_db
def test_apitoken_prints_a_token_that_authenticates_api_requests(client):
    demo_load()
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


@pytest.mark.django_db
def test_apitoken_for_an_unknown_user_fails_and_issues_nothing():
    with pytest.raises(CommandError, match="Không tìm thấy người dùng “khongco”"):
        call_command("apitoken", "khongco", stdout=StringIO(), stderr=StringIO())
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_demo_dossiers_cover_the_lifecycle_and_load_once():
    import time_machine
    from django.db.models import Count

    from motcua.dossiers.models import Dossier

    out = StringIO()
    # A fixed "today" makes the generated mix of states the same on every run.
    with time_machine.travel("2026-11-23 10:00 +0700", tick=False):
        call_command("demo_load", stdout=out)
    made = Dossier.objects.count()
    assert made >= 150
    assert f"Hồ sơ trình diễn (3 tháng gần đây): {made}" in out.getvalue()
    statuses = dict(Dossier.objects.values_list("status").annotate(n=Count("id")))
    for status in ("returned", "processing", "awaiting_supplement", "result_ready", "refused", "incomplete"):
        assert statuses.get(status, 0) > 0, status
    assert Dossier.objects.filter(timeliness="late").exists()
    assert Dossier.objects.filter(timeliness="early").exists()
    assert Dossier.objects.filter(extended_due_at__isnull=False).exists()
    assert Dossier.objects.values("receiving_unit").distinct().count() >= 3
    codes = list(Dossier.objects.exclude(code=None).values_list("code", flat=True))
    assert len(codes) == len(set(codes))
    call_command("demo_load", stdout=StringIO())
    assert Dossier.objects.count() == made
