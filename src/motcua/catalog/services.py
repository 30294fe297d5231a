"""Writes to the procedure catalogue. Published versions are never edited: a change is a new version."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from motcua.core.exceptions import InvalidTransition, ValidationFailed
from motcua.core.text import fold

from .enums import FeeKind, TimeUnit, VersionStatus
from .models import ComponentRequirement, FeeRule, ProcedureVersion, ProcessDefinition, ProcessStep

HOURS_PER_WORKING_DAY = Decimal(8)


def committed_hours(*, amount: Decimal, unit: str) -> Decimal:
    """The committed time as working hours (1 working day = 8 working hours, DESIGN §7)."""
    if unit == TimeUnit.WORKING_HOURS:
        return Decimal(amount)
    if unit == TimeUnit.SAME_DAY:
        return HOURS_PER_WORKING_DAY
    return Decimal(amount) * HOURS_PER_WORKING_DAY


def hours_text(value: Decimal) -> str:
    """20.00 → "20", 4.50 → "4,5" (Vietnamese decimal comma)."""
    return format(Decimal(value).normalize(), "f").replace(".", ",")


def process_budget_problems(*, version: ProcedureVersion) -> list[str]:
    """Each process's step budgets must add up to the committed time (DESIGN §6).

    Calendar-day procedures include days off, so their working-hour budgets may only not exceed it."""
    target = committed_hours(amount=version.committed_time_amount, unit=version.committed_time_unit)
    problems = []
    for process in version.processes.all():
        steps = list(process.steps.all())
        if not steps:
            problems.append(f"Quy trình “{process}” chưa có bước xử lý nào.")
            continue
        total = sum((s.budget_hours for s in steps), Decimal(0))
        difference = total - target
        if version.committed_time_unit == TimeUnit.CALENDAR_DAYS:
            if difference > 0:
                problems.append(
                    f"Quy trình “{process}”: tổng thời gian các bước {hours_text(total)} giờ vượt thời hạn cam kết "
                    f"{hours_text(target)} giờ làm việc {hours_text(difference)} giờ."
                )
        elif difference != 0:
            direction = "thừa" if difference > 0 else "thiếu"
            problems.append(
                f"Quy trình “{process}”: tổng thời gian các bước là {hours_text(total)} giờ làm việc, thời hạn cam kết là "
                f"{hours_text(target)} giờ ({hours_text(version.committed_time_amount)} {version.get_committed_time_unit_display()}): "
                f"{direction} {hours_text(abs(difference))} giờ."
            )
    return problems


def version_search_text(version: ProcedureVersion) -> str:
    parts = [
        version.name,
        version.short_name,
        version.procedure.national_code,
        version.procedure.local_code,
        version.field.name,
    ]
    return fold(" ".join(p for p in parts if p))


@transaction.atomic
def procedure_version_publish(*, version: ProcedureVersion, effective_from=None) -> ProcedureVersion:
    """Put a draft in force; the version it replaces stays readable as `replaced`."""
    version = (
        ProcedureVersion.objects.select_for_update().select_related("procedure", "field").get(pk=version.pk)
    )
    if version.status != VersionStatus.DRAFT:
        raise InvalidTransition("Chỉ công bố được phiên bản đang là bản nháp.")
    problems = process_budget_problems(version=version)
    if problems:
        raise ValidationFailed("Không thể công bố: quy trình nội bộ chưa khớp thời hạn.", details=problems)
    procedure = version.procedure
    ProcedureVersion.objects.filter(procedure=procedure, status=VersionStatus.IN_FORCE).update(
        status=VersionStatus.REPLACED, effective_to=effective_from or timezone.localdate()
    )
    version.status = VersionStatus.IN_FORCE
    version.effective_from = version.effective_from or effective_from or timezone.localdate()
    version.search_text = version_search_text(version)
    version.save(update_fields=["status", "effective_from", "search_text"])
    procedure.current_version = version
    procedure.save(update_fields=["current_version"])
    return version


@transaction.atomic
def procedure_version_create_draft(*, version: ProcedureVersion, user=None) -> ProcedureVersion:
    """Copy `version` (with components, fees and processes) into the procedure's next draft."""
    procedure = version.procedure
    existing = ProcedureVersion.objects.filter(procedure=procedure, status=VersionStatus.DRAFT).first()
    if existing is not None:
        return existing
    last = procedure.versions.order_by("-number").values_list("number", flat=True).first() or 0
    source_id = version.pk
    competent = list(version.competent_units.all())
    receiving = list(version.receiving_units.all())
    draft = ProcedureVersion.objects.get(pk=source_id)
    draft.pk = None
    draft.id = None
    draft._state.adding = True
    draft.number = last + 1
    draft.status = VersionStatus.DRAFT
    draft.effective_from = None
    draft.effective_to = None
    draft.change_note = ""
    draft.created_by = user
    draft.save()
    draft.competent_units.set(competent)
    draft.receiving_units.set(receiving)
    for component in ComponentRequirement.objects.filter(version_id=source_id):
        component.pk = None
        component.version = draft
        component.save()
    for fee in FeeRule.objects.filter(version_id=source_id):
        fee.pk = None
        fee.version = draft
        fee.save()
    for process in ProcessDefinition.objects.filter(version_id=source_id).prefetch_related("steps"):
        steps = list(process.steps.all())
        process.pk = None
        process.version = draft
        process.save()
        for step in steps:
            step.pk = None
            step.process = process
            step.save()
    return draft


@transaction.atomic
def procedure_version_abolish(*, version: ProcedureVersion) -> ProcedureVersion:
    version = ProcedureVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != VersionStatus.IN_FORCE:
        raise InvalidTransition("Chỉ bãi bỏ được phiên bản đang hiệu lực.")
    version.status = VersionStatus.ABOLISHED
    version.effective_to = timezone.localdate()
    version.save(update_fields=["status", "effective_to"])
    return version


@dataclass(frozen=True)
class FeeLine:
    label: str
    amount: int | None  # None: the amount is set by the province and not entered yet


def fee_rule_amount(rule: FeeRule, *, pages: int = 1, units: int = 1, copies: int = 1) -> int | None:
    """Amount of one rule. Per-page: first tier at `amount`, later pages at `amount_after`, capped per copy
    (TT 226/2016/TT-BTC: 2,000 đ/page for pages 1–2, 1,000 đ from page 3, at most 200,000 đ per copy)."""
    if rule.amount is None:
        return None
    if rule.kind == FeeKind.FIXED:
        return rule.amount * max(copies, 1)
    quantity = pages if rule.kind == FeeKind.PER_PAGE else units
    quantity = max(int(quantity), 0)
    first = rule.first_tier_units if rule.first_tier_units is not None else quantity
    after_rate = rule.amount_after if rule.amount_after is not None else rule.amount
    per_copy = min(quantity, first) * rule.amount + max(quantity - first, 0) * after_rate
    if rule.cap is not None:
        per_copy = min(per_copy, rule.cap)
    multiplier = max(copies, 1) if rule.kind == FeeKind.PER_PAGE else 1
    return per_copy * multiplier


def fee_compute(
    *,
    version: ProcedureVersion,
    pages: int = 1,
    units: int = 1,
    copies: int = 1,
    include_optional: bool = False,
    is_exempt: bool = False,
) -> tuple[int, list[FeeLine]]:
    """The fee of a dossier under `version`; an exempt applicant pays nothing (lines still listed)."""
    from .content import version_fees  # content imports this module

    lines = []
    for rule in version_fees(version):
        if rule.is_optional and not include_optional:
            continue
        amount = 0 if is_exempt else fee_rule_amount(rule, pages=pages, units=units, copies=copies)
        lines.append(FeeLine(rule.label, amount))
    total = sum(line.amount or 0 for line in lines)
    return total, lines


def process_for_unit(*, version: ProcedureVersion, unit_id: int | None) -> ProcessDefinition | None:
    """The handling unit's own process, else the default one."""
    processes = list(version.processes.all())
    for process in processes:
        if unit_id is not None and process.handling_unit_id == unit_id:
            return process
    for process in processes:
        if process.handling_unit_id is None:
            return process
    return None


def process_for_unit_id_query(*, version_id: int, unit_id: int | None):
    """The same choice as `process_for_unit`, as a subquery of the chosen process's id: for reading the steps
    in one statement (dossiers.selectors.dossier_process_steps)."""
    return (
        ProcessDefinition.objects.filter(version_id=version_id)
        .filter(Q(handling_unit_id=unit_id) | Q(handling_unit__isnull=True))
        .order_by(F("handling_unit_id").asc(nulls_last=True))
        .values("pk")[:1]
    )


__all__ = [
    "FeeLine",
    "committed_hours",
    "fee_compute",
    "fee_rule_amount",
    "procedure_version_abolish",
    "procedure_version_create_draft",
    "procedure_version_publish",
    "process_budget_problems",
    "process_for_unit",
    "process_for_unit_id_query",
    "ProcessStep",
]
