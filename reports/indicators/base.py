"""Programme indicators, each defined once: what it counts (in plain words, shown on the dashboard),
how it is computed from records, its breakdown by sex and age band, its monthly trend, and the
list of records behind it.

Rules every indicator follows:
- a scope is a period (first and last day, both included) and a set of centres;
- a record counts for the centre where it happened (a service for the centre that recorded it,
  a module for the centre the learner was at when they finished it), so a learner who moves keeps
  their history where it happened;
- "children" are counted once however many records they have; in a month's trend a child counts
  in every month they had a record, so months do not add up to the total;
- a learner's age band is worked out at the end of the period from the birth year, or is the age
  band recorded when the birth year is not known;
- a learner's situation (survivor, at risk, other) is their latest one recorded on or before the end of the
  period (`learners.selectors.situation_at`): a child at risk in March and recorded as a survivor in June counts
  as a survivor for a period ending in June or later, and as at risk for one ending in March, April or May;
  "not recorded" when none was recorded by then. Figures carry this breakdown for every viewer, and
  `reports.indicators.dashboard` strips it for anyone but programme managers and administrators.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models import Case, CharField, Count, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from courses.models import Attendance, Session
from learners.models import (
    Centre,
    Learner,
    LearnerSituation,
)
from reports import summaries

SELF_PROTECTION_TOPIC = summaries.SELF_PROTECTION_TOPIC
HELD = Session.Status.HELD
PRESENT = Attendance.Status.PRESENT

SEXES = list(Learner.Sex.choices)
AGE_BANDS = list(Learner.AgeBand.choices)
NOT_RECORDED = "none"
SITUATIONS = [*LearnerSituation.Situation.choices, (NOT_RECORDED, _("Not recorded"))]


@dataclass(frozen=True)
class Scope:
    """What the figures are about: a period (both days included) and the centres chosen."""

    start: datetime.date
    end: datetime.date
    centre_ids: tuple[int, ...]

    def months(self) -> list[datetime.date]:
        """The first day of every month the period touches, in order."""
        months, day = [], self.start.replace(day=1)
        while day <= self.end:
            months.append(day)
            day = (day + datetime.timedelta(days=32)).replace(day=1)
        return months


@dataclass
class Tally:
    """One labelled number of a breakdown or trend: `key` is stable (m, 10-14, 2026-03), `label` is for people."""

    key: str
    label: str
    value: int | float | None


@dataclass
class Figure:
    """An indicator's result for a scope, ready to show and to export."""

    key: str
    label: str
    definition: str
    unit: str  # "children", "groups", "centres", "sessions", "people", "percent" or "points"
    section: str
    value: int | float | None
    by_sex: list[Tally] = field(default_factory=list)
    by_age_band: list[Tally] = field(default_factory=list)
    trend: list[Tally] = field(default_factory=list)
    breakdown_note: str = ""  # says what the breakdown counts when it is not the figure itself
    # Children by their situation at the end of the period: for programme managers and administrators only
    # (`reports.indicators.dashboard` empties it for anyone else).
    by_situation: list[Tally] = field(default_factory=list)
    # People trained by audience (staff, peer educators, parents, primary caregivers, ...), for trainings.
    by_audience: list[Tally] = field(default_factory=list)

    @property
    def has_breakdown(self) -> bool:
        """Whether the figure has a breakdown by sex (and so a table to show)."""
        return bool(self.by_sex)


@dataclass
class RecordList:
    """The records behind a figure: column headings, how many rows, and a way to fetch them.

    `fetch(offset, limit)` yields rows of plain values (text, numbers, dates); `limit=None` means all
    the rest, read in chunks so an export of 100,000 rows does not hold them all in memory.
    """

    title: str
    definition: str
    columns: list[str]
    total: int
    fetch: Callable[[int, int | None], Iterable[tuple]]
    learner_column: int | None = None  # index of a learner code column, linked when the user may open it

    def rows(self) -> Iterable[tuple]:
        """Every row, in order."""
        return self.fetch(0, None)


def list_fetch(rows: list[tuple]) -> Callable[[int, int | None], Iterable[tuple]]:
    """A `fetch` over rows already in memory (short lists: completions, projects, groups)."""
    return lambda offset, limit: rows[offset : None if limit is None else offset + limit]


# ---- shared pieces ---------------------------------------------------------------------------


def age_band_at(day: datetime.date, prefix: str = "") -> Case:
    """SQL for a learner's age band on a day: from the birth year, else the recorded band."""
    year = day.year
    return Case(
        When(**{f"{prefix}birth_year__isnull": True}, then=F(f"{prefix}age_band")),
        When(**{f"{prefix}birth_year__gt": year - 10}, then=Value("5-9")),
        When(**{f"{prefix}birth_year__gt": year - 15}, then=Value("10-14")),
        When(**{f"{prefix}birth_year__gt": year - 20}, then=Value("15-19")),
        default=Value("20-25"),
        output_field=CharField(),
    )


def band_of(birth_year: int | None, age_band: str, day: datetime.date) -> str:
    """The same rule as `age_band_at`, for a learner already in memory."""
    if birth_year is None:
        return age_band
    return Learner.AgeBand.for_age(day.year - birth_year)


def tally(choices, values: dict[str, int | float | None], zero=0) -> list[Tally]:
    return [Tally(key, str(label), values.get(key, zero)) for key, label in choices]


def monthly(scope: Scope, by_month: dict[datetime.date, int | float | None], zero=0) -> list[Tally]:
    return [
        Tally(month.strftime("%Y-%m"), month.strftime("%b %Y"), by_month.get(month, zero)) for month in scope.months()
    ]


def month_start(day) -> datetime.date:
    # TruncMonth gives a date on PostgreSQL and SQLite alike for a DateField; normalise anyway.
    return day.date().replace(day=1) if isinstance(day, datetime.datetime) else day.replace(day=1)


def learner_counts(learner_ids: QuerySet, scope: Scope) -> tuple[int, list[Tally], list[Tally]]:
    """Distinct learners among the ids, with their numbers by sex and by age band (one query)."""
    by_sex: dict[str, int] = defaultdict(int)
    by_band: dict[str, int] = defaultdict(int)
    rows = (
        Learner.objects.filter(pk__in=learner_ids)
        .annotate(band=age_band_at(scope.end))
        .order_by()
        .values_list("sex", "band")
        .annotate(n=Count("id"))
    )
    total = 0
    for sex, band, n in rows:
        by_sex[sex] += n
        by_band[band] += n
        total += n
    return total, tally(SEXES, by_sex), tally(AGE_BANDS, by_band)


def situation_counts(learner_ids: QuerySet, scope: Scope, total: int) -> list[Tally]:
    """Distinct learners among the ids by their situation at the end of the period, `total` being how many
    distinct learners the ids hold ("not recorded": those with no situation by then). One query over the
    situation rows: each learner's row on or before the end with no later one by then, the rule of
    `learners.selectors.situation_at` (the highest id on a tie, which the one-row-a-day constraint rules out), as
    an anti-join instead of a subquery per learner (a third of the time over 100,000 children)."""
    rows = latest_situations(learner_ids, scope.end).order_by().values_list("situation").annotate(n=Count("pk"))
    counts = dict(rows)
    counts[NOT_RECORDED] = total - sum(counts.values())
    return tally(SITUATIONS, counts)


def latest_situations(learner_ids: QuerySet, day: datetime.date) -> QuerySet:
    """Each of these learners' latest situation row recorded on or before the day (learners with none are left
    out): the same rows as `learners.selectors.situation_on`, as one anti-join."""
    later = LearnerSituation.objects.filter(learner_id=OuterRef("learner_id"), recorded_on__lte=day).filter(
        Q(recorded_on__gt=OuterRef("recorded_on")) | Q(recorded_on=OuterRef("recorded_on"), pk__gt=OuterRef("pk"))
    )
    return LearnerSituation.objects.filter(learner_id__in=learner_ids, recorded_on__lte=day).exclude(Exists(later))


def in_centres(scope: Scope, field: str = "centre_id") -> Q:
    """The condition "at one of the scope's centres" on a centre field: none at all when the scope holds every
    centre (the dashboard's default), as every record belongs to a centre, which spares PostgreSQL comparing each
    of 200,000 rows with 200 ids (`reports.summaries.every_centre_in`)."""
    if summaries.every_centre_in(scope.centre_ids):
        return Q()
    return Q(**{f"{field}__in": scope.centre_ids})


def monthly_totals(queryset: QuerySet, date_field: str, total) -> dict[datetime.date, int | float]:
    """An aggregate of the queryset's rows per month of a date field (for example
    `Count("learner_id", distinct=True)`), keyed by the month's first day (one query)."""
    rows = (
        queryset.annotate(month=TruncMonth(date_field))
        .order_by()
        .values("month")
        .annotate(total=total)
        .values_list("month", "total")
    )
    return {month_start(month): value for month, value in rows}


def breakdowns(queryset: QuerySet, scope: Scope, measure, day_field: str) -> dict[tuple[str, object], object]:
    """One query for a measure overall, by sex, by age band and by month of `day_field`: rows of the queryset
    carry `sex` and `band`, and `measure(condition)` gives the aggregate filtered by a condition (None: all).
    Keys: ("all", ""), ("sex", "m"), ("band", "10-14"), ("month", first day of the month)."""
    conditions: dict[tuple[str, object], Q | None] = {("all", ""): None}
    conditions.update({("sex", key): Q(sex=key) for key, _label in SEXES})
    conditions.update({("band", key): Q(band=key) for key, _label in AGE_BANDS})
    for month in scope.months():
        following = (month + datetime.timedelta(days=32)).replace(day=1)
        conditions[("month", month)] = Q(**{f"{day_field}__gte": month, f"{day_field}__lt": following})
    names = {f"v{index}": key for index, key in enumerate(conditions)}
    found = queryset.aggregate(**{name: measure(conditions[key]) for name, key in names.items()})
    return {names[name]: value for name, value in found.items()}


def sex_labels() -> dict[str, str]:
    """Sex labels by key, translated once (a learner's get_sex_display() rebuilds them on every call)."""
    return {key: str(label) for key, label in Learner.Sex.choices}


def centre_names(ids: Iterable[int]) -> dict[int, str]:
    """Centre names by id."""
    return dict(Centre.objects.filter(pk__in=list(ids)).values_list("pk", "name"))


OUTCOMES = _("Protection and outcomes")
LEARNING = _("Learning")
COMMUNITY = _("Community")
