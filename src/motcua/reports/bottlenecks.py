"""Where the time goes (issue "Figures" §4): working time per procedure step, unit and officer against the
steps' budgets, where late dossiers first went over budget, how much lateness other bodies caused, and the
open dossiers that will not make their appointment at the usual pace. Definitions: docs/bottlenecks.md.

Working time needs the working calendar, so the finished steps of the period (and, for the at-risk list, the
finished steps of the same process steps) are read with a few columns and measured in Python."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from statistics import median

from django.db.models import Q
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.catalog.models import ProcessStep
from motcua.dossiers.enums import Status, Timeliness
from motcua.dossiers.models import Dossier, DossierPause, DossierStep
from motcua.dossiers.selectors import (
    dossier_clock,
    dossier_process_steps,
    dossier_queryset_for_staff,
    dossier_step_unit_id,
    is_return_step,
)
from motcua.org.models import Unit
from motcua.org.selectors import unit_subtree_ids
from motcua.workcal.calendar import WorkingCalendar, calendar_from
from motcua.workcal.selectors import calendar_overrides

from .selectors import period_bounds, scoped_unit

# Fewer finished samples than this and the "usual" time of a step is its budget.
MIN_SAMPLES = 5
AT_RISK_STATUSES = (Status.RECEIVED, Status.PROCESSING)
NO_LATE_STEP = ""


# --- result shapes -------------------------------------------------------------------------------------------
@dataclass
class StepFigures:
    steps: int = 0
    hours: float = 0.0
    budget_hours: float = 0.0
    late: int = 0

    @property
    def average_hours(self) -> float | None:
        return round(self.hours / self.steps, 2) if self.steps else None

    @property
    def ratio(self) -> float | None:
        """Working time consumed ÷ budget: above 1, the steps took longer than planned."""
        return round(self.hours / self.budget_hours, 4) if self.budget_hours else None

    def add(self, *, hours: float, budget: float, is_late: bool) -> None:
        self.steps += 1
        self.hours = round(self.hours + hours, 2)
        self.budget_hours = round(self.budget_hours + budget, 2)
        self.late += int(is_late)


@dataclass
class StepRow:
    label: str
    unit: Unit | None
    figures: StepFigures
    procedure_code: str = ""
    order: int | None = None


@dataclass
class FirstLateRow:
    step_name: str  # NO_LATE_STEP: the dossier was late though no step of it was
    unit: Unit | None
    dossiers: int


@dataclass
class Lateness:
    overrun_hours: float = 0.0
    other_bodies_hours: float = 0.0
    # Working hours the late dossiers resolved in the period waited for the applicant (pauses, supplements).
    applicant_pause_hours: float = 0.0
    late_dossiers: int = 0

    @property
    def other_bodies_share(self) -> float | None:
        return round(self.other_bodies_hours / self.overrun_hours, 4) if self.overrun_hours else None


@dataclass
class Bottlenecks:
    date_from: date
    date_to: date
    unit: Unit | None
    by_step: list[StepRow]
    by_unit: list[StepRow]
    by_officer: list[StepRow]
    first_late: list[FirstLateRow]
    lateness: Lateness
    totals: StepFigures = field(default_factory=StepFigures)


# --- calendars and measures ----------------------------------------------------------------------------------
class _Calendars:
    """One calendar per unit with its office hours; the unit tree is loaded once."""

    def __init__(self) -> None:
        self.units = {u.pk: u for u in Unit.objects.all()}
        for unit in self.units.values():
            if unit.parent_id:
                unit.parent = self.units[unit.parent_id]
        self._overrides = calendar_overrides()
        self._cache: dict[int, WorkingCalendar] = {}

    def __getitem__(self, unit_id: int) -> WorkingCalendar:
        if unit_id not in self._cache:
            self._cache[unit_id] = calendar_from(
                periods=self.units[unit_id].office_periods(), overrides=self._overrides
            )
        return self._cache[unit_id]


def _pauses_by_dossier(dossier_ids) -> dict[int, list[tuple[datetime, datetime | None]]]:
    pauses: dict[int, list[tuple[datetime, datetime | None]]] = defaultdict(list)
    for dossier_id, start, end in DossierPause.objects.filter(dossier_id__in=set(dossier_ids)).values_list(
        "dossier_id", "started_at", "ended_at"
    ):
        pauses[dossier_id].append((start, end))
    return pauses


def _working_hours(calendar: WorkingCalendar, start: datetime, end: datetime, pauses, now=None) -> float:
    """Working hours in [start, end] less those in which the dossier's clock stood still."""
    if end <= start:
        return 0.0
    hours = calendar.working_hours_between(start, end)
    for pause_start, pause_end in pauses:
        lo, hi = max(start, pause_start), min(end, pause_end or now or end)
        if hi > lo:
            hours -= calendar.working_hours_between(lo, hi)
    return max(hours, 0.0)


def _is_other_body(step_unit_id: int, competent_id: int, receiving_id: int, units: dict[int, Unit]) -> bool:
    """Neither the receiving unit nor the competent unit or one of its divisions: another body (liên thông)."""
    if step_unit_id == receiving_id:
        return False
    current = units.get(step_unit_id)
    while current is not None:
        if current.pk == competent_id:
            return False
        current = units.get(current.parent_id) if current.parent_id else None
    return True


# --- the report ----------------------------------------------------------------------------------------------
def bottlenecks(*, date_from: date, date_to: date, unit: Unit | None = None, user=None) -> Bottlenecks:
    """Steps finished in the period whose own unit, or whose dossier's competent or receiving unit, lies in
    `unit`'s subtree (with `user`: a unit they may see, by default their highest one)."""
    start, end = period_bounds(date_from, date_to)
    unit = scoped_unit(user=user, unit=unit)
    calendars = _Calendars()

    steps = DossierStep.objects.filter(finished_at__gte=start, finished_at__lt=end)
    dossiers = Dossier.objects.all()
    if unit is not None:
        subtree = unit_subtree_ids([unit.pk])
        steps = steps.filter(
            Q(unit_id__in=subtree)
            | Q(dossier__competent_unit_id__in=subtree)
            | Q(dossier__receiving_unit_id__in=subtree)
        )
        dossiers = dossiers.filter(Q(competent_unit_id__in=subtree) | Q(receiving_unit_id__in=subtree))
    rows = list(
        steps.order_by("started_at", "id").values_list(
            "dossier_id",
            "order",
            "name",
            "unit_id",
            "started_at",
            "due_at",
            "finished_at",
            "budget_hours",
            "timeliness",
            "finished_by_id",
            "assignee_id",
            "dossier__competent_unit_id",
            "dossier__receiving_unit_id",
            "dossier__procedure_version__procedure__national_code",
        )
    )
    late_dossiers = list(
        dossiers.filter(result_ready_at__gte=start, result_ready_at__lt=end, timeliness=Timeliness.LATE)
        .order_by()
        .values_list("pk", flat=True)
    )
    pauses = _pauses_by_dossier([r[0] for r in rows] + late_dossiers)

    by_step: dict[tuple, StepFigures] = defaultdict(StepFigures)
    by_unit: dict[int, StepFigures] = defaultdict(StepFigures)
    by_officer: dict[int | None, StepFigures] = defaultdict(StepFigures)
    totals = StepFigures()
    lateness = Lateness()
    for (
        dossier_id,
        order,
        name,
        unit_id,
        started,
        due,
        finished,
        budget,
        timeliness,
        finished_by,
        assignee,
        competent_id,
        receiving_id,
        procedure_code,
    ) in rows:
        calendar = calendars[unit_id]
        hours = _working_hours(calendar, started, finished, pauses[dossier_id])
        is_late = timeliness == Timeliness.LATE
        for figures in (
            by_step[(procedure_code, order, name, unit_id)],
            by_unit[unit_id],
            by_officer[finished_by or assignee],
            totals,
        ):
            figures.add(hours=hours, budget=float(budget), is_late=is_late)
        if is_late:
            overrun = _working_hours(calendar, due, finished, pauses[dossier_id])
            lateness.overrun_hours = round(lateness.overrun_hours + overrun, 2)
            if _is_other_body(unit_id, competent_id, receiving_id, calendars.units):
                lateness.other_bodies_hours = round(lateness.other_bodies_hours + overrun, 2)

    first_late = _first_late(late_dossiers, calendars.units)
    lateness.late_dossiers = len(late_dossiers)
    lateness.applicant_pause_hours = round(
        sum(
            float(hours or 0)
            for hours in DossierPause.objects.filter(dossier_id__in=late_dossiers).values_list(
                "working_hours", flat=True
            )
        ),
        2,
    )
    officers = {u.pk: u for u in User.objects.filter(pk__in=[k for k in by_officer if k])}
    units = calendars.units
    return Bottlenecks(
        date_from=date_from,
        date_to=date_to,
        unit=unit,
        by_step=sorted(
            (
                StepRow(label=name, unit=units[unit_id], figures=f, procedure_code=code, order=order)
                for (code, order, name, unit_id), f in by_step.items()
            ),
            key=lambda r: (r.procedure_code, r.order, r.unit.agency_code),
        ),
        by_unit=sorted(
            (StepRow(label=units[k].name, unit=units[k], figures=f) for k, f in by_unit.items()),
            key=lambda r: r.unit.agency_code,
        ),
        by_officer=sorted(
            (
                StepRow(label=str(officers[k]) if k else _("(Chưa phân công)"), unit=None, figures=f)
                for k, f in by_officer.items()
            ),
            key=lambda r: r.label,
        ),
        first_late=first_late,
        lateness=lateness,
        totals=totals,
    )


def _first_late(dossier_ids: list[int], units: dict[int, Unit]) -> list[FirstLateRow]:
    """Per late dossier, the first of its steps (by start) that finished late; counted by step and unit."""
    first: dict[int, tuple[str, int | None]] = {}
    steps = (
        DossierStep.objects.filter(dossier_id__in=dossier_ids, timeliness=Timeliness.LATE)
        .order_by("dossier_id", "started_at", "id")
        .values_list("dossier_id", "name", "unit_id")
    )
    for dossier_id, name, unit_id in steps:
        first.setdefault(dossier_id, (name, unit_id))
    counts: dict[tuple[str, int | None], int] = defaultdict(int)
    for dossier_id in dossier_ids:
        counts[first.get(dossier_id, (NO_LATE_STEP, None))] += 1
    rows = [
        FirstLateRow(step_name=name, unit=units.get(unit_id) if unit_id else None, dossiers=n)
        for (name, unit_id), n in counts.items()
    ]
    return sorted(rows, key=lambda r: (-r.dossiers, r.step_name == NO_LATE_STEP, r.step_name))


# --- at risk -------------------------------------------------------------------------------------------------
@dataclass
class AtRiskRow:
    dossier: Dossier
    remaining_hours: float
    expected_hours: float
    step_name: str
    step_unit: Unit
    step_assignee: User | None
    step_is_current: bool

    @property
    def shortfall_hours(self) -> float:
        return round(self.expected_hours - self.remaining_hours, 2)


def usual_step_hours(
    process_steps: list[ProcessStep], *, now: datetime, min_samples: int = MIN_SAMPLES
) -> dict[int, float]:
    """process step id → the median working hours of its finished dossier steps up to `now` (pause time
    excluded); its budget when there are fewer than `min_samples` of them."""
    budgets = {s.pk: float(s.budget_hours) for s in process_steps}
    calendars = _Calendars()
    rows = list(
        DossierStep.objects.filter(process_step_id__in=budgets, finished_at__lte=now).values_list(
            "process_step_id", "dossier_id", "unit_id", "started_at", "finished_at"
        )
    )
    pauses = _pauses_by_dossier(r[1] for r in rows)
    samples: dict[int, list[float]] = defaultdict(list)
    for step_id, dossier_id, unit_id, started, finished in rows:
        samples[step_id].append(_working_hours(calendars[unit_id], started, finished, pauses[dossier_id]))
    return {
        step_id: round(median(samples[step_id]), 2) if len(samples[step_id]) >= min_samples else budget
        for step_id, budget in budgets.items()
    }


def at_risk_dossiers(
    *, user, now: datetime, unit: Unit | None = None, min_samples: int = MIN_SAMPLES
) -> list[AtRiskRow]:
    """Open dossiers (received, processing) the user may see whose remaining working time is less than the
    usual time of their remaining steps before the result (the hand-back step does not count: timeliness is
    decided when the result is ready). For the current step the usual time less what it already took."""
    qs = dossier_queryset_for_staff(user).filter(status__in=AT_RISK_STATUSES, due_at__isnull=False)
    if unit is not None:
        subtree = unit_subtree_ids([unit.pk])
        qs = qs.filter(
            Q(competent_unit_id__in=subtree)
            | Q(receiving_unit_id__in=subtree)
            | Q(current_step__unit_id__in=subtree)
        )
    dossiers = list(qs.select_related("current_step__assignee", "procedure_version__procedure"))
    if not dossiers:
        return []
    calendars = _Calendars()
    plans = {d.pk: [s for s in dossier_process_steps(d) if not is_return_step(s)] for d in dossiers}
    all_steps = {s.pk: s for plan in plans.values() for s in plan}
    usual = usual_step_hours(list(all_steps.values()), now=now, min_samples=min_samples)
    pauses = _pauses_by_dossier(d.pk for d in dossiers)
    rows = []
    for dossier in dossiers:
        clock = dossier_clock(dossier, now=now, calendar=calendars[dossier.receiving_unit_id])
        current = dossier.current_step
        plan = plans[dossier.pk]
        if current is not None:
            after = [s for s in plan if s.order > current.order]
            spent = _working_hours(
                calendars[current.unit_id], current.started_at, now, pauses[dossier.pk], now
            )
            current_usual = usual.get(current.process_step_id, float(current.budget_hours))
            expected = max(current_usual - spent, 0.0) + sum(usual[s.pk] for s in after)
        else:
            after = plan
            expected = sum(usual[s.pk] for s in after)
        expected = round(expected, 2)
        # Already overdue dossiers belong to the overdue worklist; this list is for those still savable.
        if clock.remaining_hours is None or clock.remaining_hours <= 0 or clock.remaining_hours >= expected:
            continue
        if current is not None:
            name, step_unit, assignee, is_current = current.name, current.unit, current.assignee, True
        elif after:
            nxt = after[0]
            name, step_unit = nxt.name, calendars.units[dossier_step_unit_id(dossier, nxt)]
            assignee, is_current = None, False
        else:
            continue
        rows.append(
            AtRiskRow(
                dossier=dossier,
                remaining_hours=clock.remaining_hours,
                expected_hours=expected,
                step_name=name,
                step_unit=step_unit,
                step_assignee=assignee,
                step_is_current=is_current,
            )
        )
    rows.sort(key=lambda r: (-r.shortfall_hours, r.dossier.code or ""))
    return rows
