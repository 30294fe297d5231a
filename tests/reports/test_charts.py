"""The dashboard's SVG charts: readable sizes, long unit names cut with the full name kept, values never lost,
and every word through the translation catalogue."""

import re
from datetime import date

from django.utils import translation

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

    class Month:
        month, received, resolved = "2026-03", 5, 4

    with translation.override("en"):
        received = str(received_per_day_chart(series, title="t"))
        on_time = str(on_time_chart("week", points, title="t"))
        empty = str(on_time_chart("month", [], title="t"))
        monthly = str(monthly_chart([Month()], title="t"))
        bars = str(by_unit_chart([UnitCount("H12", "X", None)], title="t", series_label="s"))
    assert ">Dossiers</text>" in received and "totals by submission channel" in received
    assert "Số hồ sơ" not in received and "hình thức" not in received
    assert "Week from 02/03/2026: 3/4 dossiers on time." in on_time
    assert "No dossier was resolved in the period." in empty
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


def test_a_rate_too_low_for_its_bar_prints_no_white_figure_on_white():
    points = [
        RatePoint(start=date(2026, 3, 2), resolved=4, on_time=4),
        RatePoint(start=date(2026, 3, 9), resolved=3, on_time=0),
    ]
    svg = str(on_time_chart("week", points, title="t"))
    assert re.findall(r'class="value[^"]*"[^>]*>([^<]*)</text>', svg) == ["100%", ""]
    assert "Tuần từ 09/03/2026: 0/3 hồ sơ đúng hạn" in svg


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
