"""factory_boy factories shared by every test module."""

from datetime import time
from decimal import Decimal

import factory

from motcua.accounts.models import User
from motcua.catalog.enums import OnlineLevel, ProcedureLevel, StepUnitMode, TimeUnit, VersionStatus
from motcua.catalog.models import (
    ComponentRequirement,
    FeeRule,
    Field,
    Procedure,
    ProcedureVersion,
    ProcessDefinition,
    ProcessStep,
)
from motcua.org.enums import Role, UnitKind
from motcua.org.models import StaffRole, Unit

PASSWORD = "motcua-test-pass"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn {n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.vn")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    kind = UnitKind.DEPARTMENT
    name = factory.Sequence(lambda n: f"Đơn vị {n}")
    agency_code = factory.Sequence(lambda n: f"H12.{n + 10}")
    morning_start = time(7, 0)
    morning_end = time(11, 0)
    afternoon_start = time(13, 0)
    afternoon_end = time(17, 0)


class StaffRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffRole

    user = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(UnitFactory)
    role = Role.SPECIALIST


class FieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Field
        django_get_or_create = ("code",)

    code = "HOTICH"
    name = "Hộ tịch"


class ProcedureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Procedure

    national_code = factory.Sequence(lambda n: f"1.{900000 + n}")
    local_code = factory.LazyAttribute(lambda o: f"{o.national_code}.000.00.00.H12")


class ProcedureVersionFactory(factory.django.DjangoModelFactory):
    """A draft version; call `motcua.catalog.services.procedure_version_publish` to put it in force."""

    class Meta:
        model = ProcedureVersion

    procedure = factory.SubFactory(ProcedureFactory)
    number = 1
    status = VersionStatus.DRAFT
    name = "Thủ tục đăng ký khai sinh"
    field = factory.SubFactory(FieldFactory)
    level = ProcedureLevel.COMMUNE
    committed_time_amount = Decimal(3)
    committed_time_unit = TimeUnit.WORKING_DAYS
    online_level = OnlineLevel.PARTIAL


class ComponentRequirementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ComponentRequirement

    version = factory.SubFactory(ProcedureVersionFactory)
    order = factory.Sequence(lambda n: n + 1)
    name = "Tờ khai đăng ký khai sinh"


class FeeRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeeRule

    version = factory.SubFactory(ProcedureVersionFactory)
    label = "Lệ phí"
    amount = 0


class ProcessDefinitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProcessDefinition

    version = factory.SubFactory(ProcedureVersionFactory)
    name = "Quy trình nội bộ"


class ProcessStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProcessStep

    process = factory.SubFactory(ProcessDefinitionFactory)
    order = factory.Sequence(lambda n: n + 1)
    name = "Thẩm định hồ sơ"
    unit_mode = StepUnitMode.COMPETENT
    role = Role.SPECIALIST
    budget_hours = Decimal(8)


def published_procedure(
    *,
    national_code: str = "1.001193",
    name: str = "Thủ tục đăng ký khai sinh",
    days: int = 3,
    unit_kind=TimeUnit.WORKING_DAYS,
    **version_kwargs,
) -> ProcedureVersion:
    """A procedure in force with one component, a free fee and a process whose budgets add up."""
    from motcua.catalog.services import committed_hours, procedure_version_publish

    procedure = ProcedureFactory(national_code=national_code)
    version = ProcedureVersionFactory(
        procedure=procedure,
        name=name,
        committed_time_amount=Decimal(days),
        committed_time_unit=unit_kind,
        **version_kwargs,
    )
    ComponentRequirementFactory(version=version)
    FeeRuleFactory(version=version)
    process = ProcessDefinitionFactory(version=version)
    total = committed_hours(amount=Decimal(days), unit=unit_kind)
    ProcessStepFactory(
        process=process,
        order=1,
        name="Tiếp nhận",
        unit_mode=StepUnitMode.RECEIVING,
        role=Role.RECEIVING_OFFICER,
        budget_hours=Decimal(4),
    )
    ProcessStepFactory(process=process, order=2, name="Thẩm định", budget_hours=total - Decimal(8))
    ProcessStepFactory(
        process=process, order=3, name="Ký duyệt", role=Role.SIGNING_LEADER, budget_hours=Decimal(4)
    )
    return procedure_version_publish(version=version)


class World:
    """A small province for dossier tests: a provincial centre, the Department of Justice with its civil
    status division, the Department of Construction (for liên thông), a commune centre, their staff and
    a 3-working-day procedure whose process crosses the centre and the department."""


def dossier_world() -> World:
    from motcua.catalog.services import procedure_version_publish

    w = World()
    w.province = UnitFactory(agency_code="H12", kind=UnitKind.PROVINCE, name="UBND tỉnh Cà Mau")
    w.centre = UnitFactory(
        agency_code="H12.99",
        kind=UnitKind.PROVINCIAL_CENTRE,
        parent=w.province,
        name="Trung tâm Phục vụ hành chính công tỉnh Cà Mau",
    )
    w.justice = UnitFactory(
        agency_code="H12.04", kind=UnitKind.DEPARTMENT, parent=w.province, name="Sở Tư pháp"
    )
    w.division = UnitFactory(
        agency_code="H12.04.01", kind=UnitKind.DIVISION, parent=w.justice, name="Phòng Hành chính tư pháp"
    )
    w.construction = UnitFactory(
        agency_code="H12.06", kind=UnitKind.DEPARTMENT, parent=w.province, name="Sở Xây dựng"
    )
    w.commune_centre = UnitFactory(
        agency_code="H12.50",
        kind=UnitKind.COMMUNE_CENTRE,
        parent=w.province,
        name="Trung tâm PVHCC phường An Xuyên",
    )

    def staff(username, unit, *roles):
        user = UserFactory(username=username)
        for role in roles:
            StaffRoleFactory(user=user, unit=unit, role=role)
        return user

    w.receiver = staff("tiepnhan", w.centre, Role.RECEIVING_OFFICER)
    w.commune_receiver = staff("tiepnhan_xa", w.commune_centre, Role.RECEIVING_OFFICER)
    w.head = staff("truongphong", w.division, Role.HEAD_OF_DIVISION)
    w.specialist = staff("chuyenvien", w.division, Role.SPECIALIST)
    w.specialist2 = staff("chuyenvien2", w.division, Role.SPECIALIST)
    w.leader = staff("lanhdao", w.justice, Role.SIGNING_LEADER)
    w.builder = staff("chuyenvien_xd", w.construction, Role.SPECIALIST)
    w.supervisor = staff("giamsat", w.province, Role.SUPERVISOR)
    w.citizen = UserFactory(username="congdan")
    w.other_citizen = UserFactory(username="congdan2")

    procedure = ProcedureFactory(national_code="1.004873", local_code="1.004873.000.00.00.H12")
    version = ProcedureVersionFactory(
        procedure=procedure,
        name="Thủ tục cấp Giấy xác nhận tình trạng hôn nhân",
        committed_time_amount=Decimal(3),
        committed_time_unit=TimeUnit.WORKING_DAYS,
        is_postal_return_allowed=True,
        is_postal_intake_allowed=True,
    )
    version.competent_units.set([w.justice])
    ComponentRequirementFactory(
        version=version, order=1, name="Tờ khai cấp Giấy xác nhận tình trạng hôn nhân"
    )
    ComponentRequirementFactory(
        version=version, order=2, name="Giấy tờ chứng minh nơi cư trú", is_required=False
    )
    FeeRuleFactory(version=version, label="Lệ phí", amount=10000)
    process = ProcessDefinitionFactory(version=version, name="Quy trình liên thông")
    steps = [
        ("Tiếp nhận hồ sơ", StepUnitMode.RECEIVING, None, Role.RECEIVING_OFFICER, 2),
        ("Phân công xử lý", StepUnitMode.COMPETENT, None, Role.HEAD_OF_DIVISION, 2),
        ("Thẩm định hồ sơ", StepUnitMode.COMPETENT, None, Role.SPECIALIST, 8),
        ("Lấy ý kiến Sở Xây dựng", StepUnitMode.FIXED, w.construction, Role.SPECIALIST, 4),
        ("Ký duyệt", StepUnitMode.COMPETENT, None, Role.SIGNING_LEADER, 4),
        ("Trả kết quả", StepUnitMode.RECEIVING, None, Role.RECEIVING_OFFICER, 4),
    ]
    for order, (name, mode, unit, role, hours) in enumerate(steps, start=1):
        ProcessStepFactory(
            process=process,
            order=order,
            name=name,
            unit_mode=mode,
            unit=unit,
            role=role,
            budget_hours=Decimal(hours),
        )
    w.version = procedure_version_publish(version=version)
    w.same_day = published_procedure(
        national_code="2.000815", name="Chứng thực bản sao từ bản chính", days=0, unit_kind=TimeUnit.SAME_DAY
    )
    return w


def intake_data(w: World, **overrides):
    from motcua.dossiers.services import ApplicantData, DocumentData, IntakeData

    values = dict(
        procedure_version=w.version,
        receiving_unit=w.centre,
        applicant=ApplicantData(
            name="Nguyễn Thị Hoa",
            phone="0912345678",
            id_number="096123456789",
            address="Phường An Xuyên, tỉnh Cà Mau",
        ),
        documents=[DocumentData(name="Tờ khai cấp Giấy xác nhận tình trạng hôn nhân")],
    )
    values.update(overrides)
    return IntakeData(**values)
