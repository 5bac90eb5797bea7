"""The trend chart: inline SVG drawn on the server, one bar per month, with an accessible summary."""

import re

from reports.charts import WIDTH, trend_svg
from reports.exports import format_value
from reports.indicators import Tally


def months(*values) -> list[Tally]:
    """A trend starting in January 2026."""
    return [Tally(f"2026-{i + 1:02d}", f"{NAMES[i]} 2026", value) for i, value in enumerate(values)]


NAMES = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def bars(svg: str) -> list[dict]:
    """The bars of a chart, with their numeric attributes."""
    return [
        {key: float(value) for key, value in re.findall(r'(\w+)="([-\d.]+)"', rect)}
        for rect in re.findall(r"<rect [^>]*/>", svg)
    ]


def test_a_chart_has_one_bar_per_month():
    svg = trend_svg(months(*range(12)), chart_id="chart-x", label="Children served")
    assert len(bars(svg)) == 12


def test_a_chart_is_an_image_named_by_a_summary_of_the_trend():
    svg = trend_svg(months(4, 9, 2), chart_id="chart-x", label="Children served")
    assert 'role="img"' in svg
    assert 'aria-labelledby="chart-x"' in svg
    title = re.search(r'<title id="chart-x">(.*?)</title>', svg).group(1)
    assert title == "Children served by month, Jan 2026 to Mar 2026: lowest 2 (Mar 2026), highest 9 (Feb 2026)."


def test_the_tallest_bar_is_the_highest_month_and_bars_fit_the_picture():
    svg = trend_svg(months(4, 9, 2, 0), chart_id="c", label="x")
    assert 'viewBox="0 0 360 96"' in svg
    heights = [bar["height"] for bar in bars(svg)]
    assert heights.index(max(heights)) == 1
    assert heights[3] == 0
    assert abs(heights[0] - heights[1] * 4 / 9) < 0.1
    assert all(bar["x"] >= 0 and bar["x"] + bar["width"] <= WIDTH for bar in bars(svg))


def test_months_without_data_get_an_empty_bar_and_are_said_to_have_none():
    svg = trend_svg(
        months(None, None), chart_id="c", label="Attendance rate", format_value=lambda v: format_value(v, "percent")
    )
    assert [bar["height"] for bar in bars(svg)] == [0, 0]
    assert "no data" in svg


def test_rates_are_summarised_with_one_decimal():
    svg = trend_svg(
        months(50.0, None, 72.44), chart_id="c", label="Attendance", format_value=lambda v: format_value(v, "percent")
    )
    assert "lowest 50.0 (Jan 2026), highest 72.4 (Mar 2026)" in svg
    assert len(bars(svg)) == 3


def test_a_fall_is_drawn_below_the_baseline():
    svg = trend_svg(months(2.0, -1.0), chart_id="c", label="Gain")
    rise, fall = bars(svg)
    baseline = float(re.search(r'<line [^>]*y1="([-\d.]+)"', svg).group(1))
    assert rise["y"] + rise["height"] == baseline
    assert fall["y"] == baseline and fall["height"] > 0


def test_labels_are_escaped():
    svg = trend_svg(months(1), chart_id="c", label="<script>")
    assert "<script>" not in svg and "&lt;script&gt;" in svg
