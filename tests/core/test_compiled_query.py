"""`CompiledQuery`: a queryset shape compiled once per connection, run with new values; and the reads that use
it (token, roles, procedure and unit by code) answer as the ORM did."""

from datetime import date, time, timedelta
from unittest import mock

import pytest
from django.db import connection, router
from django.db.models import Value
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from motcua.accounts.models import ApiToken
from motcua.accounts.services import api_token_issue, api_token_user
from motcua.catalog.selectors import procedure_get_by_code
from motcua.core.exceptions import NotFound
from motcua.core.prepared import CompiledQuery
from motcua.org.enums import Role
from motcua.org.models import StaffRole, Unit
from motcua.org.selectors import unit_get_by_code, user_roles
from tests.factories import StaffRoleFactory, UnitFactory, UserFactory, published_procedure

pytestmark = pytest.mark.django_db

by_code = CompiledQuery(Unit, lambda code: Unit.objects.filter(agency_code=code).order_by("pk"), "\x00code")
roles_with_unit = CompiledQuery(
    StaffRole,
    lambda user_id: StaffRole.objects.filter(user_id=user_id).select_related("unit__parent").order_by("pk"),
    -12345,
)


def test_each_call_runs_with_its_own_values_and_compiles_once():
    first, second = UnitFactory(agency_code="H12.71"), UnitFactory(agency_code="H12.72")
    with mock.patch.object(SQLCompiler, "as_sql", autospec=True, side_effect=SQLCompiler.as_sql) as compile_:
        assert [u.pk for u in by_code("H12.71")] == [first.pk]
        with CaptureQueriesContext(connection) as queries:
            assert [u.pk for u in by_code("H12.72")] == [second.pk]
            assert by_code("H12.99") == []
    assert len(queries) == 2
    assert compile_.call_count <= 1  # once, or not at all where another test compiled it on this connection


def test_instances_are_the_querysets_own_with_related_rows_loaded():
    parent = UnitFactory(name="Sở Tư pháp")
    unit = UnitFactory(parent=parent, morning_start=None)
    user = UserFactory()
    StaffRoleFactory(user=user, unit=unit, role=Role.SPECIALIST)
    StaffRoleFactory(user=user, unit=parent, role=Role.SIGNING_LEADER)
    StaffRoleFactory(role=Role.SPECIALIST)  # someone else's
    expected = list(StaffRole.objects.filter(user=user).select_related("unit__parent").order_by("pk"))
    with CaptureQueriesContext(connection) as queries:
        found = roles_with_unit(user.pk)
        described = [(r.pk, r.role, r.unit.name, r.unit.parent and r.unit.parent.name) for r in found]
    assert len(queries) == 1  # the units and their parents came with the roles
    assert described == [(r.pk, r.role, r.unit.name, r.unit.parent and r.unit.parent.name) for r in expected]
    assert found[0].unit.morning_start is None and found[1].unit.parent is None
    assert not found[0]._state.adding and found[0]._state.db == "default"
    found[0].title = "Chuyên viên chính"
    found[0].save(update_fields=["title"])  # a saved instance, not a copy
    assert StaffRole.objects.get(pk=found[0].pk).title == "Chuyên viên chính"


def test_a_placeholder_that_does_not_reach_the_parameters_unchanged_is_refused():
    contains = CompiledQuery(Unit, lambda text: Unit.objects.filter(name__icontains=text), "\x00text")
    with pytest.raises(ValueError, match="placeholder"):
        contains("Sở")
    with pytest.raises(TypeError):
        by_code(date(2026, 1, 1))


def test_a_procedure_is_found_by_national_or_local_code():
    version = published_procedure(national_code="1.004873")
    procedure = version.procedure
    for code in ("1.004873", procedure.local_code):
        found = procedure_get_by_code(code=code)
        assert found.pk == procedure.pk
        assert (
            found.current_version.pk == version.pk and found.current_version.field.code == version.field.code
        )
    with pytest.raises(NotFound):
        procedure_get_by_code(code="1.000000")


def test_a_unit_by_its_agency_code():
    unit = UnitFactory(agency_code="H12.81")
    assert unit_get_by_code(agency_code="H12.81").pk == unit.pk
    with pytest.raises(NotFound):
        unit_get_by_code(agency_code="H12.82")


def test_roles_are_the_users_own():
    user, other = UserFactory(), UserFactory()
    mine = StaffRoleFactory(user=user, role=Role.RECEIVING_OFFICER)
    StaffRoleFactory(user=other)
    assert [(r.pk, r.unit.pk) for r in user_roles(user)] == [(mine.pk, mine.unit.pk)]
    assert user_roles(UserFactory()) == []


def test_an_expired_token_or_a_disabled_account_is_not_signed_in():
    user = UserFactory()
    raw = api_token_issue(user=user)
    assert api_token_user(raw=raw) == user
    ApiToken.objects.filter(user=user).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert api_token_user(raw=raw) is None
    ApiToken.objects.filter(user=user).update(expires_at=timezone.now() + timedelta(days=1))
    assert api_token_user(raw=raw) == user
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert api_token_user(raw=raw) is None


def test_the_read_goes_where_the_router_sends_the_models_reads():
    unit = UnitFactory(agency_code="H12.91")
    with mock.patch.object(router, "db_for_read", return_value="default") as route:
        assert [u.pk for u in by_code("H12.91")] == [unit.pk]
    route.assert_called_once_with(Unit)


def test_a_values_list_gives_its_rows_with_the_fields_converters_applied():
    hours = CompiledQuery(
        Unit, lambda code: Unit.objects.filter(agency_code=code).values_list("pk", "morning_start"), "\x00c"
    )
    unit = UnitFactory(agency_code="H12.93", morning_start=time(7, 30))
    assert hours.rows("H12.93") == [(unit.pk, time(7, 30))]  # a time, also where SQLite keeps text
    assert hours.rows("H12.94") == []
    counted = CompiledQuery(
        Unit,
        lambda code: Unit.objects.filter(agency_code=code).annotate(n=Value(1)).values_list("n"),
        "\x00c",
    )
    assert counted.rows("H12.93") == [(1,)]
    with pytest.raises(TypeError, match="no model column"):
        counted("H12.93")


def test_first_gives_the_first_instance_or_none():
    unit = UnitFactory(agency_code="H12.73")
    assert by_code.first("H12.73").pk == unit.pk
    assert by_code.first("H12.98") is None
