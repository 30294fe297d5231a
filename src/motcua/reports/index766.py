"""Decision 766/QĐ-TTg: the index set for directing and evaluating the quality of administrative services,
as the Cổng DVCQG computes it today (legal-spec §3.2: six groups, 100 points).

The indicators are data (`INDICATORS`): code, group, Vietnamese name, maximum, formula, source, and either
the dossier conditions of its numerator and denominator (computed here), an administrator-entered value
(`ManualIndicatorValue`), or neither ("not computed", with the reason). Nothing is ever invented: an
indicator without data has no points, and the group and total points come with `max_computed`, the maximum
of the indicators that were actually scored, so that a partial total is never read as a full score.

The dossier conditions are the ones of the statistics report (`reports.selectors`): the same definitions of
received, carried over, resolved early or on time, in progress within time and digitised (docs/reports.md).
Every count of a unit is one aggregated query, and the drill-down (`index766_dossiers`) filters with the
very same conditions, so it lists exactly the dossiers that were counted."""

from __future__ import annotations

import functools
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.catalog.enums import OnlineLevel
from motcua.catalog.models import ProcedureVersion
from motcua.core.exceptions import ValidationFailed
from motcua.dossiers.enums import Channel, Timeliness
from motcua.dossiers.models import Dossier
from motcua.org.models import Unit
from motcua.org.selectors import unit_subtree_ids, unit_tree_children
from motcua.payments.enums import PaymentMethod, PaymentStatus
from motcua.payments.models import Payment
from motcua.petitions.selectors import PetitionFigures, petition_figures, petitions_exist
from motcua.ratings.enums import Overall
from motcua.ratings.models import Rating

from .figures import PeriodSums, period_sums, unit_scope
from .models import ManualIndicatorValue
from .selectors import period_bounds, period_measures, relevant, scoped_unit

ONLINE_CHANNELS = (Channel.ONLINE, Channel.ASSISTED_ONLINE)


class Part:
    NUMERATOR = "tu"
    DENOMINATOR = "mau"


class State:
    COMPUTED = "computed"  # from the system's dossiers
    MANUAL = "manual"  # entered by an administrator for this unit and period
    NO_DATA = "no_data"  # computable, but nothing to count in the period (denominator 0, or no evidence)
    NOT_COMPUTED = "not_computed"  # the system does not hold the data


# --- the indicators, as data ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Group:
    code: str
    name: Promise
    maximum: int
    source: str


GROUPS: tuple[Group, ...] = (
    Group("A", gettext_lazy("Công khai, minh bạch"), 18, "legal-spec §3.2 A; Cổng DVCQG transparency"),
    Group("B", gettext_lazy("Tiến độ giải quyết"), 20, "legal-spec §3.2 B; Cổng DVCQG dvc-progress-tree"),
    Group(
        "C", gettext_lazy("Dịch vụ công trực tuyến"), 12, "legal-spec §3.2 C; Cổng DVCQG provide-online-tree"
    ),
    Group(
        "D",
        gettext_lazy("Thanh toán trực tuyến"),
        10,
        "legal-spec §3.2 D; Cổng DVCQG formality-online-payment-tree",
    ),
    Group("E", gettext_lazy("Số hóa hồ sơ"), 22, "legal-spec §3.2 E; Cổng DVCQG dossier-digitized"),
    Group("F", gettext_lazy("Mức độ hài lòng"), 18, "legal-spec §3.2 F; Cổng DVCQG handling-satisfaction"),
)

# (start, end) of the period → the dossier condition of a numerator or denominator.
Condition = Callable[[datetime, datetime], Q]


def _proportional(maximum: float, ratio: float) -> float:
    """score = min(max, max × ratio) (legal-spec §3.2 A, B, C, E)."""
    return min(maximum, maximum * ratio)


@dataclass(frozen=True)
class Indicator:
    code: str
    group: str
    name: Promise
    maximum: int
    formula: Promise
    source: str
    numerator: Condition | None = None
    denominator: Condition | None = None
    is_manual: bool = False  # an administrator may enter the ratio (ManualIndicatorValue)
    reason: Promise | None = None  # why it is not computed from the system's data
    score: Callable[[float, float], float] = _proportional
    # Dossiers that must exist for the ratio to mean anything (e.g. at least one rating); without any, the
    # indicator has no points and says why (`no_evidence`).
    evidence: Condition | None = None
    no_evidence: Promise | None = None
    # Figures counted outside the dossiers: the unit's petition figures of the period → (numerator,
    # denominator). While the system holds no petition at all the indicator is "no data", not full points.
    # `empty_points` is the score of an empty denominator.
    counts: Callable[[PetitionFigures], tuple[int, int]] | None = None
    empty_points: float | None = None

    @property
    def is_computed(self) -> bool:
        return self.numerator is not None and self.denominator is not None


def _figure(*names: str) -> Condition:
    """The union of figures of the statistics report, by their names in `reports.selectors.measures`."""

    def condition(start: datetime, end: datetime) -> Q:
        measures = period_measures(start, end)
        result = Q()
        for name in names:
            result |= measures[name].filter
        return result

    # The figures of one union are disjoint (a dossier resolved in the period is not in progress at its
    # end; carried over and received are before and within it), so the count of the union is their sum.
    condition.from_sums = lambda sums: sum(sums.figure(name) for name in names)
    return condition


def _end_to_end_received(start: datetime, end: datetime) -> Q:
    return period_measures(start, end)["received"].filter & Q(
        procedure_version__online_level=OnlineLevel.END_TO_END
    )


def _end_to_end_online(start: datetime, end: datetime) -> Q:
    return _end_to_end_received(start, end) & Q(channel__in=ONLINE_CHANNELS)


_end_to_end_received.from_sums = lambda sums: sums.figure("received", end_to_end=True)
_end_to_end_online.from_sums = lambda sums: sums.figure("received", end_to_end=True, channels=ONLINE_CHANNELS)


def _satisfied_returned(start: datetime, end: datetime) -> Q:
    """Returned in the period, neither rated "not satisfied" nor resolved late (legal-spec §3.2 F; an unrated
    dossier counts as the portal counts it: satisfied unless late)."""
    unsatisfied = Rating.objects.filter(dossier=OuterRef("pk"), overall=Overall.NOT_SATISFIED)
    return (
        period_measures(start, end)["returned"].filter
        & ~Q(Exists(unsatisfied))
        & ~Q(timeliness=Timeliness.LATE)
    )


def _fee_obligation_received(start: datetime, end: datetime) -> Q:
    """Received in the period with a fee to pay (legal-spec §3.2 D "hồ sơ có nghĩa vụ tài chính")."""
    return period_measures(start, end)["received"].filter & Q(fee_amount__gt=0, is_fee_exempt=False)


def _paid_online():
    return Payment.objects.filter(
        dossier=OuterRef("pk"), method=PaymentMethod.ONLINE, status=PaymentStatus.PAID
    )


def _fee_paid_online_received(start: datetime, end: datetime) -> Q:
    return _fee_obligation_received(start, end) & Q(Exists(_paid_online()))


_satisfied_returned.from_sums = lambda sums: sums.figure("returned_satisfied")
_fee_obligation_received.from_sums = lambda sums: sums.figure("received_fee")
_fee_paid_online_received.from_sums = lambda sums: sums.figure("received_fee_paid_online")


NO_PORTAL_SYNC = gettext_lazy("Hệ thống chưa đồng bộ trạng thái hồ sơ với Cổng Dịch vụ công quốc gia.")
NO_PAYMENT = gettext_lazy(
    "Hệ thống có biểu phí, lệ phí nhưng chưa có dữ liệu thanh toán trực tuyến (giao dịch, trạng thái nộp)."
)


def _petitions_on_time(figures: PetitionFigures) -> tuple[int, int]:
    return figures.on_time, figures.handled


def _petitions_satisfactory(figures: PetitionFigures) -> tuple[int, int]:
    return figures.satisfactory, figures.handled


NO_PETITIONS = gettext_lazy("Hệ thống chưa có dữ liệu phản ánh, kiến nghị (tiếp nhận, xử lý, đánh giá).")
NO_RATINGS = gettext_lazy("Chưa có đánh giá của người dân về các hồ sơ trả kết quả trong kỳ.")
NO_POPULATION_DB = gettext_lazy(
    "Hệ thống chưa kết nối Cơ sở dữ liệu quốc gia về dân cư để khai thác dữ liệu thay giấy tờ."
)
MANUAL_ONLY = gettext_lazy("Dữ liệu nằm ngoài hệ thống: quản trị viên nhập tỷ lệ cho đơn vị và kỳ báo cáo.")

INDICATORS: tuple[Indicator, ...] = (
    # A. Công khai, minh bạch — 18
    Indicator(
        "PUBLISH_ON_TIME",
        "A",
        gettext_lazy("Tỷ lệ TTHC được công bố đúng hạn"),
        6,
        gettext_lazy("6 × (TTHC công bố đúng hạn ÷ TTHC phải công bố trong kỳ)"),
        "legal-spec §3.2 A; Cổng DVCQG transparency PUBLISH_ON_TIME",
        is_manual=True,
        reason=MANUAL_ONLY,
    ),
    Indicator(
        "PUBLIC_UPDATE_ON_TIME",
        "A",
        gettext_lazy("Tỷ lệ TTHC được cập nhật, công khai đúng hạn trên CSDLQG về TTHC"),
        4,
        gettext_lazy("4 × (TTHC cập nhật, công khai đúng hạn ÷ TTHC phải cập nhật)"),
        "legal-spec §3.2 A; Cổng DVCQG transparency PUBLIC_UPDATE_ON_TIME",
        is_manual=True,
        reason=MANUAL_ONLY,
    ),
    Indicator(
        "PUBLIC_CONTENT_FULL",
        "A",
        gettext_lazy("Tỷ lệ TTHC công khai đầy đủ các bộ phận cấu thành"),
        2,
        gettext_lazy("2 × (TTHC công khai đầy đủ ÷ TTHC đã công khai)"),
        "legal-spec §3.2 A; Cổng DVCQG transparency PUBLIC_CONTENT_FULL",
        is_manual=True,
        reason=MANUAL_ONLY,
    ),
    Indicator(
        "DOSSIER_SYNC",
        "A",
        gettext_lazy("Tỷ lệ hồ sơ được đồng bộ trạng thái theo thời gian thực với Cổng DVCQG"),
        6,
        gettext_lazy(
            "6 × (hồ sơ đồng bộ kịp thời các bước tiếp nhận, xử lý ÷ hồ sơ tiếp nhận, đang xử lý, trả kết quả "
            "trong kỳ)"
        ),
        "legal-spec §3.2 A; Cổng DVCQG transparency DOSSIER_SYNC",
        reason=NO_PORTAL_SYNC,
    ),
    # B. Tiến độ giải quyết — 20
    Indicator(
        "PROGRESS_ON_TIME",
        "B",
        gettext_lazy("Tỷ lệ hồ sơ giải quyết trước hạn, đúng hạn (kể cả hồ sơ đang giải quyết trong hạn)"),
        20,
        gettext_lazy(
            "20 × (giải quyết trước hạn + đúng hạn + đang giải quyết trong hạn) ÷ (kỳ trước chuyển qua + mới "
            "tiếp nhận)"
        ),
        "legal-spec §3.2 B; Cổng DVCQG dvc-progress-tree (20 × totalOnTime ÷ totalReceived); "
        "định nghĩa số liệu: docs/reports.md",
        numerator=_figure("resolved_early", "resolved_on_time", "in_progress_on_time"),
        denominator=_figure("carried_over", "received"),
    ),
    # C. Dịch vụ công trực tuyến — 12
    Indicator(
        "ONLINE_END_TO_END",
        "C",
        gettext_lazy("Tỷ lệ hồ sơ trực tuyến toàn trình trên hồ sơ của TTHC đủ điều kiện toàn trình"),
        12,
        gettext_lazy(
            "12 × (hồ sơ nộp trực tuyến, kể cả trực tuyến có hỗ trợ, của TTHC mức toàn trình ÷ hồ sơ tiếp nhận "
            "trong kỳ của TTHC mức toàn trình)"
        ),
        "legal-spec §3.2 C; Cổng DVCQG provide-online-tree (cách chấm điểm con chưa được xác lập); "
        "mức độ: ProcedureVersion.online_level",
        numerator=_end_to_end_online,
        denominator=_end_to_end_received,
    ),
    # D. Thanh toán trực tuyến — 10: 6×A + min(2, 2.5×B) + 2.5×C
    Indicator(
        "PAYMENT_DOSSIERS_ONLINE",
        "D",
        gettext_lazy("Tỷ lệ hồ sơ thanh toán trực tuyến trên hồ sơ có nghĩa vụ tài chính"),
        6,
        gettext_lazy("6 × (hồ sơ thanh toán trực tuyến ÷ hồ sơ có nghĩa vụ tài chính)"),
        "legal-spec §3.2 D; Cổng DVCQG formality-online-payment-tree; payments.Payment (docs/payments.md): hồ sơ "
        "tiếp nhận trong kỳ, phải nộp phí (không miễn), có khoản thanh toán trực tuyến đã thành công",
        numerator=_fee_paid_online_received,
        denominator=_fee_obligation_received,
    ),
    Indicator(
        "PAYMENT_FORMALITY_WITH_TRANSACTIONS",
        "D",
        gettext_lazy("Tỷ lệ TTHC đã phát sinh giao dịch thanh toán trực tuyến"),
        2,
        gettext_lazy("min(2; 2,5 × TTHC có giao dịch thanh toán trực tuyến ÷ TTHC có nghĩa vụ tài chính)"),
        "legal-spec §3.2 D; Cổng DVCQG formality-online-payment-tree",
        reason=gettext_lazy(
            "Chỉ số đếm theo TTHC, không theo hồ sơ; hệ thống chưa tính (dữ liệu có trong danh sách đối soát "
            "thanh toán)."
        ),
        score=lambda maximum, ratio: min(maximum, 2.5 * ratio),
    ),
    Indicator(
        "PAYMENT_FORMALITY_OFFERED",
        "D",
        gettext_lazy("Tỷ lệ TTHC có nghĩa vụ tài chính được cung cấp thanh toán trên Cổng DVCQG"),
        2,
        gettext_lazy("min(2; 2,5 × TTHC cung cấp thanh toán trực tuyến ÷ TTHC có nghĩa vụ tài chính)"),
        "legal-spec §3.2 D; Cổng DVCQG formality-online-payment-tree",
        reason=gettext_lazy("Hệ thống chưa kết nối thanh toán với Cổng Dịch vụ công quốc gia."),
        score=lambda maximum, ratio: min(maximum, 2.5 * ratio),
    ),
    # E. Số hóa hồ sơ — 22
    Indicator(
        "ORIGINAL_RESULT_AVAILABLE",
        "E",
        gettext_lazy("Tỷ lệ hồ sơ đã giải quyết được cấp kết quả điện tử có giá trị pháp lý"),
        6,
        gettext_lazy(
            "min(6; 6 × hồ sơ có kết quả điện tử ÷ hồ sơ hoàn thành của TTHC có kết quả bằng văn bản)"
        ),
        "legal-spec §3.2 E; Cổng DVCQG dossier-digitized ORIGINAL_RESULT_AVAILABLE; DossierResult (PDF ký số "
        "PAdES, docs/results.md) của hồ sơ có kết quả trong kỳ",
        numerator=_figure("resolved_e_result"),
        denominator=_figure("resolved"),
    ),
    Indicator(
        "SO_HOA_GIAY_TO_GIAI_QUYET",
        "E",
        gettext_lazy("Tỷ lệ hồ sơ được số hóa thành phần hồ sơ"),
        4,
        gettext_lazy(
            "min(4; 4 × hồ sơ giấy mới tiếp nhận có mọi giấy tờ đã số hóa ÷ hồ sơ giấy mới tiếp nhận có giấy tờ)"
        ),
        "legal-spec §3.2 E; Cổng DVCQG dossier-digitized SO_HOA_GIAY_TO_GIAI_QUYET; "
        "DossierDocument.is_digitised, chỉ hồ sơ trực tiếp và bưu chính (docs/reports.md)",
        numerator=_figure("digitised"),
        denominator=_figure("digitisable"),
    ),
    Indicator(
        "ELECTRONIC_CERTIFIED_COPY",
        "E",
        gettext_lazy("Tỷ lệ cấp xã cung cấp dịch vụ chứng thực bản sao điện tử từ bản chính"),
        2,
        gettext_lazy("min(2; 2 × xã cung cấp chứng thực điện tử ÷ số xã)"),
        "legal-spec §3.2 E; Cổng DVCQG dossier-digitized ELECTRONIC_CERTIFIED_COPY",
        is_manual=True,
        reason=MANUAL_ONLY,
    ),
    Indicator(
        "REUSED_DIGITIZED_DATA",
        "E",
        gettext_lazy("Tỷ lệ hồ sơ được cắt giảm, thay thế thành phần bằng dữ liệu đã có"),
        2,
        gettext_lazy("min(2; 2 × tỷ lệ ÷ 80 %) — đạt 80 % là đủ điểm"),
        "legal-spec §3.2 E; Cổng DVCQG dossier-digitized REUSED_DIGITIZED_DATA; DossierDocument.reused_from "
        "(giấy tờ lấy từ kho dữ liệu của công dân thay vì nộp lại) của hồ sơ tiếp nhận trong kỳ",
        numerator=_figure("received_reused"),
        denominator=_figure("received"),
        score=lambda maximum, ratio: min(maximum, maximum * ratio / 0.8),
    ),
    Indicator(
        "SYNCED_WITH_DVCQG_PERSONAL_STORAGE",
        "E",
        gettext_lazy("Tỷ lệ hồ sơ số hóa được kết nối, chia sẻ để tái sử dụng"),
        4,
        gettext_lazy("min(4; 4 × hồ sơ số hóa được kết nối, chia sẻ ÷ hồ sơ số hóa)"),
        "legal-spec §3.2 E; Cổng DVCQG dossier-digitized SYNCED_WITH_DVCQG_PERSONAL_STORAGE",
        reason=NO_PORTAL_SYNC,
    ),
    Indicator(
        "CITIZEN_DATA_CONNECTED_DOSSIER",
        "E",
        gettext_lazy("Tỷ lệ hồ sơ sử dụng dữ liệu từ CSDL quốc gia về dân cư"),
        2,
        gettext_lazy("min(2; 2 × hồ sơ khai thác dữ liệu dân cư ÷ hồ sơ tiếp nhận) — cấp tỉnh"),
        "legal-spec §3.2 E; Cổng DVCQG dossier-digitized CITIZEN_DATA_CONNECTED_DOSSIER",
        reason=NO_POPULATION_DB,
    ),
    Indicator(
        "CITIZEN_DATA_CONNECTED_FORMALITY",
        "E",
        gettext_lazy(
            "Tỷ lệ TTHC kết nối dữ liệu dân cư, chuẩn hóa trường dữ liệu theo từ điển dữ liệu dùng chung"
        ),
        2,
        gettext_lazy("min(2; 2 × TTHC đã kết nối ÷ TTHC) — cấp tỉnh"),
        "legal-spec §3.2 E; Cổng DVCQG dossier-digitized CITIZEN_DATA_CONNECTED_FORMALITY",
        is_manual=True,
        reason=MANUAL_ONLY,
    ),
    # F. Mức độ hài lòng — 18
    Indicator(
        "PETITION_PROCESSING_ON_TIME",
        "F",
        gettext_lazy("Tỷ lệ phản ánh, kiến nghị được xử lý đúng hạn (kể cả đang xử lý trong hạn)"),
        6,
        gettext_lazy("6 × tỷ lệ; 6 điểm khi không có phản ánh, kiến nghị"),
        "legal-spec §3.2 F; Cổng DVCQG handling-satisfaction PETITION_PROCESSING_ON_TIME; "
        "phản ánh: petitions.Petition (docs/petitions.md)",
        reason=NO_PETITIONS,
        counts=_petitions_on_time,
        empty_points=6,
    ),
    Indicator(
        "PETITION_HANDLING_SATISFACTION",
        "F",
        gettext_lazy("Tỷ lệ hài lòng về việc xử lý phản ánh, kiến nghị"),
        6,
        gettext_lazy(
            "6 × (phản ánh − bị đánh giá không hài lòng, phản ánh lại hoặc quá hạn) ÷ phản ánh đã xử lý"
        ),
        "legal-spec §3.2 F; Cổng DVCQG handling-satisfaction PETITION_HANDLING_SATISFACTION; "
        "phản ánh: petitions.Petition (docs/petitions.md); phản ánh lại chưa theo dõi",
        reason=NO_PETITIONS,
        counts=_petitions_satisfactory,
    ),
    Indicator(
        "DOSSIER_RECEIVING_SATISFACTION",
        "F",
        gettext_lazy("Tỷ lệ hài lòng về tiếp nhận, giải quyết TTHC"),
        6,
        gettext_lazy(
            "min(6; 6 × tỷ lệ ÷ 90 %), tỷ lệ = (hồ sơ trả kết quả trong kỳ − bị đánh giá không hài lòng hoặc "
            "giải quyết quá hạn) ÷ hồ sơ trả kết quả trong kỳ; chỉ tính khi có ít nhất một đánh giá"
        ),
        "legal-spec §3.2 F; Cổng DVCQG handling-satisfaction DOSSIER_RECEIVING_SATISFACTION; "
        "đánh giá: ratings.Rating (docs/ratings.md); khiếu nại chưa có trong hệ thống",
        numerator=_satisfied_returned,
        denominator=_figure("returned"),
        evidence=_figure("rated"),
        no_evidence=NO_RATINGS,
        score=lambda maximum, ratio: min(maximum, maximum * ratio / 0.9),
    ),
)

INDICATORS_BY_CODE = {indicator.code: indicator for indicator in INDICATORS}
assert {i.group for i in INDICATORS} == {g.code for g in GROUPS}
assert all(sum(i.maximum for i in INDICATORS if i.group == g.code) == g.maximum for g in GROUPS), (
    "the indicators of a group add up to its maximum (legal-spec §3.2)"
)
assert sum(g.maximum for g in GROUPS) == 100


def manual_indicator_choices() -> list[tuple[str, str]]:
    return [(i.code, f"{i.group}. {i.code} – {i.name}") for i in INDICATORS if i.is_manual]


# --- results -------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class IndicatorResult:
    indicator: Indicator
    state: str
    numerator: int | None = None
    denominator: int | None = None
    ratio: float | None = None
    points: float | None = None
    note: str = ""
    missing: str = ""  # why a computable indicator has nothing to score in the period

    @property
    def is_scored(self) -> bool:
        return self.points is not None

    @property
    def reason(self) -> str:
        if self.state == State.NO_DATA:
            return self.missing or _("Không có hồ sơ nào thuộc mẫu số trong kỳ.")
        if self.state == State.NOT_COMPUTED:
            return str(self.indicator.reason or "")
        return ""


@dataclass(frozen=True)
class GroupResult:
    group: Group
    indicators: list[IndicatorResult]

    @property
    def points(self) -> float:
        return round(sum(r.points for r in self.indicators if r.points is not None), 2)

    @property
    def max_computed(self) -> int:
        return sum(r.indicator.maximum for r in self.indicators if r.is_scored)


@dataclass(frozen=True)
class Index766:
    date_from: date
    date_to: date
    unit: Unit | None
    groups: list[GroupResult]
    children: list[tuple[Unit, list[GroupResult]]] = field(default_factory=list)

    @property
    def points(self) -> float:
        return round(sum(g.points for g in self.groups), 2)

    @property
    def max_computed(self) -> int:
        return sum(g.max_computed for g in self.groups)

    @property
    def maximum(self) -> int:
        return sum(g.group.maximum for g in self.groups)


# --- computation ---------------------------------------------------------------------------------------------
def _scope(unit: Unit | None) -> Q:
    """As in the statistics report: the competent or the receiving unit lies in the unit's subtree."""
    if unit is None:
        return Q()
    subtree = unit_subtree_ids([unit.pk])
    return Q(competent_unit_id__in=subtree) | Q(receiving_unit_id__in=subtree)


def _manual_values(
    *, units: list[Unit | None], date_from: date, date_to: date
) -> dict[int | None, dict[str, ManualIndicatorValue]]:
    """The entered values of the period per unit (None: the province as a whole), in one query."""
    ids = [unit.pk for unit in units if unit is not None]
    condition = Q(unit_id__in=ids) | (Q(unit__isnull=True) if None in units else Q(pk__in=[]))
    found: dict[int | None, dict[str, ManualIndicatorValue]] = {
        (unit.pk if unit else None): {} for unit in units
    }
    for value in ManualIndicatorValue.objects.filter(condition, period_start=date_from, period_end=date_to):
        found[value.unit_id][value.code] = value
    return found


class Sums:
    """The pre-aggregated sums of a unit's scope for a period, per procedure version and channel."""

    def __init__(self, end_to_end: set[int]):
        self.rows: dict[tuple, Counter] = defaultdict(Counter)
        self.end_to_end = end_to_end

    @classmethod
    def split(cls, parts: PeriodSums, end_to_end: set[int], owners) -> dict:
        """One pass over the sums, each group added to the Sums of every owner `owners(key)` names: a
        group whose competent and receiving units lie under two different units counts for both, as a
        dossier does (the same rule as the statistics report)."""
        out: dict = {}
        for part, prefix in ((parts.flows, ""), (parts.opening, "opening_"), (parts.closing, "closing_")):
            for key, counts in part.items():
                named = {f"{prefix}{m}": v for m, v in counts.items()}
                for owner in owners(key):
                    if owner not in out:
                        out[owner] = cls(end_to_end)
                    out[owner].rows[key[-2:]].update(named)
        return out

    def figure(self, name: str, *, end_to_end: bool = False, channels=None) -> int:
        total = 0
        for (version_id, channel), counts in self.rows.items():
            if end_to_end and version_id not in self.end_to_end:
                continue
            if channels is not None and channel not in channels:
                continue
            if name == "carried_over":
                total += counts.get("opening_open", 0)
            elif name == "in_progress_on_time":
                total += counts.get("closing_open", 0) - counts.get("closing_overdue", 0)
            elif name == "in_progress_overdue":
                total += counts.get("closing_overdue", 0)
            else:
                total += counts.get(name, 0)
        return total


# The key of the sums the index reads: the units say whose figure a group is, version and channel which
# indicator counts it.
SUMS_KEY = ("competent_unit_id", "receiving_unit_id", "procedure_version_id", "channel")


def _end_to_end_versions() -> set[int]:
    return set(
        ProcedureVersion.objects.filter(online_level=OnlineLevel.END_TO_END).values_list("pk", flat=True)
    )


def _counts_from(sums: Sums) -> dict[str, int]:
    counts = {}
    for indicator in INDICATORS:
        if indicator.is_computed:
            counts[f"{indicator.code}__n"] = indicator.numerator.from_sums(sums)
            counts[f"{indicator.code}__d"] = indicator.denominator.from_sums(sums)
            if indicator.evidence is not None:
                counts[f"{indicator.code}__e"] = indicator.evidence.from_sums(sums)
    return counts


def _counts_recount(unit: Unit | None, start, end) -> dict[str, int]:
    """The same counts from the dossiers (the reference of the tests and the drill-down's conditions)."""
    measures = {}
    for indicator in INDICATORS:
        if indicator.is_computed:
            measures[f"{indicator.code}__n"] = Count("pk", filter=indicator.numerator(start, end))
            measures[f"{indicator.code}__d"] = Count("pk", filter=indicator.denominator(start, end))
            if indicator.evidence is not None:
                measures[f"{indicator.code}__e"] = Count("pk", filter=indicator.evidence(start, end))
    return Dossier.objects.filter(relevant(start, end) & _scope(unit)).order_by().aggregate(**measures)


def _groups_for(
    *,
    counts: dict[str, int],
    manual: dict[str, ManualIndicatorValue],
    petitions: Callable[[], PetitionFigures | None],
) -> list[GroupResult]:
    """`petitions` is asked only if an indicator counts petitions; None when the system holds none."""
    results: dict[str, list[IndicatorResult]] = {g.code: [] for g in GROUPS}
    petitions = functools.cache(petitions)  # two indicators count the same petitions
    for indicator in INDICATORS:
        if indicator.counts is not None:
            figures = petitions()
            counted = indicator.counts(figures) if figures is not None else None
            results[indicator.group].append(_counted_result(indicator, counted))
            continue
        results[indicator.group].append(_result(indicator, counts, manual.get(indicator.code)))
    return [GroupResult(group=g, indicators=results[g.code]) for g in GROUPS]


def _counted_result(indicator: Indicator, figures: tuple[int, int] | None) -> IndicatorResult:
    if figures is None:
        return IndicatorResult(indicator, State.NOT_COMPUTED)
    numerator, denominator = figures
    if not denominator:
        if indicator.empty_points is None:
            return IndicatorResult(indicator, State.NO_DATA, numerator, denominator)
        return IndicatorResult(
            indicator, State.COMPUTED, numerator, denominator, points=indicator.empty_points
        )
    ratio = numerator / denominator
    return IndicatorResult(
        indicator,
        State.COMPUTED,
        numerator,
        denominator,
        ratio=round(ratio, 4),
        points=round(indicator.score(indicator.maximum, ratio), 2),
    )


def _result(indicator: Indicator, counts: dict, manual: ManualIndicatorValue | None) -> IndicatorResult:
    if indicator.is_computed:
        numerator, denominator = counts[f"{indicator.code}__n"], counts[f"{indicator.code}__d"]
        if not denominator:
            return IndicatorResult(indicator, State.NO_DATA, numerator, denominator)
        if indicator.evidence is not None and not counts[f"{indicator.code}__e"]:
            missing = str(indicator.no_evidence or "")
            return IndicatorResult(indicator, State.NO_DATA, numerator, denominator, missing=missing)
        ratio = numerator / denominator
        return IndicatorResult(
            indicator,
            State.COMPUTED,
            numerator,
            denominator,
            ratio=round(ratio, 4),
            points=round(indicator.score(indicator.maximum, ratio), 2),
        )
    if indicator.is_manual and manual is not None:
        ratio = float(manual.value)
        return IndicatorResult(
            indicator,
            State.MANUAL,
            ratio=round(ratio, 4),
            points=round(indicator.score(indicator.maximum, ratio), 2),
            note=manual.note,
        )
    return IndicatorResult(indicator, State.NOT_COMPUTED)


def index766(
    *,
    date_from: date,
    date_to: date,
    unit: Unit | None = None,
    user=None,
    with_children: bool = False,
    recount: bool = False,
    sums: PeriodSums | None = None,
) -> Index766:
    """Decision 766 points of a unit and its sub-units (or the province) for a period, from the
    pre-aggregated sums (`recount=True`: counted from the dossiers instead, as the tests compare). With
    `user`, `unit` must be one the officer sees (default: their highest unit), as for the statistics report.
    With `with_children`, also the group points of each direct child unit, from the same three reads.
    `sums`: those reads already made for the same period and scope per `SUMS_KEY` (or a finer key)."""
    start, end = period_bounds(date_from, date_to)
    unit = scoped_unit(user=user, unit=unit)
    tree = unit_tree_children()  # once: every unit's subtree below is read from it
    subtree = unit_subtree_ids([unit.pk], children=tree) if unit is not None else None
    child_units = []
    if with_children:
        child_units = list(
            (
                Unit.objects.filter(parent=unit)
                if unit is not None
                else Unit.objects.filter(parent__isnull=True)
            ).order_by("agency_code")
        )
    subtrees = {child.pk: unit_subtree_ids([child.pk], children=tree) for child in child_units}
    manual = _manual_values(units=[unit, *child_units], date_from=date_from, date_to=date_to)
    any_petition = functools.cache(petitions_exist)  # asked once per call, and only if an indicator needs it

    def petitions_of(scope_unit: Unit | None, ids: set[int] | None):
        def read() -> PetitionFigures | None:
            if not any_petition():
                return None
            return petition_figures(unit=scope_unit, start=start, end=end, subtree=ids)

        return read

    if recount:
        counts = {None: _counts_recount(unit, start, end)}
        counts.update({child.pk: _counts_recount(child, start, end) for child in child_units})
    else:
        end_to_end = _end_to_end_versions()
        wanted = {"date_from": date_from, "date_to": date_to, "scope": unit_scope(subtree), "group": SUMS_KEY}
        parts = sums.regroup(**wanted) if sums is not None else period_sums(**wanted)
        # Siblings' subtrees are disjoint: each unit of the province belongs to at most one child.
        child_of = {member: child for child, ids in subtrees.items() for member in ids}

        def owners(group_key: tuple) -> set:
            return {None} | {child_of[u] for u in group_key[:2] if u in child_of}

        sums = Sums.split(parts, end_to_end, owners)
        counts = {owner: _counts_from(sums.get(owner) or Sums(end_to_end)) for owner in [None, *subtrees]}

    groups = _groups_for(
        counts=counts[None], manual=manual[unit.pk if unit else None], petitions=petitions_of(unit, subtree)
    )
    children = [
        (
            child,
            _groups_for(
                counts=counts[child.pk],
                manual=manual[child.pk],
                petitions=petitions_of(child, subtrees[child.pk]),
            ),
        )
        for child in child_units
    ]
    return Index766(date_from=date_from, date_to=date_to, unit=unit, groups=groups, children=children)


def index766_dossiers(
    *, code: str, part: str, date_from: date, date_to: date, unit: Unit | None = None, user=None
) -> QuerySet[Dossier]:
    """The dossiers behind the numerator (`part="tu"`) or the denominator (`"mau"`) of a computed indicator,
    for a unit the officer sees: exactly the dossiers that were counted."""
    indicator = INDICATORS_BY_CODE.get(code)
    if indicator is None or not indicator.is_computed:
        raise ValidationFailed(
            _("Chỉ số không có danh sách hồ sơ (chỉ số không được tính từ hồ sơ của hệ thống)."),
            details={"code": code},
        )
    if part not in (Part.NUMERATOR, Part.DENOMINATOR):
        raise ValidationFailed(_("Phần của chỉ số phải là “tu” hoặc “mau”."), details={"part": part})
    start, end = period_bounds(date_from, date_to)
    unit = scoped_unit(user=user, unit=unit)
    condition = indicator.numerator if part == Part.NUMERATOR else indicator.denominator
    return Dossier.objects.filter(relevant(start, end) & _scope(unit)).filter(condition(start, end))
