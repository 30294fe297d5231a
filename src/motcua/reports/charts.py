"""Server-side SVG charts: they render without JavaScript, print, and stay readable in black and white —
every series has its own hatching pattern and the values are printed on or beside the bars. Each chart
carries a <title> and a <desc> (role="img") for screen readers. See docs/dashboard.md for the choice.

The time charts (pygal) are drawn on a 720-unit canvas: about the width of an A4 portrait page and of half a
1366-pixel screen, so their 14-unit text prints and shows at 12–14 px. The per-unit bars are drawn by hand
instead: their long Vietnamese unit names need the full width of a phone, which a scaled canvas cannot give,
so that chart is laid out in percentages and its text keeps its size at every width."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta

import pygal
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from pygal.style import Style

from motcua.dossiers.enums import Channel

from .dashboard import RatePoint, UnitCount

WIDTH = 720
FONT_SIZE = 14
# A printed value needs this much of its bar (canvas units) to sit inside it without touching the next.
_VALUE_ROOM = FONT_SIZE + 4

_DARK = "#1f4e79"  # white text on it: contrast 8.9:1; prints dark grey
# Hatching that survives a black-and-white printer: solid dark, diagonal, dots, cross-hatch, light.
_PATTERNS = (
    f'<rect width="8" height="8" fill="{_DARK}"/>',
    '<rect width="8" height="8" fill="#fff"/><path d="M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4" '
    'stroke="#b35900" stroke-width="2.2"/>',
    '<rect width="8" height="8" fill="#e8f0e8"/><circle cx="4" cy="4" r="1.8" fill="#1e6b2e"/>',
    '<rect width="8" height="8" fill="#fff"/><path d="M0,4 h8 M4,0 v8" stroke="#6a1b9a" stroke-width="1.6"/>',
    '<rect width="8" height="8" fill="#d0d0d0"/>',
)


def _style(colors: tuple[str, ...], value_colors: tuple[str, ...] | None = None) -> Style:
    return Style(
        colors=colors,
        font_family="system-ui, 'Segoe UI', Roboto, Arial, sans-serif",
        background="#ffffff",
        plot_background="#ffffff",
        foreground="#1a1a1a",
        foreground_strong="#000000",
        foreground_subtle="#595959",  # guide lines and minor labels: 7:1 on white
        title_font_size=FONT_SIZE + 3,
        label_font_size=FONT_SIZE,
        major_label_font_size=FONT_SIZE,
        legend_font_size=FONT_SIZE,
        value_font_size=FONT_SIZE,
        # pygal draws "no data" at 64: on a phone the sentence ran out of the scrolling frame.
        no_data_font_size=FONT_SIZE + 4,
        # On the hatched series a white halo (see _finish) keeps the dark figures readable over the strokes.
        value_colors=value_colors or ("#ffffff", "#000000", "#000000", "#000000", "#000000"),
        opacity="1",
        opacity_hover="1",
    )


def _config(prefix: str, count: int) -> dict:
    defs = [
        f'<pattern id="{prefix}-{i}" patternUnits="userSpaceOnUse" width="8" height="8">{body}</pattern>'
        for i, body in enumerate(_PATTERNS[:count])
    ]
    return {
        "js": [],  # no tooltips script from a CDN: the page works offline and prints as it is shown
        "disable_xml_declaration": True,
        "explicit_size": False,
        "defs": defs,
        "style": _style(tuple(f"url(#{prefix}-{i})" for i in range(count))),
        "legend_at_bottom": True,
        "legend_box_size": FONT_SIZE,
        "truncate_legend": -1,
        # Labels are spaced by showing every n-th (_label_step), so pygal must not cut them to "0…".
        "truncate_label": -1,
        "print_values": True,
        "print_zeroes": False,
        "margin": 10,
        "width": WIDTH,
        "tooltip_fancy_mode": False,
        # pygal's default is English "No data", drawn inside the chart of a unit without dossiers.
        "no_data_text": _("Chưa có số liệu"),
    }


_HALO_CSS = (
    "<style>"
    # pygal's own stylesheet sets the sizes; these only add a halo behind the dark printed values.
    "text.value{paint-order:stroke;stroke-linejoin:round}"
    ".serie-1 text.value,.serie-2 text.value,.serie-3 text.value,.serie-4 text.value"
    "{stroke:#fff;stroke-width:3px}"
    "</style>"
)


# The on-time chart prints its values above the bars; a halo keeps "0%" clear of the stub under it. Scoped to
# its chart: on the others the first series has white figures, which a white halo would blur.
_VALUE_HALO_CSS = (
    "<style>#{id} text.value{{paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}}</style>"
)
_SVG_ID = re.compile(r'<svg\b[^>]*?\bid="([^"]+)"')

_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.DOTALL)


def _finish(svg: str, *, title: str, description: str, extra_css: str = "") -> SafeString:
    """role="img" with a <title> and <desc> as the first children, so the chart has an accessible name."""
    chart_id = f"chart-{uuid.uuid4().hex[:10]}"
    # pygal writes its config into an inline <script> even without tooltips: nothing reads it, and the
    # Content Security Policy refuses inline scripts (docs/security.md).
    svg = _SCRIPT.sub("", svg)
    opening_end = svg.index(">")
    head = svg[:opening_end]
    head += f' role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" width="100%"'
    accessible = (
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>'
    )
    body = svg[opening_end + 1 :]
    if extra_css:
        body = extra_css + body
    return mark_safe(head + ">" + accessible + body)  # noqa: S308 - pygal output, text escaped


def _prefix() -> str:
    return f"p{uuid.uuid4().hex[:8]}"


def _day_label(day: date) -> str:
    return f"{day:%d/%m}"


def _fits_in_bar(value, chart) -> bool:
    """Whether a stacked segment is tall enough for its printed value (the view exists while plotting)."""
    view = getattr(chart, "view", None)
    if view is None or not value:
        return bool(value)
    return abs(view.y(0) - view.y(value)) >= _VALUE_ROOM


def _count_in_bar(value, chart) -> str:
    return f"{value:.0f}" if _fits_in_bar(value, chart) else ""


def _count_axis(top: int) -> list[int]:
    """Whole-number ticks from 0 past the tallest bar, at most about six: a count of dossiers has no 0.5."""
    step = max(1, -(-max(top, 1) // 5))
    return list(range(0, max(top, 1) + step, step))


def _label_step(count: int, room: int) -> int:
    """Show every n-th category label so that about `room` labels share the axis, never overlapping."""
    return max(1, -(-count // room))


# Label widths are estimated, not measured: 0.64 em per character is the widest digit of the sans fonts a
# browser may pick for system-ui (DejaVu Sans; Segoe UI and Roboto are narrower), so an estimate that fits
# fits on every screen. Labels keep half a character of white between them.
CHARACTER_WIDTH = 0.64 * FONT_SIZE
LABEL_GAP = FONT_SIZE / 2
# The bar charts' plot area: the canvas less the y axis with its title and the margins.
PLOT_WIDTH = WIDTH - 100


def label_width(label: str) -> float:
    return len(label) * CHARACTER_WIDTH


def _month_label(month: date, *, with_year: bool) -> str:
    return f"T{month.month}/{month:%y}" if with_year else f"T{month.month}"


def _month_labels(months: list[date]) -> tuple[list[str], int]:
    """Labels for consecutive months and how many months apart they are shown.

    Twelve "04/2025" labels touch each other on a 720-unit canvas (issue #5), so a month is "T4" and only the
    first month and each January carry the year ("T4/25 T5 … T12 T1/26 T2"), as on a calendar. When even
    these do not fit (a long period), every n-th month is shown, each with its year."""
    if not months:
        return [], 1
    slot = PLOT_WIDTH / len(months)
    short = [
        _month_label(month, with_year=position == 0 or month.month == 1)
        for position, month in enumerate(months)
    ]
    if all(
        (label_width(left) + label_width(right)) / 2 + LABEL_GAP <= slot
        for left, right in zip(short, short[1:], strict=False)
    ):
        return short, 1
    # Every label carries its year: pygal picks the shown labels by their text, which must then be unique.
    full = [_month_label(month, with_year=True) for month in months]
    step = max(1, -(-(max(map(label_width, full)) + LABEL_GAP) // slot))
    return full, int(step)


def _thinning_step(labels: list[str]) -> int:
    """Show every n-th of these labels so that neighbours never overlap on the plot."""
    if not labels:
        return 1
    slot = PLOT_WIDTH / len(labels)
    return max(1, int(-(-(max(map(label_width, labels)) + LABEL_GAP) // slot)))


def _months_between(first: date, last: date) -> list[date]:
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return months


def received_per_day_chart(
    series: dict[str, list],
    *,
    title: str,
    show_title: bool = True,
    granularity: str = "day",
    period: tuple[date, date] | None = None,
) -> SafeString:
    """Dossiers received per day, or per week or month (`received_by_period`), stacked by channel; `days`
    holds each bar's first day and `period` the first and last day counted (default: the first and last bar).
    `show_title=False` when the page shows the title as a heading: it then wraps on a phone, where a
    title drawn on the canvas would be cut off by the sideways scroll."""
    days = series["days"]
    first, last = period or (days[0], days[-1])
    prefix = _prefix()
    # A count is printed on its segment only where it fits across the bar too: a province's thirty days of
    # four-digit counts overlapped each other (seen at 10 M dossiers); the description keeps the totals.
    bar_width = (WIDTH - 100) / max(len(days), 1) * 0.8

    def count_in_bar(value, chart) -> str:
        text = _count_in_bar(value, chart)
        return text if len(text) * 0.6 * FONT_SIZE <= bar_width else ""

    if granularity == "month":
        labels, step = _month_labels(days)
    elif granularity == "week":
        labels = [_day_label(day) for day in days]
        step = _thinning_step(labels)
    else:
        labels = [_day_label(day) for day in days]
        # A "dd/mm" label takes about 40 canvas units at 14: fourteen fit on the axis without turning them.
        step = _label_step(len(days), 14)
    chart = pygal.StackedBar(
        **_config(prefix, len(Channel.values)),
        height=360,
        x_label_rotation=0,
        show_minor_x_labels=step == 1,
        x_labels_major_every=step if step > 1 else None,
        y_title=_("Số hồ sơ"),
        formatter=count_in_bar,
    )
    chart.title = title if show_title else None
    chart.print_values = len(days) <= 62
    chart.x_labels = labels
    daily_totals = [sum(series[value][day] for value in Channel.values) for day in range(len(days))]
    chart.y_labels = _count_axis(max(daily_totals, default=0))
    totals = []
    for value, label in Channel.choices:
        counts = series[value]
        chart.add(str(label), [count or None for count in counts])
        totals.append(f"{label}: {sum(counts)}")
    description = _("Từ %(start)s đến %(end)s, tổng theo hình thức nộp — %(totals)s.") % {
        "start": f"{first:%d/%m/%Y}",
        "end": f"{last:%d/%m/%Y}",
        "totals": "; ".join(totals),
    }
    return _finish(chart.render(is_unicode=True), title=title, description=description, extra_css=_HALO_CSS)


def _period_starts(granularity: str, first: date, last: date) -> list[date]:
    if granularity == "week":
        monday = first - timedelta(days=first.weekday())
        return [monday + timedelta(weeks=n) for n in range((last - monday).days // 7 + 1)]
    return _months_between(first, last)


def _rate_text(value) -> str:
    # "0%" is kept for a true zero: a rate such as 1/300 must not read as none on time.
    return "<1%" if 0 < value < 0.5 else f"{value:.0f}%"


NO_RESOLVED = "—"
# A 0 % bar has no height: this stub on the axis shows that the period was counted, under its "0%".
_ZERO_STUB = 3


def on_time_chart(
    granularity: str,
    points: list[RatePoint],
    *,
    title: str,
    show_title: bool = True,
    period: tuple[date, date] | None = None,
) -> SafeString:
    """The on-time rate per week or month. A period in which no dossier was resolved has no rate: it shows a
    dash ("—", explained under the axis), while a 0 % period shows a stub on the axis with "0%" above it, so
    the two never look alike (issue #5). `period` (first and last day) adds the weeks or months that
    `on_time_rate_over_time` leaves out because nothing was resolved in them."""
    by_start = {point.start: point for point in points}
    if period is not None or by_start:
        first = period[0] if period is not None else min(by_start)
        last = period[1] if period is not None else max(by_start)
        starts = sorted(set(_period_starts(granularity, first, last)) | set(by_start))
        points = [by_start.get(start) or RatePoint(start=start, resolved=0, on_time=0) for start in starts]
    prefix = _prefix()
    if granularity == "week":
        labels = [f"{point.start:%d/%m}" for point in points]
        step = _thinning_step(labels)
    else:
        labels, step = _month_labels([point.start for point in points])
    has_gaps = any(point.rate is None for point in points)
    chart = pygal.Bar(
        **{
            **_config(prefix, 1),
            # Every rate sits above its bar in dark text: a low bar has no room for it inside.
            "style": _style((f"url(#{prefix}-0)",), value_colors=("#1a1a1a",)),
        },
        height=320,
        range=(0, 100),
        y_title="%",
        show_legend=False,
        show_minor_x_labels=step == 1,
        x_labels_major_every=step if step > 1 else None,
        print_values_position="top",
        margin_top=FONT_SIZE + 14,  # room for the "100%" above a full bar
        formatter=_rate_text,
        x_title=(
            (
                _("— : tuần không có hồ sơ giải quyết xong")
                if granularity == "week"
                else _("— : tháng không có hồ sơ giải quyết xong")
            )
            if has_gaps
            else None
        ),
    )
    chart.title = title if show_title else None
    chart.x_labels = labels
    values: list = []
    for point in points:
        rate = point.rate
        if rate is None:
            values.append({"value": 0, "formatter": lambda value: NO_RESOLVED})
        elif rate == 0:
            stub = {"height": _ZERO_STUB, "transform": f"translate(0 -{_ZERO_STUB})", "class": "rect zero"}
            values.append({"value": 0, "node": stub})
        else:
            values.append(round(rate * 100, 1))
    chart.add(_("Tỷ lệ đúng hạn"), values)
    parts = []
    for point in points:
        when = (
            _("Tuần từ %(day)s") % {"day": f"{point.start:%d/%m/%Y}"}
            if granularity == "week"
            else _("Tháng %(month)s") % {"month": f"{point.start:%m/%Y}"}
        )
        if point.resolved:
            parts.append(
                _("%(when)s: %(on_time)s/%(resolved)s hồ sơ đúng hạn")
                % {"when": when, "on_time": point.on_time, "resolved": point.resolved}
            )
        else:
            parts.append(_("%(when)s: không có hồ sơ giải quyết xong") % {"when": when})
    if any(point.resolved for point in points):
        description = "; ".join(parts) + "."
    else:
        description = _("Chưa có hồ sơ giải quyết xong trong kỳ.")
    svg = chart.render(is_unicode=True)
    svg_id = _SVG_ID.match(svg)
    halo = _VALUE_HALO_CSS.format(id=svg_id.group(1)) if svg_id else ""
    return _finish(svg, title=title, description=description, extra_css=halo)


# --- per-unit bars ------------------------------------------------------------------------------------------
# One row per unit: the name on its own line, the bar under it across the whole width, the value at its end.
_LABEL_CHARACTERS = 44  # about the width of a phone at 14 px; the full name is in the label's <title>
_TITLE_HEIGHT = 30
_ROW_HEIGHT = 48
_LABEL_BASELINE = 16
_BAR_TOP = 22
_BAR_HEIGHT = 18
# A bar longer than this share of the width carries its value inside, in white; shorter ones beside it.
_VALUE_INSIDE_FROM = 0.82


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def by_unit_chart(
    rows: list[UnitCount], *, title: str, series_label: str, percent: bool = False, show_title: bool = True
) -> SafeString:
    """Horizontal bars per unit in the order given. `percent` prints one decimal (scores, rates)."""

    def number(value) -> str:
        return f"{value:.1f}" if percent else f"{value:.0f}"

    def shown_value(row: UnitCount) -> str:
        return number(row.value) if row.maximum is None else f"{number(row.value)} / {row.maximum}"

    top = max((row.value or 0 for row in rows), default=0) or 1
    title_height = _TITLE_HEIGHT if show_title else 0
    height = title_height + _ROW_HEIGHT * max(len(rows), 1) + 4
    parts = []
    if show_title:
        parts.append(
            f'<text x="0" y="{_TITLE_HEIGHT - 10}" class="chart-title" font-size="{FONT_SIZE + 3}" '
            f'font-weight="600">{escape(title)}</text>'
        )
    for position, row in enumerate(rows):
        y = title_height + _ROW_HEIGHT * position
        full = f"{row.code} {row.name}"
        shown = _truncate(full, _LABEL_CHARACTERS)
        label_title = f"<title>{escape(full)}</title>" if shown != full else ""
        parts.append(
            f'<text x="0" y="{y + _LABEL_BASELINE}" class="chart-label">{label_title}{escape(shown)}</text>'
        )
        parts.append(
            f'<rect x="0" y="{y + _BAR_TOP}" width="100%" height="{_BAR_HEIGHT}" fill="#f0f0f0" '
            f'stroke="#767676" stroke-width="0.5"/>'
        )
        value = row.value
        # Nothing computable (a maximum of 0 points) is no data, not a score of zero.
        if value is None or row.maximum == 0:
            parts.append(
                f'<text x="4" y="{y + _BAR_TOP + _BAR_HEIGHT - 4}" class="chart-value" font-style="italic">'
                f"{escape(_('chưa tính'))}</text>"
            )
            continue
        share = max(value, 0) / top
        width = f"{share * 100:.2f}%"
        parts.append(
            f'<rect x="0" y="{y + _BAR_TOP}" width="{width}" height="{_BAR_HEIGHT}" fill="{_DARK}">'
            f"<title>{escape(series_label)}: {escape(shown_value(row))}</title></rect>"
        )
        baseline = y + _BAR_TOP + _BAR_HEIGHT - 4
        if share >= _VALUE_INSIDE_FROM:
            parts.append(
                f'<text x="{width}" dx="-6" y="{baseline}" text-anchor="end" fill="#fff" '
                f'class="chart-value" font-weight="600">{escape(shown_value(row))}</text>'
            )
        else:
            parts.append(
                f'<text x="{width}" dx="6" y="{baseline}" class="chart-value" font-weight="600">'
                f"{escape(shown_value(row))}</text>"
            )
    if not rows:
        parts.append(
            f'<text x="0" y="{title_height + 20}" class="chart-label">{escape(_("Không có."))}</text>'
        )
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-bars" height="{height}" '
        f'font-family="system-ui, \'Segoe UI\', Roboto, Arial, sans-serif" font-size="{FONT_SIZE}" '
        f'fill="#1a1a1a">' + "".join(parts) + "</svg>"
    )
    description = "; ".join(
        f"{row.name} ({row.code}): "
        f"{shown_value(row) if row.value is not None and row.maximum != 0 else _('chưa tính')}"
        for row in rows
    ) or _("Không có.")
    return _finish(svg, title=title, description=description)


def monthly_chart(rows, *, title: str, show_title: bool = True) -> SafeString:
    """Received and resolved per month (public unit page). `show_title=False` when the page shows the title as
    a heading: inside the SVG it would be cut off where a phone scrolls the chart sideways."""
    prefix = _prefix()
    labels, step = _month_labels([date.fromisoformat(f"{row.month}-01") for row in rows])
    chart = pygal.Bar(
        **_config(prefix, 2),
        height=340,
        y_title=_("Số hồ sơ"),
        formatter=_count_in_bar,
        show_minor_x_labels=step == 1,
        x_labels_major_every=step if step > 1 else None,
    )
    chart.title = title if show_title else None
    chart.x_labels = labels
    chart.y_labels = _count_axis(max((max(row.received, row.resolved) for row in rows), default=0))
    received, resolved = pgettext("received at", "Tiếp nhận"), _("Đã giải quyết")
    chart.add(received, [row.received or None for row in rows])
    chart.add(resolved, [row.resolved or None for row in rows])
    description = "; ".join(
        _("%(month)s: tiếp nhận %(received)s, giải quyết %(resolved)s")
        % {"month": row.month, "received": row.received, "resolved": row.resolved}
        for row in rows
    )
    return _finish(
        chart.render(is_unicode=True), title=title, description=description + ".", extra_css=_HALO_CSS
    )
