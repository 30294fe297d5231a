"""Reads of ratings: how each rating page finds its dossier, and the aggregates per unit and officer.

A rating belongs to the period in which its dossier's result was returned (`Dossier.returned_at`), the same
dossiers as the "returned" figure of the reports; a late rating completes its period rather than starting
another (docs/ratings.md)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.core.exceptions import NotFound, ValidationFailed
from motcua.dossiers.enums import Status
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import dossier_public_status
from motcua.org.models import Unit

from .criteria import CRITERIA
from .enums import Overall
from .models import Rating
from .tokens import INVALID_QR, kiosk_dossier_id, rating_qr_dossier_id

UNKNOWN_KEY = ""
_DOSSIER_RELATED = ("procedure_version", "receiving_unit")


class RatingState(StrEnum):
    OPEN = "open"  # returned, not rated yet
    RATED = "rated"
    NOT_RETURNED = "not_returned"  # still being handled, or refused / stopped: nothing to rate


def rating_state(*, dossier: Dossier) -> RatingState:
    if Rating.objects.filter(dossier_id=dossier.pk).exists():
        return RatingState.RATED
    if dossier.status == Status.RETURNED:
        return RatingState.OPEN
    return RatingState.NOT_RETURNED


# --- finding the dossier -------------------------------------------------------------------------------------
def rating_dossier_for_owner(*, user, reference: str) -> Dossier:
    """A dossier of the signed-in citizen's own account; anyone else's looks exactly like an unknown code."""
    dossier = None
    if user is not None and user.is_authenticated:
        dossier = (
            Dossier.objects.select_related(*_DOSSIER_RELATED)
            .filter(code=(reference or "").strip(), owner=user)
            .first()
        )
    if dossier is None:
        raise NotFound(_("Không tìm thấy hồ sơ “%(code)s” trong tài khoản của bạn.") % {"code": reference})
    return dossier


def rating_dossier_for_qr(*, token: str) -> Dossier:
    dossier_id = rating_qr_dossier_id(token=token)
    dossier = Dossier.objects.select_related(*_DOSSIER_RELATED).filter(pk=dossier_id).first()
    if dossier is None:  # a deleted dossier: the same answer as a forged token
        raise NotFound(str(INVALID_QR))
    return dossier


def rating_kiosk_unit(*, agency_code: str) -> Unit:
    unit = Unit.objects.filter(agency_code=agency_code, is_active=True).first()
    if unit is None:
        raise NotFound(_("Không tìm thấy đơn vị có mã “%(code)s”.") % {"code": agency_code})
    return unit


def kiosk_not_found_message() -> str:
    return _(
        "Không tìm thấy hồ sơ với mã và số điện thoại đã nhập. Kiểm tra lại mã hồ sơ và 4 số cuối điện thoại."
    )


def rating_dossier_for_kiosk(*, unit: Unit, code: str, phone_last4: str) -> Dossier:
    """The dossier code and the last four digits of the applicant's phone, at the tablet of the unit that
    received it. An unknown code, wrong digits and another unit's dossier get one and the same answer, so the
    tablet cannot be used to confirm that a code exists."""
    try:
        dossier = dossier_public_status(code=code, phone_last4=phone_last4)
    except NotFound:
        dossier = None
    if dossier is None or dossier.receiving_unit_id != unit.pk:
        raise NotFound(kiosk_not_found_message())
    return dossier


def rating_dossier_for_kiosk_token(*, unit: Unit, token: str, max_age_seconds: int) -> Dossier:
    dossier_id = kiosk_dossier_id(token=token, unit_id=unit.pk, max_age_seconds=max_age_seconds)
    dossier = Dossier.objects.select_related(*_DOSSIER_RELATED).filter(pk=dossier_id).first()
    if dossier is None:
        raise NotFound(kiosk_not_found_message())
    return dossier


# --- aggregates ----------------------------------------------------------------------------------------------
class RatingGroupBy(StrEnum):
    UNIT = "unit"  # the receiving unit (Rating.unit)
    OFFICER = "officer"  # the officer who returned the result (Rating.officer)


GROUP_COLUMNS = {RatingGroupBy.UNIT: "unit_id", RatingGroupBy.OFFICER: "officer_id"}


@dataclass(frozen=True)
class RatingTotals:
    key: str
    label: str
    count: int = 0
    very_satisfied: int = 0
    satisfied: int = 0
    not_satisfied: int = 0
    # criterion field → choice value → number of answers (unanswered criteria are not counted)
    criteria: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def satisfaction_rate(self) -> float | None:
        """(Very satisfied + satisfied) ÷ ratings; None without any rating — never 0 % nor 100 %."""
        return round((self.very_satisfied + self.satisfied) / self.count, 4) if self.count else None


def _measures() -> dict[str, Count]:
    measures = {
        "count": Count("pk"),
        "very_satisfied": Count("pk", filter=Q(overall=Overall.VERY_SATISFIED)),
        "satisfied": Count("pk", filter=Q(overall=Overall.SATISFIED)),
        "not_satisfied": Count("pk", filter=Q(overall=Overall.NOT_SATISFIED)),
    }
    for criterion in CRITERIA:
        for value in criterion.choices.values:
            measures[f"{criterion.field}__{value}"] = Count("pk", filter=Q(**{criterion.field: value}))
    return measures


def _totals(key: str, label: str, row: dict) -> RatingTotals:
    criteria = {
        criterion.field: {value: row[f"{criterion.field}__{value}"] for value in criterion.choices.values}
        for criterion in CRITERIA
    }
    return RatingTotals(
        key=key,
        label=label,
        count=row["count"],
        very_satisfied=row["very_satisfied"],
        satisfied=row["satisfied"],
        not_satisfied=row["not_satisfied"],
        criteria=criteria,
    )


def rating_queryset(*, start: datetime, end: datetime, unit_ids: Iterable[int] | None = None):
    """Ratings of the dossiers returned in [start, end); with `unit_ids`, of the dossiers whose competent or
    receiving unit is one of them (the scope of the statistics report)."""
    qs = Rating.objects.filter(dossier__returned_at__gte=start, dossier__returned_at__lt=end)
    if unit_ids is not None:
        ids = list(unit_ids)
        qs = qs.filter(Q(dossier__competent_unit_id__in=ids) | Q(dossier__receiving_unit_id__in=ids))
    return qs


def rating_aggregates(
    *,
    start: datetime,
    end: datetime,
    unit_ids: Iterable[int] | None = None,
    group_by: str = RatingGroupBy.UNIT,
) -> tuple[list[RatingTotals], RatingTotals]:
    """Counts per overall level and per answer of every criterion, per receiving unit or per returning
    officer, and in total: two aggregated queries and one for the labels, whatever the number of ratings."""
    if group_by not in list(RatingGroupBy):
        raise ValidationFailed(
            _("Cách nhóm đánh giá không hợp lệ."), details={"group_by": " | ".join(RatingGroupBy)}
        )
    group_by = RatingGroupBy(group_by)
    column = GROUP_COLUMNS[group_by]
    qs = rating_queryset(start=start, end=end, unit_ids=unit_ids).order_by()
    measures = _measures()
    grouped = list(qs.values(column).annotate(**measures))
    total = qs.aggregate(**measures)
    labels = _labels(group_by, [g[column] for g in grouped])
    rows = []
    for group in grouped:
        key, label = labels.get(group[column], (UNKNOWN_KEY, _("(Không xác định)")))
        rows.append(_totals(key, label, group))
    rows.sort(
        key=lambda row: (row.key == UNKNOWN_KEY, row.label if group_by == RatingGroupBy.OFFICER else row.key)
    )
    return rows, _totals("", _("Tổng cộng"), total)


def _labels(group_by: RatingGroupBy, values: list) -> dict:
    values = [v for v in values if v is not None]
    if group_by == RatingGroupBy.UNIT:
        return {u.pk: (u.agency_code, u.name) for u in Unit.objects.filter(pk__in=values)}
    return {u.pk: (u.username, str(u)) for u in User.objects.filter(pk__in=values)}
