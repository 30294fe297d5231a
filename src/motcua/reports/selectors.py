"""Figures of dossier handling for a period and a unit with its sub-units (DESIGN §10): the numbers of the
report tables that provinces send upward. The definitions, with their sources, are in docs/reports.md.

Every count is one aggregated SQL query (`Count(filter=…)` grouped with `values()`), so the number of
queries does not grow with the number of dossiers. Only the average processing time walks the resolved
dossiers of the period in Python, because working time needs the working calendar."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.catalog.models import Field, Procedure, ProcedureVersion
from motcua.core.exceptions import NotPermitted, ValidationFailed
from motcua.dossiers.enums import Action, Channel, Status, Timeliness
from motcua.dossiers.models import Dossier, DossierDocument, DossierEvent, DossierPause
from motcua.dossiers.selectors import staff_visible_unit_ids
from motcua.org.models import Unit
from motcua.org.selectors import unit_subtree_ids
from motcua.ratings.enums import Overall
from motcua.ratings.selectors import RatingGroupBy, RatingTotals, rating_aggregates
from motcua.workcal.calendar import LOCAL_TZ

from .enums import GroupBy
from .figures import PeriodSums, committed_minutes, period_sums, unit_scope

# A report covers at most a year (a leap year included); longer spans are several reports.
MAX_RANGE_DAYS = 366
# Channels whose documents arrive on paper: digitisation is the centre's scanning of them. Online and
# assisted-online dossiers arrive as files, so they would only inflate the rate.
PAPER_CHANNELS = (Channel.COUNTER, Channel.POSTAL)
UNKNOWN_KEY = ""


# --- result shapes -------------------------------------------------------------------------------------------
def _ratio(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


@dataclass(frozen=True)
class Figures:
    carried_over: int = 0
    received: int = 0
    received_counter: int = 0
    received_postal: int = 0
    received_online: int = 0
    received_assisted_online: int = 0
    resolved: int = 0
    resolved_early: int = 0
    resolved_on_time: int = 0
    resolved_late: int = 0
    in_progress_on_time: int = 0
    in_progress_overdue: int = 0
    returned: int = 0
    stopped: int = 0
    refused: int = 0
    # Received paper dossiers with documents, and those whose received documents are all scanned.
    digitisable: int = 0
    digitised: int = 0
    # Received dossiers with a component taken from the citizen's document store (Decree 45/2020 reuse), and
    # resolved dossiers that have a signed electronic result (both feed the 766 group E).
    received_reused: int = 0
    resolved_e_result: int = 0
    # Dossiers returned in the period that the applicant rated, by overall level (docs/ratings.md).
    rated: int = 0
    rated_very_satisfied: int = 0
    rated_satisfied: int = 0
    rated_not_satisfied: int = 0
    avg_processing_hours: float | None = None
    avg_committed_hours: float | None = None

    @property
    def handled(self) -> int:
        """Tổng số hồ sơ nhận giải quyết: carried over plus newly received."""
        return self.carried_over + self.received

    @property
    def received_online_total(self) -> int:
        return self.received_online + self.received_assisted_online

    @property
    def in_progress(self) -> int:
        return self.in_progress_on_time + self.in_progress_overdue

    @property
    def on_time_rate(self) -> float | None:
        return _ratio(self.resolved_early + self.resolved_on_time, self.resolved)

    @property
    def online_rate(self) -> float | None:
        return _ratio(self.received_online_total, self.received)

    @property
    def postal_rate(self) -> float | None:
        return _ratio(self.received_postal, self.received)

    @property
    def digitisation_rate(self) -> float | None:
        return _ratio(self.digitised, self.digitisable)

    @property
    def satisfaction_rate(self) -> float | None:
        """(Very satisfied + satisfied) ÷ rated; None without ratings, never invented."""
        return _ratio(self.rated_very_satisfied + self.rated_satisfied, self.rated)

    def as_dict(self) -> dict:
        derived = (
            "handled",
            "received_online_total",
            "in_progress",
            "on_time_rate",
            "online_rate",
            "postal_rate",
            "digitisation_rate",
            "satisfaction_rate",
        )
        return {**asdict(self), **{name: getattr(self, name) for name in derived}}


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    figures: Figures


@dataclass(frozen=True)
class Summary:
    date_from: date
    date_to: date
    unit: Unit | None
    group_by: str
    rows: list[Row]
    totals: Figures
    notes: list[str] = field(default_factory=list)

    @property
    def group_label(self) -> str:
        return str(GroupBy(self.group_by).label)


# --- period and scope ----------------------------------------------------------------------------------------
def period_bounds(date_from: date, date_to: date) -> tuple[datetime, datetime]:
    """Local dates, both inclusive, as the aware instants [start of `date_from`, start of the day after
    `date_to`) in Vietnamese time."""
    if date_from > date_to:
        raise ValidationFailed(
            _("Ngày bắt đầu phải trước hoặc bằng ngày kết thúc."), details={"from": _("Sau ngày kết thúc.")}
        )
    if (date_to - date_from).days + 1 > MAX_RANGE_DAYS:
        raise ValidationFailed(
            _("Mỗi báo cáo tối đa %(days)s ngày; hãy chia thành nhiều kỳ.") % {"days": MAX_RANGE_DAYS},
            details={"to": _("Khoảng thời gian quá dài.")},
        )
    start = datetime.combine(date_from, time.min, tzinfo=LOCAL_TZ)
    end = datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=LOCAL_TZ)
    return start, end


def report_units_for_user(user) -> QuerySet[Unit]:
    """Units whose figures the officer may see: where they act, and the subtree of a supervisor, viewer or
    administrator (the same scope as their dossiers)."""
    return Unit.objects.filter(pk__in=staff_visible_unit_ids(user)).order_by("agency_code")


def default_report_unit(user, *, visible_ids: set[int] | None = None) -> Unit | None:
    """The unit a figures page shows when none is chosen: the officer's highest (None if they see none).
    `visible_ids`: the ids of `report_units_for_user(user)` when the caller has already read them."""
    return _highest_unit(staff_visible_unit_ids(user) if visible_ids is None else visible_ids)


def _highest_unit(unit_ids: set[int]) -> Unit | None:
    """The unit nearest the root of the tree (a supervisor's own unit), ties broken by agency code."""
    if not unit_ids:
        return None
    parents = dict(Unit.objects.values_list("id", "parent_id"))

    def depth(unit_id: int) -> int:
        steps, current = 0, parents.get(unit_id)
        while current is not None and steps <= len(parents):
            steps, current = steps + 1, parents.get(current)
        return steps

    shallowest = min(depth(unit_id) for unit_id in unit_ids)
    candidates = [unit_id for unit_id in unit_ids if depth(unit_id) == shallowest]
    return Unit.objects.filter(pk__in=candidates).order_by("agency_code").first()


def scoped_unit(*, user, unit: Unit | None) -> Unit | None:
    if user is None:
        return unit
    visible = staff_visible_unit_ids(user)
    if not visible:
        raise NotPermitted(_("Số liệu báo cáo chỉ dành cho cán bộ, công chức được phân quyền."))
    if unit is None:
        return _highest_unit(visible)
    if unit.pk not in visible:
        raise NotPermitted(_("Bạn không có quyền xem số liệu của đơn vị “%(unit)s”.") % {"unit": unit.name})
    return unit


# --- definitions ---------------------------------------------------------------------------------------------
def not_finished_before(instant: datetime) -> Q:
    """Neither a result nor a stop before `instant` (written without negation: the columns are nullable)."""
    no_result = Q(result_ready_at__isnull=True) | Q(result_ready_at__gte=instant)
    not_stopped = ~Q(status=Status.STOPPED) | Q(closed_at__isnull=True) | Q(closed_at__gte=instant)
    return no_result & not_stopped


def period_measures(start: datetime, end: datetime) -> dict[str, Count]:
    received_in = Q(received_at__gte=start, received_at__lt=end)
    resolved_in = Q(result_ready_at__gte=start, result_ready_at__lt=end)
    open_at_end = Q(received_at__lt=end) & not_finished_before(end)
    # Legal-spec §1.7: while a dossier waits for a supplement (or is paused) its clock stands still and
    # its due date only moves when the clock resumes; a pause that began in time keeps it within time.
    paused_in_time = Exists(
        DossierPause.objects.filter(
            dossier=OuterRef("pk"), started_at__lt=end, started_at__lte=OuterRef("due_at")
        ).filter(Q(ended_at__isnull=True) | Q(ended_at__gte=end))
    )
    received_documents = DossierDocument.objects.filter(dossier=OuterRef("pk"), is_received=True)
    digitisable = received_in & Q(channel__in=PAPER_CHANNELS) & Q(Exists(received_documents))
    closed_in = Q(closed_at__gte=start, closed_at__lt=end)
    returned_in = Q(returned_at__gte=start, returned_at__lt=end)
    # A rating belongs to the period of its dossier's return (docs/ratings.md); one-to-one, so the join
    # never multiplies a dossier.
    rated = returned_in & Q(rating__isnull=False)

    def count(condition: Q) -> Count:
        return Count("pk", filter=condition)

    return {
        "carried_over": count(Q(received_at__lt=start) & not_finished_before(start)),
        "received": count(received_in),
        "received_counter": count(received_in & Q(channel=Channel.COUNTER)),
        "received_postal": count(received_in & Q(channel=Channel.POSTAL)),
        "received_online": count(received_in & Q(channel=Channel.ONLINE)),
        "received_assisted_online": count(received_in & Q(channel=Channel.ASSISTED_ONLINE)),
        "resolved": count(resolved_in),
        "resolved_early": count(resolved_in & Q(timeliness=Timeliness.EARLY)),
        "resolved_on_time": count(resolved_in & Q(timeliness=Timeliness.ON_TIME)),
        "resolved_late": count(resolved_in & Q(timeliness=Timeliness.LATE)),
        "in_progress_on_time": count(open_at_end & (Q(due_at__gte=end) | Q(paused_in_time))),
        "in_progress_overdue": count(open_at_end & Q(due_at__lt=end) & ~Q(paused_in_time)),
        "returned": count(returned_in),
        # Only dossiers that were received: a withdrawal before reception was never in the counts above.
        "stopped": count(Q(status=Status.STOPPED, received_at__isnull=False) & closed_in),
        "refused": count(Q(status=Status.REFUSED) & closed_in),
        "digitisable": count(digitisable),
        "digitised": count(digitisable & ~Q(Exists(received_documents.filter(is_digitised=False)))),
        "received_reused": count(
            received_in
            & Q(Exists(DossierDocument.objects.filter(dossier=OuterRef("pk"), reused_from__isnull=False)))
        ),
        # One-to-one, so the join never multiplies a dossier.
        "resolved_e_result": count(resolved_in & Q(result__isnull=False)),
        "rated": count(rated),
        "rated_very_satisfied": count(rated & Q(rating__overall=Overall.VERY_SATISFIED)),
        "rated_satisfied": count(rated & Q(rating__overall=Overall.SATISFIED)),
        "rated_not_satisfied": count(rated & Q(rating__overall=Overall.NOT_SATISFIED)),
    }


def relevant(start: datetime, end: datetime) -> Q:
    """Dossiers that appear in at least one figure of the period; the rest are never read."""
    handled = Q(received_at__lt=end) & not_finished_before(start)
    returned = Q(returned_at__gte=start, returned_at__lt=end)
    refused = Q(status=Status.REFUSED, closed_at__gte=start, closed_at__lt=end)
    return handled | returned | refused


# The column each grouping reads; "officer" is annotated from the history (see _with_officer).
GROUP_COLUMNS = {
    GroupBy.UNIT: "competent_unit_id",
    GroupBy.FIELD: "procedure_version__field_id",
    GroupBy.PROCEDURE: "procedure_version__procedure__national_code",
    GroupBy.CHANNEL: "channel",
    GroupBy.OFFICER: "officer_id",
}


def _with_officer(qs: QuerySet[Dossier]) -> QuerySet[Dossier]:
    """The officer who received the dossier (or refused it at the counter): the actor of that history row."""
    first = (
        DossierEvent.objects.filter(dossier=OuterRef("pk"), action__in=[Action.RECEIVE, Action.REFUSE])
        .order_by("seq")
        .values("actor_id")[:1]
    )
    return qs.annotate(officer_id=Subquery(first))


# --- the report ----------------------------------------------------------------------------------------------
def _check_group(group_by: str) -> GroupBy:
    if group_by not in GroupBy.values:
        raise ValidationFailed(
            _("Cách nhóm số liệu không hợp lệ."),
            details={"group_by": " | ".join(GroupBy.values)},
        )
    return GroupBy(group_by)


def summary(
    *,
    date_from: date,
    date_to: date,
    unit: Unit | None = None,
    group_by: str = GroupBy.UNIT,
    user=None,
    sums: PeriodSums | None = None,
) -> Summary:
    """Figures per group and in total, read from the pre-aggregated sums (reports/figures.py): a few
    thousand rows whatever the number of dossiers. A dossier is one row however many units handled it
    (inter-agency dossiers are counted once); it belongs to `unit` when its competent or its receiving unit
    lies in the unit's subtree. With `user`, `unit` must be one the officer sees (default: their highest
    unit). `sums`: a read of the same period and scope per a finer key, folded instead of read again (the
    dashboard shares one with the 766 index). `summary_recount` computes the same from the dossiers."""
    group_by = _check_group(group_by)
    period_bounds(date_from, date_to)
    unit = scoped_unit(user=user, unit=unit)
    subtree = unit_subtree_ids([unit.pk]) if unit is not None else None
    column = SUM_COLUMNS[group_by]
    wanted = {
        "date_from": date_from,
        "date_to": date_to,
        "scope": unit_scope(subtree),
        "group": (column, "channel"),
    }
    sums = sums.regroup(**wanted) if sums is not None else period_sums(**wanted)
    fold = _folder(group_by)
    grouped: dict[object, Counter] = defaultdict(Counter)
    for part, prefix in ((sums.flows, ""), (sums.opening, "opening_"), (sums.closing, "closing_")):
        for (value, channel), counts in part.items():
            bucket = grouped[fold(value)]
            bucket.update({f"{prefix}{m}": v for m, v in counts.items()})
            if not prefix:
                bucket[f"received_{channel}"] += counts.get("received", 0)
    grouped = {value: counts for value, counts in grouped.items() if any(counts.values())}
    labels = _labels(group_by, list(grouped))
    rows = []
    total: Counter = Counter()
    for value, counts in grouped.items():
        total.update(counts)
        key, label = labels.get(value, (UNKNOWN_KEY, _("(Không xác định)")))
        rows.append(Row(key=key, label=label, figures=figures_from_sums(counts)))
    rows.sort(key=_sort_key(group_by))
    return Summary(
        date_from=date_from,
        date_to=date_to,
        unit=unit,
        group_by=group_by.value,
        rows=rows,
        totals=figures_from_sums(total),
        notes=_notes(group_by),
    )


# The key field of the sums each grouping reads; field and procedure are folded from the version.
SUM_COLUMNS = {
    GroupBy.UNIT: "competent_unit_id",
    GroupBy.FIELD: "procedure_version_id",
    GroupBy.PROCEDURE: "procedure_version_id",
    GroupBy.CHANNEL: "channel",
    GroupBy.OFFICER: "officer_id",
}


def _folder(group_by: GroupBy):
    """Key value of the sums → value of the report's group column (as in `summary_recount`)."""
    if group_by in (GroupBy.FIELD, GroupBy.PROCEDURE):
        column = "field_id" if group_by == GroupBy.FIELD else "procedure__national_code"
        versions = dict(ProcedureVersion.objects.values_list("pk", column))
        return lambda value: versions.get(value)
    return lambda value: value or None


def figures_from_sums(counts: Counter) -> Figures:
    timed = counts.get("resolved_timed", 0)
    closing_open = counts.get("closing_open", 0)
    closing_overdue = counts.get("closing_overdue", 0)
    return Figures(
        carried_over=counts.get("opening_open", 0),
        received=counts.get("received", 0),
        received_counter=counts.get(f"received_{Channel.COUNTER}", 0),
        received_postal=counts.get(f"received_{Channel.POSTAL}", 0),
        received_online=counts.get(f"received_{Channel.ONLINE}", 0),
        received_assisted_online=counts.get(f"received_{Channel.ASSISTED_ONLINE}", 0),
        resolved=counts.get("resolved", 0),
        resolved_early=counts.get("resolved_early", 0),
        resolved_on_time=counts.get("resolved_on_time", 0),
        resolved_late=counts.get("resolved_late", 0),
        in_progress_on_time=closing_open - closing_overdue,
        in_progress_overdue=closing_overdue,
        returned=counts.get("returned", 0),
        stopped=counts.get("stopped", 0),
        refused=counts.get("refused", 0),
        digitisable=counts.get("digitisable", 0),
        digitised=counts.get("digitised", 0),
        received_reused=counts.get("received_reused", 0),
        resolved_e_result=counts.get("resolved_e_result", 0),
        rated=counts.get("rated", 0),
        rated_very_satisfied=counts.get("rated_very_satisfied", 0),
        rated_satisfied=counts.get("rated_satisfied", 0),
        rated_not_satisfied=counts.get("rated_not_satisfied", 0),
        **_average_of(timed, counts.get("worked_minutes", 0), counts.get("committed_minutes", 0)),
    )


def _average_of(timed: int, worked_minutes: int, committed: int) -> dict[str, float | None]:
    if not timed:
        return {"avg_processing_hours": None, "avg_committed_hours": None}
    return {
        "avg_processing_hours": round(worked_minutes / timed / 60, 2),
        "avg_committed_hours": round(committed / timed / 60, 2),
    }


def summary_recount(
    *,
    date_from: date,
    date_to: date,
    unit: Unit | None = None,
    group_by: str = GroupBy.UNIT,
    user=None,
) -> Summary:
    """`summary` counted from the dossiers themselves, one aggregated query per figure set: the reference the
    pre-aggregated sums are tested against, and the naive baseline of the benchmarks."""
    group_by = _check_group(group_by)
    start, end = period_bounds(date_from, date_to)
    unit = scoped_unit(user=user, unit=unit)

    qs = Dossier.objects.filter(relevant(start, end))
    if unit is not None:
        subtree = unit_subtree_ids([unit.pk])
        qs = qs.filter(Q(competent_unit_id__in=subtree) | Q(receiving_unit_id__in=subtree))
    if group_by == GroupBy.OFFICER:
        qs = _with_officer(qs)
    column = GROUP_COLUMNS[group_by]
    measures = period_measures(start, end)

    grouped = list(qs.order_by().values(column).annotate(**measures))
    totals_counts = qs.order_by().aggregate(**measures)
    averages, total_average = _averages(qs, column, start, end)

    labels = _labels(group_by, [g[column] for g in grouped])
    rows = []
    for group in grouped:
        value = group.pop(column)
        key, label = labels.get(value, (UNKNOWN_KEY, _("(Không xác định)")))
        rows.append(Row(key=key, label=label, figures=Figures(**group, **averages.get(value, {}))))
    rows.sort(key=_sort_key(group_by))
    return Summary(
        date_from=date_from,
        date_to=date_to,
        unit=unit,
        group_by=group_by.value,
        rows=rows,
        totals=Figures(**totals_counts, **total_average),
        notes=_notes(group_by),
    )


def _notes(group_by: GroupBy) -> list[str]:
    notes = [
        _(
            "Hồ sơ liên thông được tính một lần. Hồ sơ thuộc đơn vị khi cơ quan giải quyết hoặc nơi tiếp "
            "nhận thuộc đơn vị hoặc đơn vị trực thuộc."
        ),
        _(
            "Hồ sơ đang giải quyết quá hạn: ngày hẹn trả đang có hiệu lực (kể cả ngày hẹn sau gia hạn) đã "
            "qua vào cuối kỳ; hồ sơ đang chờ bổ sung hoặc tạm dừng từ trước ngày hẹn được tính trong hạn."
        ),
        _(
            "Tỷ lệ hài lòng: (rất hài lòng + hài lòng) ÷ số hồ sơ được đánh giá, trong các hồ sơ trả kết quả "
            "trong kỳ; ghi “–” khi chưa có đánh giá."
        ),
    ]
    if group_by == GroupBy.OFFICER:
        notes.append(
            _(
                "Nhóm theo cán bộ tiếp nhận: đánh giá tính cho cán bộ đã tiếp nhận hồ sơ; tổng hợp theo cán bộ "
                "trả kết quả xem tại báo cáo đánh giá mức độ hài lòng."
            )
        )
    if group_by == GroupBy.UNIT:
        notes.insert(
            0, _("Mỗi dòng là một cơ quan giải quyết (cơ quan có thẩm quyền), không phải nơi tiếp nhận.")
        )
    return notes


# --- average processing time ---------------------------------------------------------------------------------
def _averages(qs: QuerySet[Dossier], column: str, start: datetime, end: datetime):
    """Working time from the start of the legal clock to the result, less the time the clock stood still
    (kept on the dossier when its result was ready), against the committed time of its procedure version;
    per group and in total, over the resolved dossiers of the period that have it."""
    resolved = (
        qs.filter(result_ready_at__gte=start, result_ready_at__lt=end, worked_minutes__isnull=False)
        .order_by()
        .values_list(
            column,
            "worked_minutes",
            "procedure_version__committed_time_amount",
            "procedure_version__committed_time_unit",
        )
    )
    per_group: dict[object, list[int]] = defaultdict(lambda: [0, 0, 0])
    for value, worked, amount, unit_kind in resolved:
        sums = per_group[value]
        sums[0] += 1
        sums[1] += worked
        sums[2] += committed_minutes(amount, unit_kind)
    averages = {value: _average_of(*sums) for value, sums in per_group.items()}
    total = [sum(sums[i] for sums in per_group.values()) for i in range(3)]
    return averages, _average_of(*total)


# --- labels --------------------------------------------------------------------------------------------------
def _labels(group_by: GroupBy, values: Iterable) -> dict[object, tuple[str, str]]:
    """value of the group column → (key, label), in one query."""
    values = [v for v in values if v is not None]
    if group_by == GroupBy.UNIT:
        return {u.pk: (u.agency_code, u.name) for u in Unit.objects.filter(pk__in=values)}
    if group_by == GroupBy.FIELD:
        return {f.pk: (f.code, f.name) for f in Field.objects.filter(pk__in=values)}
    if group_by == GroupBy.PROCEDURE:
        names: dict[str, str] = {}
        procedures = Procedure.objects.filter(national_code__in=values).select_related("current_version")
        for procedure in procedures.order_by("local_code"):
            if procedure.current_version_id and procedure.national_code not in names:
                names[procedure.national_code] = procedure.current_version.display_name
        return {code: (code, names.get(code, code)) for code in values}
    if group_by == GroupBy.CHANNEL:
        return {value: (value, str(Channel(value).label)) for value in values if value in Channel.values}
    users = User.objects.filter(pk__in=values)
    return {u.pk: (u.username, str(u)) for u in users}


def _sort_key(group_by: GroupBy):
    if group_by == GroupBy.CHANNEL:
        order = {value: index for index, value in enumerate(Channel.values)}
        return lambda row: order.get(row.key, len(order))
    if group_by in (GroupBy.FIELD, GroupBy.OFFICER):
        return lambda row: (row.key == UNKNOWN_KEY, row.label, row.key)
    return lambda row: (row.key == UNKNOWN_KEY, row.key)


# --- satisfaction ratings per unit and officer ---------------------------------------------------------------
@dataclass(frozen=True)
class SatisfactionReport:
    date_from: date
    date_to: date
    unit: Unit | None
    group_by: str
    rows: list[RatingTotals]
    totals: RatingTotals


def satisfaction_report(
    *,
    date_from: date,
    date_to: date,
    unit: Unit | None = None,
    group_by: str = RatingGroupBy.UNIT,
    user=None,
) -> SatisfactionReport:
    """The ratings of the dossiers returned in the period, per receiving unit or per officer who returned the
    result (Decree 61/2018 Art. 32(2): results feed unit and staff appraisal), with the answers to every
    Art. 31 criterion; the same unit scope and permission as `summary`."""
    start, end = period_bounds(date_from, date_to)
    unit = scoped_unit(user=user, unit=unit)
    unit_ids = unit_subtree_ids([unit.pk]) if unit is not None else None
    rows, totals = rating_aggregates(start=start, end=end, unit_ids=unit_ids, group_by=group_by)
    return SatisfactionReport(
        date_from=date_from, date_to=date_to, unit=unit, group_by=str(group_by), rows=rows, totals=totals
    )
