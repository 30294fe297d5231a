"""Server-side SVG charts (pygal): they render without JavaScript, print, and stay readable in black and
white — every series has its own hatching pattern and the values are printed on the bars. Each chart
carries a <title> and a <desc> (role="img") for screen readers. See docs/dashboard.md for the choice."""

from __future__ import annotations

import uuid
from datetime import date

import pygal
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from pygal.style import Style

from motcua.dossiers.enums import Channel

from .dashboard import RatePoint, UnitCount

# Hatching that survives a black-and-white printer: solid dark, diagonal, dots, cross-hatch, light.
_PATTERNS = (
    '<rect width="8" height="8" fill="#8db4e2"/>',
    '<rect width="8" height="8" fill="#fff"/><path d="M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4" '
    'stroke="#b35900" stroke-width="2.2"/>',
    '<rect width="8" height="8" fill="#e8f0e8"/><circle cx="4" cy="4" r="1.8" fill="#1e6b2e"/>',
    '<rect width="8" height="8" fill="#fff"/><path d="M0,4 h8 M4,0 v8" stroke="#6a1b9a" stroke-width="1.6"/>',
    '<rect width="8" height="8" fill="#d0d0d0"/>',
)


def _style(colors: tuple[str, ...]) -> Style:
    return Style(
        colors=colors,
        font_family="system-ui, 'Segoe UI', Roboto, Arial, sans-serif",
        background="#ffffff",
        plot_background="#ffffff",
        foreground="#1a1a1a",
        foreground_strong="#000000",
        foreground_subtle="#8a8a8a",
        title_font_size=16,
        label_font_size=12,
        major_label_font_size=12,
        legend_font_size=13,
        value_font_size=11,
        value_colors=("#ffffff", "#000000", "#000000", "#000000", "#000000"),
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
        "truncate_legend": -1,
        "print_values": True,
        "print_zeroes": False,
        "margin": 12,
    }


def _finish(svg: str, *, title: str, description: str) -> SafeString:
    """role="img" with a <title> and <desc> as the first children, so the chart has an accessible name."""
    chart_id = f"chart-{uuid.uuid4().hex[:10]}"
    opening_end = svg.index(">")
    head = svg[:opening_end]
    head += f' role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" width="100%"'
    accessible = f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(description)}</desc>'
    return mark_safe(head + ">" + accessible + svg[opening_end + 1 :])  # noqa: S308 - pygal output, text escaped


def _prefix() -> str:
    return f"p{uuid.uuid4().hex[:8]}"


def _day_label(day: date) -> str:
    return f"{day:%d/%m}"


def received_per_day_chart(series: dict[str, list], *, title: str) -> SafeString:
    days = series["days"]
    prefix = _prefix()
    chart = pygal.StackedBar(
        **_config(prefix, len(Channel.values)),
        height=340,
        width=900,
        x_label_rotation=-45 if len(days) > 14 else 0,
        show_minor_x_labels=len(days) <= 31,
        x_labels_major_every=max(len(days) // 15, 1) if len(days) > 31 else None,
        y_title="Số hồ sơ",
    )
    chart.title = title
    chart.print_values = len(days) <= 31
    chart.x_labels = [_day_label(day) for day in days]
    totals = []
    for value, label in Channel.choices:
        counts = series[value]
        chart.add(str(label), [count or None for count in counts])
        totals.append(f"{label}: {sum(counts)}")
    description = (
        f"Từ {days[0]:%d/%m/%Y} đến {days[-1]:%d/%m/%Y}, tổng theo hình thức nộp — " + "; ".join(totals) + "."
    )
    return _finish(chart.render(is_unicode=True), title=title, description=description)


def on_time_chart(granularity: str, points: list[RatePoint], *, title: str) -> SafeString:
    prefix = _prefix()
    chart = pygal.Bar(
        **_config(prefix, 1),
        height=300,
        width=900,
        range=(0, 100),
        y_title="%",
        show_legend=False,
        formatter=lambda value: f"{value:.0f}%" if value is not None else "",
    )
    chart.title = title
    label = "Tuần từ %s" if granularity == "week" else "Tháng %s"
    chart.x_labels = [
        (f"{point.start:%d/%m}" if granularity == "week" else f"{point.start:%m/%Y}") for point in points
    ]
    chart.add(
        "Tỷ lệ đúng hạn", [round(point.rate * 100, 1) if point.rate is not None else None for point in points]
    )
    parts = [
        f"{label % (point.start.strftime('%d/%m/%Y') if granularity == 'week' else point.start.strftime('%m/%Y'))}: "
        f"{point.on_time}/{point.resolved} hồ sơ đúng hạn"
        for point in points
    ]
    description = "; ".join(parts) + "." if parts else "Chưa có hồ sơ giải quyết xong trong kỳ."
    return _finish(chart.render(is_unicode=True), title=title, description=description)


def by_unit_chart(
    rows: list[UnitCount], *, title: str, series_label: str, percent: bool = False
) -> SafeString:
    prefix = _prefix()
    chart = pygal.HorizontalBar(
        **_config(prefix, 1),
        height=max(140, 60 + 34 * len(rows)),
        width=900,
        show_legend=False,
        formatter=(lambda v: f"{v:.1f}") if percent else (lambda v: f"{v:.0f}"),
    )
    chart.title = title
    # pygal draws the first label at the bottom: reverse so that the largest reads first.
    ordered = list(reversed(rows))
    chart.x_labels = [f"{row.code} {row.name}" for row in ordered]
    chart.add(series_label, [row.value for row in ordered])
    description = "; ".join(f"{row.name} ({row.code}): {row.value}" for row in rows) or "Không có."
    return _finish(chart.render(is_unicode=True), title=title, description=description)


def monthly_chart(rows, *, title: str) -> SafeString:
    """Received and resolved per month (public unit page)."""
    prefix = _prefix()
    chart = pygal.Bar(**_config(prefix, 2), height=320, width=900, y_title="Số hồ sơ")
    chart.title = title
    chart.x_labels = [f"{row.month[5:]}/{row.month[:4]}" for row in rows]
    chart.add("Tiếp nhận", [row.received or None for row in rows])
    chart.add("Đã giải quyết", [row.resolved or None for row in rows])
    description = "; ".join(
        f"{row.month}: tiếp nhận {row.received}, giải quyết {row.resolved}" for row in rows
    )
    return _finish(chart.render(is_unicode=True), title=title, description=description + ".")
