"""The dashboard's SVG charts: readable sizes, long unit names cut with the full name kept, values never lost,
and every word through the translation catalogue."""

import re
from datetime import date, timedelta

import pytest
from django.utils import translation

from motcua.reports import charts
from motcua.reports.charts import (
    FONT_SIZE,
    by_unit_chart,
    monthly_chart,
    on_time_chart,
    received_per_day_chart,
)
from motcua.reports.dashboard import RatePoint, UnitCount

LONG = "Trung tâm Phục vụ hành chính công tỉnh Cà Mau và các bộ phận một cửa trực thuộc"


def test_by_unit_chart_cuts_long_names_and_keeps_them_in_a_title():
    rows = [UnitCount("H12.01", LONG, 31.4), UnitCount("H12.02", "Sở Tư pháp", 6.0)]
    svg = str(by_unit_chart(rows, title="Điểm 766", series_label="Điểm", percent=True, show_title=False))
    labels = re.findall(r'<text x="0" y="\d+" class="chart-label">(.*?)</text>', svg)
    assert labels[0].startswith("<title>H12.01 " + LONG + "</title>H12.01 Trung tâm")
    assert labels[0].endswith("…") and len(labels[0].split("</title>")[1]) == 44
    assert labels[1] == "H12.02 Sở Tư pháp"  # short names are shown whole, without a tooltip
    # The largest bar fills the width and carries its value inside in white; a short bar has it beside.
    assert 'width="100.00%"' in svg
    assert re.search(r'text-anchor="end" fill="#fff" class="chart-value" font-weight="600">31.4<', svg)
    assert re.search(r'dx="6" y="\d+" class="chart-value" font-weight="600">6.0<', svg)
    assert f'font-size="{FONT_SIZE}"' in svg and "Điểm 766</text>" not in svg  # the page shows the heading
    assert "<title id=" in svg and "Sở Tư pháp (H12.02): 6.0" in svg


def test_by_unit_chart_without_a_value_says_so():
    svg = str(by_unit_chart([UnitCount("H12.07", "Sở Nội vụ", None)], title="Điểm", series_label="Điểm"))
    assert "chưa tính</text>" in svg and "Điểm</text>" in svg


def test_time_charts_use_readable_sizes_and_unclipped_day_labels():
    days = [date(2026, 3, 1 + offset) for offset in range(31)]
    series = {
        "days": days,
        "counter": [1] * 31,
        "postal": [0] * 31,
        "online": [0] * 31,
        "assisted_online": [0] * 31,
    }
    svg = str(received_per_day_chart(series, title="Theo ngày", show_title=False))
    assert 'viewBox="0 0 720 360"' in svg
    assert "font-size:14px" in svg.replace(" ", "") or f"font-size: {FONT_SIZE}px" in svg
    # Every third day is labelled, whole ("01/03", never "0…").
    shown = re.findall(r'class="major">(\d\d/\d\d)</text>', svg)
    assert shown[:3] == ["01/03", "04/03", "07/03"] and "…" not in svg
    assert "Theo ngày</text>" not in svg.split("</title>", 1)[1]


def test_chart_words_are_translated():
    days = [date(2026, 3, 2), date(2026, 3, 3)]
    series = {"days": days, "counter": [1, 2], "postal": [0, 1], "online": [0, 0], "assisted_online": [0, 0]}
    points = [RatePoint(start=date(2026, 3, 2), resolved=4, on_time=3)]
    march = RatePoint(start=date(2026, 3, 1), resolved=4, on_time=3)

    class Month:
        month, received, resolved = "2026-03", 5, 4

    with translation.override("en"):
        received = str(received_per_day_chart(series, title="t"))
        on_time = str(on_time_chart("week", points, title="t"))
        gaps = str(on_time_chart("week", points, title="t", period=(date(2026, 3, 2), date(2026, 3, 9))))
        month_gaps = str(
            on_time_chart("month", [march], title="t", period=(date(2026, 2, 1), date(2026, 3, 31)))
        )
        empty = str(on_time_chart("month", [], title="t"))
        monthly = str(monthly_chart([Month()], title="t"))
        bars = str(by_unit_chart([UnitCount("H12", "X", None)], title="t", series_label="s"))
    assert ">Dossiers</text>" in received and "totals by submission channel" in received
    assert "Số hồ sơ" not in received and "hình thức" not in received
    assert "Week from 02/03/2026: 3/4 dossiers on time." in on_time
    assert "No dossier was resolved in the period." in empty
    assert (
        ">— : week without any resolved dossier</text>" in gaps
        and "Week from 09/03/2026: no dossier resolved" in gaps
    )
    assert (
        ">— : month without any resolved dossier</text>" in month_gaps
        and "Month 02/2026: no dossier" in month_gaps
    )
    assert "2026-03: 5 received, 4 resolved." in monthly and ">Received</text>" in monthly
    assert "not calculated" in bars


def test_count_axes_have_whole_numbers_only():
    days = [date(2026, 3, 2), date(2026, 3, 3)]
    one = {"days": days, "counter": [1, 0], "postal": [0, 0], "online": [0, 0], "assisted_online": [0, 0]}
    svg = str(received_per_day_chart(one, title="t"))
    ticks = re.findall(r'<text x="-5" y="[\d.]+" class="[^"]*">([\d.]+)</text>', svg)
    assert ticks == ["0", "1"]
    busy = {**one, "counter": [17, 2], "postal": [3, 0]}
    ticks = re.findall(
        r'<text x="-5" y="[\d.]+" class="[^"]*">([\d.]+)</text>', str(received_per_day_chart(busy, title="t"))
    )
    assert ticks == ["0", "4", "8", "12", "16", "20"]


VALUE = re.compile(r'<text text-anchor="middle" x="([\d.]+)" y="([\d.]+)" class="value">([^<]*)</text>')
BAR = re.compile(
    r'<rect x="[\d.]+" y="([\d.]+)" rx="0" ry="0" width="[\d.]+" height="([\d.]+)" class="([^"]*)"'
)


def test_a_zero_week_has_a_mark_and_a_week_without_results_has_a_dash():
    points = [
        RatePoint(start=date(2026, 3, 2), resolved=4, on_time=4),
        RatePoint(start=date(2026, 3, 9), resolved=3, on_time=0),
        RatePoint(start=date(2026, 3, 23), resolved=5, on_time=2),
    ]
    svg = str(on_time_chart("week", points, title="t", period=(date(2026, 3, 2), date(2026, 3, 29))))
    # Every week of the period has its column: the week of 16 March, with nothing resolved, is not dropped.
    assert re.findall(r'class="">(\d\d/\d\d)</text>', svg) == ["02/03", "09/03", "16/03", "23/03"]
    values = VALUE.findall(svg)
    assert [text for _x, _y, text in values] == ["100%", "0%", "—", "40%"]
    bars = BAR.findall(svg)
    assert [(float(height), kind) for _y, height, kind in bars] == [
        (182.38552696164362, "rect reactive tooltip-trigger"),
        (3.0, "rect zero"),  # the 0 % week: a visible stub on the axis
        (0.0, "rect reactive tooltip-trigger"),  # no result: no bar at all, only the dash
        (72.95421078465743, "rect reactive tooltip-trigger"),
    ]
    assert 'class="rect zero" transform="translate(0 -3)"' in svg  # drawn upwards from the axis
    # Figures sit above their bars in dark text, never white on white.
    axis = float(bars[1][0])
    assert all(float(y) < float(bar_y) for (_x, y, _t), (bar_y, _h, _k) in zip(values, bars, strict=True))
    assert float(values[1][1]) < axis and ".text-overlay .color-0 text{fill:#1a1a1a}" in svg
    # The dash is explained on the chart, and screen readers hear both cases apart.
    assert ">— : tuần không có hồ sơ giải quyết xong</text>" in svg
    assert "Tuần từ 09/03/2026: 0/3 hồ sơ đúng hạn" in svg
    assert "Tuần từ 16/03/2026: không có hồ sơ giải quyết xong;" in svg


def test_a_chart_without_gaps_has_no_dash_nor_its_note():
    points = [
        RatePoint(start=date(2026, 3, 2), resolved=2, on_time=0),
        RatePoint(start=date(2026, 3, 9), resolved=300, on_time=1),
    ]
    svg = str(on_time_chart("week", points, title="t"))
    assert [text for _x, _y, text in VALUE.findall(svg)] == ["0%", "&lt;1%"]  # 1/300 is not "none on time"
    assert "—" not in svg and "không có hồ sơ giải quyết xong" not in svg
    # Without a period the gaps between the weeks that have results are still shown.
    gap = str(on_time_chart("week", points[:1] + [RatePoint(date(2026, 3, 23), 1, 1)], title="t"))
    assert [text for _x, _y, text in VALUE.findall(gap)] == ["0%", "—", "—", "100%"]


def test_month_labels_are_short_and_carry_the_year_where_it_starts_or_changes():
    assert charts._month_labels(charts._months_between(date(2025, 4, 1), date(2026, 3, 1))) == (
        ["T4/25", "T5", "T6", "T7", "T8", "T9", "T10", "T11", "T12", "T1/26", "T2", "T3"],
        1,
    )
    # Two years of months do not fit side by side: every third month is shown, each with its year.
    months = charts._months_between(date(2024, 4, 1), date(2026, 3, 1))
    labels, step = charts._month_labels(months)
    assert len(labels) == 24 and step == 3 and labels[:3] == ["T4/24", "T5/24", "T6/24"]


class Month:
    def __init__(self, month: str, received: int, resolved: int):
        self.month, self.received, self.resolved = month, received, resolved


def shown_labels(svg: str) -> list[tuple[float, str]]:
    """The x-axis labels pygal drew (it leaves out the hidden minor ones), with their centres."""
    return [
        (float(x), text)
        for x, text in re.findall(r'<text x="([\d.]+)" y="[\d.]+" class="(?:major)?">([^<]*)</text>', svg)
        if not re.fullmatch(r"\d+", text)  # the y axis' counts
    ]


def assert_apart(labels: list[tuple[float, str]]) -> None:
    """Neighbouring labels, centred on their x, leave at least LABEL_GAP between their estimated widths."""
    for (left_x, left), (right_x, right) in zip(labels, labels[1:], strict=False):
        room = right_x - left_x - (charts.label_width(left) + charts.label_width(right)) / 2
        assert room >= charts.LABEL_GAP, f"{left!r} and {right!r} are {room:.1f} units apart"


def test_public_monthly_chart_labels_every_month_without_overlap():
    rows = [Month(f"{2025 + (n + 3) // 12}-{(n + 3) % 12 + 1:02d}", 10 + n, 8 + n) for n in range(12)]
    svg = str(monthly_chart(rows, title="Sở Tư pháp"))
    labels = shown_labels(svg)
    assert [text for _x, text in labels] == [
        "T4/25", "T5", "T6", "T7", "T8", "T9", "T10", "T11", "T12", "T1/26", "T2", "T3"
    ]  # fmt: skip
    assert_apart(labels)
    # The old "04/2025" labels on the same axis were 2 units apart, less than LABEL_GAP: the check can fail.
    with pytest.raises(AssertionError, match="'04/2025' and '05/2025'"):
        assert_apart([(x, f"{int(text[1:].split('/')[0]):02d}/2025") for x, text in labels[:2]])


def test_a_long_monthly_on_time_chart_thins_its_labels_without_overlap():
    months = charts._months_between(date(2024, 4, 1), date(2026, 3, 1))
    points = [RatePoint(start=month, resolved=2, on_time=1) for month in months]
    labels = shown_labels(str(on_time_chart("month", points, title="t")))
    assert [text for _x, text in labels] == [
        "T4/24", "T7/24", "T10/24", "T1/25", "T4/25", "T7/25", "T10/25", "T1/26",
    ]  # fmt: skip
    assert_apart(labels)


def test_by_unit_chart_shows_a_score_out_of_the_points_that_were_computable():
    svg = str(
        by_unit_chart(
            [UnitCount("H12.04", "Sở Tư pháp", 13.73, maximum=38)],
            title="Điểm 766",
            series_label="Điểm",
            percent=True,
        )
    )
    assert "13.7 / 38" in svg

    nothing = str(
        by_unit_chart([UnitCount("H12.06", "Sở Xây dựng", 0.0, maximum=0)], title="t", series_label="s")
    )
    assert "chưa tính" in nothing and "0 / 0" not in nothing


def test_a_chart_without_data_says_so_in_the_page_language():
    # pygal's own text is English "No data", which a unit without dossiers showed on a Vietnamese page.
    empty = str(monthly_chart([], title="t"))
    assert ">Chưa có số liệu</text>" in empty and "No data" not in empty
    # At the charts' text size, not pygal's 64, which ran out of a phone's frame.
    assert re.search(r"\.no_data\s*\{[^}]*font-size:\s*18px", empty)
    with translation.override("en"):
        assert ">No data yet</text>" in str(monthly_chart([], title="t"))


def test_the_monthly_chart_leaves_its_title_to_the_page_when_asked():
    rows = [Month("2026-03", 4, 2)]
    assert ">Sở Tư pháp</text>" in str(monthly_chart(rows, title="Sở Tư pháp"))
    untitled = str(monthly_chart(rows, title="Sở Tư pháp", show_title=False))
    # Still the chart's accessible name, no longer a line of SVG text cut off where a phone scrolls it.
    assert ">Sở Tư pháp</title>" in untitled and ">Sở Tư pháp</text>" not in untitled


def test_daily_counts_are_printed_only_where_they_fit_across_a_bar():
    days = [date(2026, 10, 26) + timedelta(days=n) for n in range(30)]
    small = {
        "days": days,
        "counter": [3] * 30,
        "postal": [1] * 30,
        "online": [0] * 30,
        "assisted_online": [0] * 30,
    }
    province = {**small, "counter": [3115] * 30, "postal": [2] * 30}
    printed = re.compile(r'<text[^>]*class="value')
    assert printed.search(str(received_per_day_chart(small, title="t")))
    # Four-digit counts on 30 bars overlapped: not printed (the description still carries the totals).
    crowded = str(received_per_day_chart(province, title="t"))
    shown = re.findall(r'<text[^>]*class="value[^"]*">([^<]*)', crowded)
    assert shown and set(shown) <= {"2", ""} and "93450" in crowded  # the one-digit counts still fit
