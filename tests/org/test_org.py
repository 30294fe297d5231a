import pytest
from django.core.exceptions import ValidationError

from motcua.org.enums import AgencyCodeFormat, Role, UnitKind
from motcua.org.selectors import user_has_role, user_is_staff_member, user_unit_ids
from motcua.org.validators import agency_code_format, validate_agency_code
from tests.factories import StaffRoleFactory, UnitFactory, UserFactory


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("H12", AgencyCodeFormat.LEFT_TO_RIGHT),
        ("H12.04", AgencyCodeFormat.LEFT_TO_RIGHT),
        ("G12.18.56", AgencyCodeFormat.LEFT_TO_RIGHT),
        ("H12.04.A1", AgencyCodeFormat.LEFT_TO_RIGHT),
        ("000.00.15.H12", AgencyCodeFormat.LEGACY),
        ("000.00.00.H48", AgencyCodeFormat.LEGACY),
        ("h12.04", None),  # lower case
        ("Z12.04", None),  # M is A..Y
        ("H1.04", None),
        ("H12..04", None),
        ("H12.04.", None),
        ("H12-04", None),
        ("H12." + "1" * 40, None),  # longer than 35 characters
        ("", None),
    ],
)
def test_agency_code_formats(code, expected):
    assert agency_code_format(code) == expected


def test_invalid_agency_code_message_is_vietnamese():
    with pytest.raises(ValidationError) as error:
        validate_agency_code("h12")
    assert "không hợp lệ" in error.value.messages[0]


@pytest.mark.django_db
def test_unit_full_clean_rejects_bad_code():
    unit = UnitFactory.build(agency_code="12.H", kind=UnitKind.DEPARTMENT, name="Sở X")
    with pytest.raises(ValidationError) as error:
        unit.full_clean()
    assert "agency_code" in error.value.message_dict


@pytest.mark.django_db
def test_scope_follows_role_and_unit():
    province = UnitFactory(agency_code="H12", kind=UnitKind.PROVINCE)
    justice = UnitFactory(agency_code="H12.04", parent=province)
    division = UnitFactory(agency_code="H12.04.01", parent=justice, kind=UnitKind.DIVISION)
    commune = UnitFactory(agency_code="H12.50", parent=province, kind=UnitKind.COMMUNE)

    supervisor = StaffRoleFactory(unit=justice, role=Role.SUPERVISOR).user
    specialist = StaffRoleFactory(unit=division, role=Role.SPECIALIST).user
    citizen = UserFactory()

    assert user_unit_ids(supervisor) == {justice.id, division.id}
    assert user_has_role(supervisor, Role.SUPERVISOR, unit=division)
    assert not user_has_role(supervisor, Role.SUPERVISOR, unit=commune)
    assert user_unit_ids(specialist) == {division.id}
    assert user_has_role(specialist, Role.SPECIALIST, unit=division)
    assert not user_has_role(specialist, Role.SPECIALIST, unit=justice)
    assert not user_has_role(specialist, Role.SIGNING_LEADER, unit=division)
    assert user_unit_ids(specialist, roles=[Role.RECEIVING_OFFICER]) == set()
    assert not user_is_staff_member(citizen)
    assert user_unit_ids(citizen) == set()
    assert user_is_staff_member(specialist)
