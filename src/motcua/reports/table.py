"""The columns of the report table, shared by the Excel workbook and the printable page so that both show
the same figures under the same headings (the layout of the tables provinces send upward)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Kind(StrEnum):
    COUNT = "count"
    RATE = "rate"
    HOURS = "hours"


@dataclass(frozen=True)
class Column:
    attribute: str  # of `selectors.Figures`
    heading: str | Promise
    kind: Kind = Kind.COUNT
    width: float = 9


@dataclass(frozen=True)
class ColumnGroup:
    """A heading over several columns; a group of one column without its own heading spans both header
    rows."""

    heading: str | Promise
    columns: tuple[Column, ...]

    @property
    def spans_both_rows(self) -> bool:
        return len(self.columns) == 1 and self.columns[0].heading == self.heading


def _single(attribute: str, heading, **kwargs) -> ColumnGroup:
    return ColumnGroup(heading, (Column(attribute, heading, **kwargs),))


GROUPS: tuple[ColumnGroup, ...] = (
    ColumnGroup(
        _("Số hồ sơ nhận giải quyết"),
        (
            Column("handled", _("Tổng số")),
            Column("carried_over", _("Kỳ trước chuyển qua"), width=10),
            Column("received_counter", _("Mới tiếp nhận trực tiếp"), width=10),
            Column("received_postal", _("Mới tiếp nhận qua bưu chính"), width=11),
            Column("received_online_total", _("Mới tiếp nhận trực tuyến"), width=10),
        ),
    ),
    ColumnGroup(
        _("Số hồ sơ đã giải quyết"),
        (
            Column("resolved", _("Tổng số")),
            Column("resolved_early", _("Trước hạn")),
            Column("resolved_on_time", _("Đúng hạn")),
            Column("resolved_late", _("Quá hạn")),
        ),
    ),
    ColumnGroup(
        _("Số hồ sơ đang giải quyết"),
        (
            Column("in_progress", _("Tổng số")),
            Column("in_progress_on_time", _("Trong hạn")),
            Column("in_progress_overdue", _("Quá hạn")),
        ),
    ),
    _single("returned", _("Đã trả kết quả"), width=10),
    _single("stopped", _("Dừng giải quyết"), width=10),
    _single("refused", _("Từ chối tiếp nhận"), width=10),
    ColumnGroup(
        _("Tỷ lệ"),
        (
            Column("on_time_rate", _("Giải quyết trước hạn, đúng hạn"), Kind.RATE, width=12),
            Column("online_rate", _("Tiếp nhận trực tuyến"), Kind.RATE, width=11),
            Column("postal_rate", _("Tiếp nhận qua bưu chính"), Kind.RATE, width=11),
            Column("digitisation_rate", _("Số hóa hồ sơ"), Kind.RATE, width=10),
        ),
    ),
    ColumnGroup(
        _("Thời gian giải quyết bình quân (giờ làm việc)"),
        (
            Column("avg_processing_hours", _("Thực tế"), Kind.HOURS, width=10),
            Column("avg_committed_hours", _("Theo cam kết"), Kind.HOURS, width=10),
        ),
    ),
    # Of the dossiers returned in the period (docs/ratings.md); the rate is "–" without ratings.
    ColumnGroup(
        _("Đánh giá mức độ hài lòng"),
        (
            Column("rated", _("Số hồ sơ được đánh giá"), width=10),
            Column("satisfaction_rate", _("Tỷ lệ hài lòng"), Kind.RATE, width=10),
        ),
    ),
)
COLUMNS: tuple[Column, ...] = tuple(column for group in GROUPS for column in group.columns)
TITLE = _("BÁO CÁO TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH")


def percent_text(value: float | None) -> str:
    """0.7143 → "71,4 %"; no denominator → "–"."""
    if value is None:
        return "–"
    return f"{value * 100:.1f}".replace(".", ",") + " %"


def hours_text(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.1f}".replace(".", ",")


def cell_text(column: Column, figures) -> str:
    value = getattr(figures, column.attribute)
    if column.kind == Kind.RATE:
        return percent_text(value)
    if column.kind == Kind.HOURS:
        return hours_text(value)
    return f"{value:,}".replace(",", ".")
