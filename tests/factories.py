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
