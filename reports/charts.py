"""Small charts drawn on the server as inline SVG: no JavaScript, no chart library, readable at 360 px."""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _

from reports.indicators import Tally

WIDTH, HEIGHT = 360, 96  # the viewBox; the picture scales to the width it is given
TOP, BOTTOM = 4, 4  # room above the tallest bar and below the lowest one
GAP = 0.2  # the share of each month's slot left empty between bars


def _number(value: float) -> str:
    """A coordinate with at most one decimal, without a trailing ".0"."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def trend_summary(trend: list[Tally], *, label: str, format_value) -> str:
    """A sentence for screen readers: the months covered, and the lowest and highest months."""
    known = [tally for tally in trend if tally.value is not None]
    if not trend:
        return _("%(label)s: no months in the period.") % {"label": label}
    period = {"label": label, "first": trend[0].label, "last": trend[-1].label}
    if not known:
        return _("%(label)s by month, %(first)s to %(last)s: no data.") % period
    low = min(known, key=lambda tally: tally.value)
    high = max(known, key=lambda tally: tally.value)
    return _(
        "%(label)s by month, %(first)s to %(last)s: lowest %(low)s (%(low_month)s), highest %(high)s (%(high_month)s)."
    ) % {
        **period,
        "low": format_value(low.value),
        "low_month": low.label,
        "high": format_value(high.value),
        "high_month": high.label,
    }


def trend_svg(
    trend: list[Tally], *, chart_id: str, label: str, format_value=str, right_to_left: bool | None = None
) -> SafeString:
    """A bar chart of a monthly trend: one bar per month (a month without data has an empty bar), zero as baseline.

    Negative values (a fall in test scores) go below the baseline. The chart is an image whose accessible
    name summarises it; the numbers themselves belong in a table next to it. In a right-to-left language
    (by default the active one) the first month is on the right, where the reader starts, as the page
    and its table read; the chart has no text, so mirroring its bars is all it takes.
    """
    mirrored = get_language_bidi() if right_to_left is None else right_to_left
    values = [tally.value for tally in trend]
    known = [value for value in values if value is not None]
    high, low = max([0, *known]), min([0, *known])
    if high == low:
        high = low + 1
    scale = (HEIGHT - TOP - BOTTOM) / (high - low)
    zero = TOP + high * scale
    slot = WIDTH / max(len(trend), 1)
    bars = []
    for index, value in enumerate(values):
        size = abs(value or 0) * scale
        y = zero - size if (value or 0) >= 0 else zero
        position = len(values) - 1 - index if mirrored else index
        bars.append((_number(position * slot + slot * GAP / 2), _number(y), _number(slot * (1 - GAP)), _number(size)))
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-labelledby="{}">'
        '<title id="{}">{}</title>{}<line x1="0" x2="{}" y1="{}" y2="{}"/></svg>',
        WIDTH,
        HEIGHT,
        chart_id,
        chart_id,
        trend_summary(trend, label=label, format_value=format_value),
        format_html_join("", '<rect x="{}" y="{}" width="{}" height="{}"/>', bars),
        WIDTH,
        _number(zero),
        _number(zero),
    )
