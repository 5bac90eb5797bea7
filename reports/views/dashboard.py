"""Indicator pages: the dashboard, the records behind a figure, and the printable donor summary."""

from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import SafeString

from lms import access, audit
from reports import charts, indicators, selectors, targets
from reports.exports import NO_DATA, UNITS, figure_numbers, format_value
from reports.forms import presets, scope_from_request
from reports.indicators import Figure, RecordList, Scope

PAGE_SIZE = 100


@dataclass
class Number:
    """One number of a figure as shown: its breakdown kind, category key, label and formatted text."""

    breakdown: str  # "total", "sex", "age" or "month" (before the colon in the data-n attribute)
    category: str
    label: str
    text: str


@dataclass
class TargetView:
    """A target shown with a figure: its project period, and its numbers formatted as the exports write them."""

    line: targets.TargetLine
    target: str
    achieved: str
    percent: str

    @property
    def period(self):
        """The project period of the target."""
        return self.line.period


def present_target(line: targets.TargetLine, unit: str) -> TargetView:
    """A target line's numbers as text: the target and achieved like the figure, the percent as "80%"."""
    percent = NO_DATA if line.percent is None else f"{line.percent}%"
    return TargetView(line, format_value(line.target, unit), format_value(line.achieved, unit), percent)


@dataclass
class FigureView:
    """A figure with its numbers formatted for the page and its trend drawn as a chart."""

    figure: Figure
    total: Number
    by_sex: list[Number]
    by_age_band: list[Number]
    trend: list[Number]
    chart: SafeString | None = None
    targets: list[TargetView] = field(default_factory=list)
    by_situation: list[Number] = field(default_factory=list)
    by_audience: list[Number] = field(default_factory=list)

    @property
    def unit(self) -> str:
        """The unit in words ("children", "percent")."""
        return str(UNITS.get(self.figure.unit, self.figure.unit))

    @property
    def male(self) -> Number | None:
        """The number of boys and men, when the figure has a breakdown by sex."""
        return next((number for number in self.by_sex if number.category == "m"), None)

    @property
    def female(self) -> Number | None:
        """The number of girls and women, when the figure has a breakdown by sex."""
        return next((number for number in self.by_sex if number.category == "f"), None)


def present(figure: Figure, *, chart: bool = True, lines: list[targets.TargetLine] = ()) -> FigureView:
    """Format a figure's numbers (the very numbers the exports write, by the same rules) and its targets'
    `lines` and, when asked, draw its trend."""
    numbers: dict[str, list[Number]] = {"total": [], "sex": [], "age": [], "month": [], "situation": [], "audience": []}
    for breakdown, key, label, value in figure_numbers(figure):
        numbers[breakdown].append(Number(breakdown, key, label, format_value(value, figure.unit)))
    svg = None
    if chart:
        svg = charts.trend_svg(
            figure.trend,
            chart_id=f"chart-{figure.key}",
            label=figure.label,
            format_value=lambda value: format_value(value, figure.unit),
        )
    shown = [present_target(line, figure.unit) for line in lines]
    return FigureView(
        figure,
        numbers["total"][0],
        numbers["sex"],
        numbers["age"],
        numbers["month"],
        svg,
        shown,
        numbers["situation"],
        numbers["audience"],
    )


def sections_of(views: list[FigureView]) -> list[tuple[str, list[FigureView]]]:
    """Figures grouped by section, sections in the order they first appear."""
    sections: dict[str, list[FigureView]] = {}
    for view in views:
        sections.setdefault(view.figure.section, []).append(view)
    return list(sections.items())


def scope_query(scope: Scope, form) -> str:
    """The query string that gives the same scope (the centres only when some were ticked)."""
    ticked = form.cleaned_data.get("centre") or []
    return urlencode(
        {"start": scope.start.isoformat(), "end": scope.end.isoformat(), "centre": [c.pk for c in ticked]}, doseq=True
    )


def preset_links(request) -> list[tuple[str, str]]:
    """The one-click periods, as (label, query string) keeping the centres ticked."""
    centres = request.GET.getlist("centre")
    return [
        (label, urlencode({"start": start.isoformat(), "end": end.isoformat(), "centre": centres}, doseq=True))
        for label, start, end in presets()
    ]


def presented(context: dict, *, chart: bool, with_situation: bool = False) -> list[tuple[str, list[FigureView]]]:
    """The scope's figures with their targets, grouped by section (the targets: two queries, outside the cache);
    the breakdown by situation only `with_situation` (programme managers' own view, never the donor summary)."""
    scope = context["scope"]
    figures = indicators.dashboard(scope, with_situation=with_situation)
    ticked = [centre.pk for centre in context["form"].cleaned_data.get("centre") or []]
    lines = targets.target_lines(scope, figures, ticked)
    return sections_of([present(figure, chart=chart, lines=lines.get(figure.key, [])) for figure in figures])


def scope_context(request) -> dict:
    """The scope form and, when it is valid, the scope, its query string and its centres' names."""
    if not access.uses_records(request.user):
        raise Http404
    form, scope = scope_from_request(request)
    context = {"form": form, "scope": scope, "made_at": timezone.now()}
    if scope is not None:
        context["query"] = scope_query(scope, form)
        context["centre_names"] = selectors.centre_names(access.centres_visible_to(request.user), scope)
    return context


def audit_read(request, action: str, scope: Scope, **data) -> None:
    """Record who read or downloaded what (`data`), for which period and centres, against their own account."""
    data |= {"start": scope.start.isoformat(), "end": scope.end.isoformat(), "centres": list(scope.centre_ids)}
    audit.record_read(request.user, action, user=request.user, data=data)


@login_required
def indicator_dashboard(request):
    """Every indicator for the chosen period and centres, with breakdowns, trends and links to the records."""
    context = scope_context(request)
    context["presets"] = preset_links(request)
    if context["scope"] is not None:
        with_situation = access.sees_situation_breakdown(request.user)
        context["sections"] = presented(context, chart=True, with_situation=with_situation)
    return render(request, "reports/dashboard.html", context)


@login_required
def donor_summary(request):
    """One printable page: each headline figure with its total and its numbers of boys and girls."""
    context = scope_context(request)
    if context["scope"] is not None:
        context["sections"] = presented(context, chart=False)
        audit_read(request, audit.EXPORT, context["scope"], what="donor summary", format="print")
    return render(request, "reports/donor_summary.html", context)


class LazyRows:
    """The rows of a record list as a sequence the paginator can count and slice without reading them all."""

    def __init__(self, record_list: RecordList):
        self.record_list = record_list

    def count(self) -> int:
        """How many rows there are."""
        return self.record_list.total

    def __len__(self) -> int:
        return self.record_list.total

    def __getitem__(self, index: slice) -> list[tuple]:
        start, stop = index.start or 0, index.stop
        return list(self.record_list.fetch(start, None if stop is None else stop - start))


def linked_rows(user, record_list: RecordList, rows: list[tuple]) -> list[list[tuple]]:
    """Each row as (value, learner code to link or None) cells; a code is linked only when the user may open it."""
    column = record_list.learner_column
    visible = set()
    if column is not None and rows:
        codes = {row[column] for row in rows}
        visible = set(access.learners_visible_to(user).filter(code__in=codes).values_list("code", flat=True))
    return [
        [(value, value if i == column and value in visible else None) for i, value in enumerate(row)] for row in rows
    ]


@login_required
def indicator_records(request, key: str):
    """The records behind one figure, 100 to a page, learner codes linked to records the user may open."""
    context = scope_context(request)  # 404 for users without records
    indicator = indicators.get(key)
    if indicator is None:
        raise Http404
    context.update(key=key, title=str(indicator.label), definition=str(indicator.definition))
    if context["scope"] is not None:
        record_list = indicator.record_list(context["scope"])
        page = Paginator(LazyRows(record_list), PAGE_SIZE).get_page(request.GET.get("page"))
        audit_read(request, audit.VIEW_RECORDS, context["scope"], what=key, page=page.number)
        context.update(
            title=record_list.title,
            definition=record_list.definition,
            record_list=record_list,
            page=page,
            rows=linked_rows(request.user, record_list, list(page.object_list)),
        )
    return render(request, "reports/indicator_records.html", context)
