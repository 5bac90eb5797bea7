"""Which targets a dashboard scope shows, and how far each is achieved.

The rules (README, "Targets"):
- a target shows when its project period overlaps the chosen period, labelled with its own period, so a
  filter that straddles two project periods shows both periods' targets, each with its dates;
- a target is compared with the figure (achieved and percent achieved) only when the chosen period starts on
  the project period's first day and ends on or before its last day: the whole period, or the period so far.
  Any other filter counts records outside the project period or misses its start, so the page shows the
  target with a link that sets the filter to the project period (up to today) instead of a misleading percent;
- a centre's period shows only when exactly that centre is chosen; a whole-programme period shows only when
  the scope is every centre of the programme (a facilitator's own centres, or one centre ticked by a manager,
  are not the programme, and a programme target set against a part of it would read as failure);
- percent achieved is achieved ÷ target × 100, rounded to a whole number (halves up); for a rate or a gain the
  two rates are compared the same way (a 72% attendance rate against a target of 80% is 90% achieved).

Two queries whatever the number of indicators or targets: the centres, and the targets with their periods.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.http import urlencode

from learners.models import Centre
from reports.indicators import Figure, Scope
from reports.models import ProjectPeriod, Target

RATE_UNITS = {"percent", "points"}


@dataclass
class TargetLine:
    """One target shown with a figure: the project period it belongs to and, when comparable, the result."""

    period: ProjectPeriod
    target: int | float
    achieved: int | float | None
    percent: int | None
    comparable: bool
    compare_query: str  # the query string of the dashboard over the project period (up to today)

    @property
    def period_id(self) -> int:
        """The project period's id (the key of the line's numbers on the page)."""
        return self.period.pk


def target_number(value: Decimal, unit: str) -> int | float:
    """A stored target as the dashboard shows numbers: whole for counts, one decimal for rates and gains."""
    return float(value) if unit in RATE_UNITS else int(value)


def percent_achieved(achieved: int | float | None, target: int | float) -> int | None:
    """achieved ÷ target × 100, rounded to a whole number (halves up); None when nothing was achieved to compare."""
    if achieved is None or not target:
        return None
    ratio = Decimal(str(achieved)) / Decimal(str(target)) * 100
    return int(ratio.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def comparable(scope: Scope, period: ProjectPeriod) -> bool:
    """Whether the scope's figure measures the project period: it starts on the period's first day and ends
    within it."""
    return scope.start == period.starts_on and scope.end <= period.ends_on


def compare_query(period: ProjectPeriod, centres: list[int]) -> str:
    """The dashboard's query string for the project period, up to today when it has not ended."""
    end = period_end_or_today(period)
    return urlencode({"start": period.starts_on.isoformat(), "end": end.isoformat(), "centre": centres}, doseq=True)


def targets_for(scope: Scope) -> list[Target]:
    """The targets the scope shows (rules above), periods loaded, oldest period first."""
    overlapping = Q(period__starts_on__lte=scope.end, period__ends_on__gte=scope.start)
    wanted = Q(pk__in=[])
    every_centre = set(Centre.objects.values_list("pk", flat=True))
    if every_centre and set(scope.centre_ids) == every_centre:
        wanted |= Q(period__centre__isnull=True)
    if len(scope.centre_ids) == 1:
        wanted |= Q(period__centre_id=scope.centre_ids[0])
    return list(
        Target.objects.filter(overlapping & wanted)
        .select_related("period")
        .order_by("period__starts_on", "period__name", "period_id")
    )


def target_lines(scope: Scope, figures: list[Figure], centre_query: list[int]) -> dict[str, list[TargetLine]]:
    """For each figure key, the lines of its targets in the scope (figures without a target are left out).
    `centre_query` is the centres ticked on the form, kept in the link to the project period."""
    by_key = {figure.key: figure for figure in figures}
    lines: dict[str, list[TargetLine]] = {}
    for target in targets_for(scope):
        figure = by_key.get(target.indicator_key)
        if figure is None:  # a module taken out of the curriculum: its target has nothing to compare with
            continue
        number = target_number(target.value, figure.unit)
        same = comparable(scope, target.period)
        lines.setdefault(figure.key, []).append(
            TargetLine(
                period=target.period,
                target=number,
                achieved=figure.value if same else None,
                percent=percent_achieved(figure.value, number) if same else None,
                comparable=same,
                compare_query=compare_query(target.period, centre_query),
            )
        )
    return lines


def period_label(period: ProjectPeriod) -> str:
    """A project period in words: its name and its dates."""
    return f"{period.name} ({period.starts_on.isoformat()} – {period.ends_on.isoformat()})"


def period_end_or_today(period: ProjectPeriod) -> datetime.date:
    """The project period's last day, or today when it has not ended yet (and has started)."""
    return min(period.ends_on, max(timezone.localdate(), period.starts_on))
