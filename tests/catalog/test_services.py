from decimal import Decimal

import pytest

from motcua.catalog.enums import FeeKind, TimeUnit, VersionStatus
from motcua.catalog.models import ProcedureVersion
from motcua.catalog.selectors import procedure_get_by_code, procedure_version_search
from motcua.catalog.services import (
    fee_compute,
    procedure_version_abolish,
    procedure_version_create_draft,
    procedure_version_publish,
    process_budget_problems,
    process_for_unit,
)
from motcua.core.exceptions import InvalidTransition, ValidationFailed
from tests.factories import (
    FeeRuleFactory,
    ProcedureVersionFactory,
    ProcessDefinitionFactory,
    ProcessStepFactory,
    UnitFactory,
    published_procedure,
)

pytestmark = pytest.mark.django_db


def test_editing_creates_a_new_version_and_the_old_one_stays_readable():
    v1 = published_procedure(national_code="1.001193", days=3)
    draft = procedure_version_create_draft(version=v1)
    assert draft.number == 2 and draft.status == VersionStatus.DRAFT
    assert draft.components.count() == v1.components.count() == 1
    assert [s.budget_hours for s in draft.processes.get().steps.all()] == [4, 16, 4]
    # Asking again returns the same draft rather than a second one.
    assert procedure_version_create_draft(version=v1) == draft

    draft.name = "Thủ tục đăng ký khai sinh (sửa đổi)"
    draft.save()
    procedure_version_publish(version=draft)

    v1.refresh_from_db()
    assert v1.status == VersionStatus.REPLACED
    assert v1.name == "Thủ tục đăng ký khai sinh"
    assert v1.components.count() == 1
    procedure = procedure_get_by_code(code="1.001193")
    assert procedure.current_version == draft
    assert list(procedure_version_search(q="sua doi")) == [draft]
    assert list(procedure_version_search(q="khai sinh")) == [draft]


def test_publishing_twice_or_a_published_version_is_refused():
    v1 = published_procedure()
    with pytest.raises(InvalidTransition):
        procedure_version_publish(version=v1)


def test_budgets_must_add_up_to_the_committed_time_and_the_error_names_the_difference():
    version = ProcedureVersionFactory(
        committed_time_amount=Decimal(3), committed_time_unit=TimeUnit.WORKING_DAYS
    )
    process = ProcessDefinitionFactory(version=version, name="Quy trình Sở Tư pháp")
    ProcessStepFactory(process=process, order=1, budget_hours=Decimal(4))
    ProcessStepFactory(process=process, order=2, budget_hours=Decimal(16))
    problems = process_budget_problems(version=version)
    assert problems == [
        "Quy trình “Quy trình Sở Tư pháp”: tổng thời gian các bước là 20 giờ làm việc, thời hạn cam kết là "
        "24 giờ (3 ngày làm việc): thiếu 4 giờ."
    ]
    with pytest.raises(ValidationFailed) as error:
        procedure_version_publish(version=version)
    assert error.value.details == problems
    version.refresh_from_db()
    assert version.status == VersionStatus.DRAFT

    ProcessStepFactory(process=process, order=3, budget_hours=Decimal("4.5"))
    assert "thừa 0,5 giờ" in process_budget_problems(version=version)[0]


def test_same_day_and_calendar_day_budgets():
    same_day = ProcedureVersionFactory(committed_time_amount=0, committed_time_unit=TimeUnit.SAME_DAY)
    process = ProcessDefinitionFactory(version=same_day)
    for order, hours in enumerate([2, 3, 2, 1], start=1):  # Hanoi 2026 split for 2.000908
        ProcessStepFactory(process=process, order=order, budget_hours=Decimal(hours))
    assert process_budget_problems(version=same_day) == []

    calendar = ProcedureVersionFactory(committed_time_amount=15, committed_time_unit=TimeUnit.CALENDAR_DAYS)
    process = ProcessDefinitionFactory(version=calendar)
    ProcessStepFactory(process=process, order=1, budget_hours=Decimal(80))
    assert process_budget_problems(version=calendar) == []
    ProcessStepFactory(process=process, order=2, budget_hours=Decimal(41))
    assert "vượt" in process_budget_problems(version=calendar)[0]


def test_unit_process_overrides_the_default_one():
    version = published_procedure()
    unit = UnitFactory()
    default = version.processes.get()
    assert process_for_unit(version=version, unit_id=unit.id) == default
    draft = procedure_version_create_draft(version=version)
    own = ProcessDefinitionFactory(version=draft, handling_unit=unit, name="Quy trình riêng")
    assert process_for_unit(version=draft, unit_id=unit.id) == own
    assert process_for_unit(version=draft, unit_id=None).handling_unit is None


@pytest.mark.parametrize(
    ("pages", "expected"), [(1, 2000), (2, 4000), (5, 7000), (150, 152000), (300, 200000)]
)
def test_certified_copy_fee_per_page_with_cap(pages, expected):
    version = published_procedure(national_code="2.000815", days=0, unit_kind=TimeUnit.SAME_DAY)
    version.fees.all().delete()
    FeeRuleFactory(
        version=version,
        label="Phí chứng thực bản sao",
        kind=FeeKind.PER_PAGE,
        amount=2000,
        first_tier_units=2,
        amount_after=1000,
        cap=200000,
    )
    total, lines = fee_compute(version=version, pages=pages)
    assert total == expected
    assert fee_compute(version=version, pages=pages, copies=3)[0] == expected * 3


def test_fixed_optional_per_unit_and_exempt_fees():
    version = published_procedure()
    version.fees.all().delete()
    FeeRuleFactory(version=version, label="Lệ phí", kind=FeeKind.FIXED, amount=20000)
    FeeRuleFactory(
        version=version, label="Bản sao trích lục", kind=FeeKind.FIXED, amount=8000, is_optional=True
    )
    FeeRuleFactory(
        version=version,
        label="Phí thẩm định",
        kind=FeeKind.PER_UNIT,
        amount=1_000_000,
        cap=6_000_000,
        unit_label="phòng",
    )
    FeeRuleFactory(version=version, label="Lệ phí HĐND", kind=FeeKind.FIXED, amount=None)
    assert fee_compute(version=version, units=4)[0] == 20000 + 4_000_000
    assert fee_compute(version=version, units=9)[0] == 20000 + 6_000_000
    assert (
        fee_compute(version=version, units=1, include_optional=True, copies=2)[0] == 40000 + 16000 + 1_000_000
    )
    total, lines = fee_compute(version=version, units=4, is_exempt=True)
    assert total == 0 and all(line.amount == 0 for line in lines)
    assert [line.amount for line in fee_compute(version=version)[1]][-1] is None


def test_abolished_procedure_leaves_the_public_listing():
    version = published_procedure(national_code="1.004837", name="Thủ tục đăng ký giám hộ")
    assert procedure_version_search(q="giam ho").count() == 1
    procedure_version_abolish(version=version)
    assert procedure_version_search(q="giam ho").count() == 0
    assert ProcedureVersion.objects.get(pk=version.pk).status == VersionStatus.ABOLISHED
