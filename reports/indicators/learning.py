"""Learning indicators: sessions held, attendance, module completion and pre- to post-test gain."""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import ClassVar, NamedTuple

from django.db.models import (
    Avg,
    Count,
    F,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from courses.models import Attendance, ModulePage, QuizResult, Session
from courses.selectors import learners_who_completed, quiz_pairs
from learners.models import (
    CentreTransfer,
)
from reports import summaries
from reports.indicators.base import (
    AGE_BANDS,
    HELD,
    LEARNING,
    PRESENT,
    SEXES,
    Figure,
    RecordList,
    Scope,
    age_band_at,
    band_of,
    breakdowns,
    centre_names,
    in_centres,
    list_fetch,
    month_start,
    monthly,
    monthly_totals,
    sex_labels,
    tally,
)
from reports.models import AttendanceSummary, CompletionSummary, QuizSummary, SessionSummary
from reports.summaries import centre_on, moves_of

# ---- module completion ---------------------------------------------------------------------------


class Completion(NamedTuple):
    """A child who completed a module: who (code, first name, sex, age band), on which day, at which centre."""

    code: str
    first_name: str
    sex: str
    band: str
    day: datetime.date
    centre_id: int


def completion_counts(scope: Scope, module_ids: list[int] | None) -> dict[int, dict[tuple, int]]:
    """Children who completed each module (these, or every summarised one) in the scope, from the summary table:
    by module, counts keyed ("all", ""), ("sex", "m"), ("band", "10-14") and ("month", its first day)."""
    rows = CompletionSummary.objects.filter(in_centres(scope), day__gte=scope.start, day__lte=scope.end)
    if module_ids is not None:
        rows = rows.filter(module_id__in=module_ids)
    rows = (
        rows.annotate(band=age_band_at(scope.end), month=TruncMonth("day"))
        .order_by()
        .values_list("module_id", "sex", "band", "month")
        .annotate(n=Count("pk"))
    )
    counts: dict[int, dict[tuple, int]] = defaultdict(lambda: defaultdict(int))
    for module_id, sex, band, month, n in rows:
        for key in (("all", ""), ("sex", sex), ("band", band), ("month", month_start(month))):
            counts[module_id][key] += n
    return counts


def quiz_sums(scope: Scope, whole: Q, lesson_ids: list[int] | None) -> dict[int, list[tuple]]:
    """Pairs of tests and the sum of their gains per lesson (these lessons, or every one) in the summarised slices
    `whole`: by lesson, rows of (sex, age band at the end of the period, month, pairs, sum of gains)."""
    rows = QuizSummary.objects.filter(whole)
    if lesson_ids is not None:
        rows = rows.filter(lesson_id__in=lesson_ids)
    found: dict[int, list[tuple]] = defaultdict(list)
    for lesson_id, *row in (
        rows.annotate(band=age_band_at(scope.end))
        .order_by()
        .values_list("lesson_id", "sex", "band", "month")
        .annotate(n=Sum("pairs"), gain=Sum("gain"))
    ):
        found[lesson_id].append(row)
    return found


@dataclass
class ModuleIndicator:
    """An indicator about one module: its key, label and definition name the module and its lessons."""

    reads = frozenset({"sessions"})  # the records it reads (indicators.CHANGES)

    module: ModulePage
    lesson_ids: list[int]
    section: str = LEARNING
    unit: str = "children"
    key_prefix: ClassVar[str] = "module"
    label_text: ClassVar[str] = ""
    definition_text: ClassVar[str] = ""

    @property
    def key(self) -> str:
        return f"{self.key_prefix}-{self.module.pk}"

    @property
    def label(self) -> str:
        return str(self.label_text) % {"module": self.module.title}

    @property
    def definition(self) -> str:
        return str(self.definition_text) % {"n": len(self.lesson_ids)}


@dataclass
class ModuleCompletion(ModuleIndicator):
    """Children who completed every lesson of one module, the last of them in the period."""

    label_text: ClassVar[str] = _("Children who completed “%(module)s”")
    definition_text: ClassVar[str] = _(
        "Children who have completed all %(n)s lessons of this module, the last of them in the period, "
        "counted for the centre they were at on that day."
    )

    def completed(self, scope: Scope, moves: dict) -> QuerySet:
        """One row per child who completed the module in the period (their last lesson's day as `last`),
        among the learners now at the chosen centres and those who ever moved."""
        return (
            learners_who_completed(self.lesson_ids)
            .filter(Q(learner__centre_id__in=scope.centre_ids) | Q(learner_id__in=list(moves)))
            .filter(last__gte=scope.start, last__lte=scope.end)
        )

    def completions(self, scope: Scope) -> list[Completion]:
        """Each child who completed the module in the period, with the day of the last lesson and its centre."""
        if not self.lesson_ids:
            return []
        # Moves between centres are rare: read them all, and work out where each mover was on the day.
        moves = moves_of(CentreTransfer.objects.values_list("learner_id", flat=True).distinct())
        return self.placed(scope, moves, self.completed(scope, moves))

    def completions_of_movers(self, scope: Scope, moves: dict) -> list[Completion]:
        """The completions of learners who ever moved between centres."""
        return self.placed(scope, moves, self.completed(scope, moves).filter(learner_id__in=list(moves)))

    def placed(self, scope: Scope, moves: dict, completed: QuerySet) -> list[Completion]:
        """Completions at the chosen centres, each counted where the learner was on the day, by day and code."""
        rows = completed.values_list(
            "learner_id",
            "learner__code",
            "learner__first_name",
            "learner__sex",
            "learner__birth_year",
            "learner__age_band",
            "learner__centre_id",
            "last",
        )
        wanted = set(scope.centre_ids)
        result = []
        for learner_id, code, first_name, sex, birth_year, age_band, centre_id, last in rows:
            if learner_id in moves:
                centre_id = centre_on(centre_id, last, moves[learner_id])
            if centre_id in wanted:
                band = band_of(birth_year, age_band, scope.end)
                result.append(Completion(code, first_name, sex, band, last, centre_id))
        result.sort(key=lambda completion: (completion.day, completion.code))
        return result

    def figure(self, scope: Scope) -> Figure:
        """Children who completed the module, by sex, age band and month of completion, from the summary table
        (reports/summaries.py: one row per child and module); from the records while the module's lessons differ
        from those summarised (until `manage.py rebuild_summaries` runs)."""
        summarised = summaries.summarised_modules()
        if summarised.get(self.module.pk) != sorted(self.lesson_ids) or not self.lesson_ids:
            return self.figure_from_records(scope)
        counts = summaries.read(
            ("completions", scope), lambda every: completion_counts(scope, None if every else [self.module.pk])
        ).get(self.module.pk, {})
        by_sex, by_band, by_month = defaultdict(int), defaultdict(int), defaultdict(int)
        for (kind, key), value in counts.items():
            target = {"sex": by_sex, "band": by_band, "month": by_month}.get(kind)
            if target is not None:
                target[key] += value
        return self._figure(scope, counts.get(("all", ""), 0), by_sex, by_band, by_month)

    def figure_from_records(self, scope: Scope) -> Figure:
        """The same figure from the records alone (the reference the summaries are tested against): the database
        counts those who never moved; the few who moved are placed in Python, by where they were on the day."""
        by_sex: dict[str, int] = defaultdict(int)
        by_band: dict[str, int] = defaultdict(int)
        by_month: dict[datetime.date, int] = defaultdict(int)
        total = 0
        if self.lesson_ids:
            moves = moves_of(CentreTransfer.objects.values_list("learner_id", flat=True).distinct())
            stayed = (
                self.completed(scope, moves)
                .exclude(learner_id__in=list(moves))
                .annotate(sex=F("learner__sex"), band=age_band_at(scope.end, "learner__"))
            )
            found = breakdowns(stayed, scope, lambda condition: Count("learner_id", filter=condition), "last")
            for (kind, key), value in found.items():
                target = {"sex": by_sex, "band": by_band, "month": by_month}.get(kind)
                if target is None:
                    total += value
                else:
                    target[key] += value
            if moves:
                for completion in self.completions_of_movers(scope, moves):
                    total += 1
                    by_sex[completion.sex] += 1
                    by_band[completion.band] += 1
                    by_month[completion.day.replace(day=1)] += 1
        return self._figure(scope, total, by_sex, by_band, by_month)

    def _figure(self, scope: Scope, total: int, by_sex: dict, by_band: dict, by_month: dict) -> Figure:
        return Figure(
            self.key,
            self.label,
            self.definition,
            self.unit,
            str(self.section),
            total,
            tally(SEXES, by_sex),
            tally(AGE_BANDS, by_band),
            monthly(scope, by_month),
        )

    def record_list(self, scope: Scope) -> RecordList:
        """The children who completed the module, with the day of their last lesson."""
        names, sexes = centre_names(scope.centre_ids), sex_labels()
        rows = [
            (c.code, c.first_name, sexes[c.sex], c.band, names[c.centre_id], c.day) for c in self.completions(scope)
        ]
        columns = [_("Code"), _("First name"), _("Sex"), _("Age band"), _("Centre"), _("Completed on")]
        return RecordList(self.label, self.definition, [str(c) for c in columns], len(rows), list_fetch(rows), 0)


# ---- learning: sessions, attendance, quiz gain ------------------------------------------------


def held_sessions(scope: Scope) -> QuerySet:
    """Sessions held in the period by groups of the chosen centres."""
    return Session.objects.filter(
        status=HELD, date__gte=scope.start, date__lte=scope.end, group__centre_id__in=scope.centre_ids
    )


def session_list(title: str, definition: str, sessions: QuerySet) -> RecordList:
    """Sessions with their centre, group, lesson and attendance, by date."""
    sessions = (
        sessions.select_related("group__centre", "lesson")
        .annotate(recorded=Count("attendance"), present=Count("attendance", filter=Q(attendance__status=PRESENT)))
        .order_by("date", "group__centre__name", "group__name", "pk")
    )
    columns = [_("Date"), _("Centre"), _("Group"), _("Lesson"), _("Present"), _("Recorded")]

    def fetch(offset: int, limit: int | None) -> Iterator[tuple]:
        chunk = sessions[offset:] if limit is None else sessions[offset : offset + limit]
        for s in chunk.iterator(chunk_size=2000):
            yield (s.date, s.group.centre.name, s.group.name, s.lesson.title, s.present, s.recorded)

    return RecordList(title, definition, [str(c) for c in columns], sessions.count(), fetch)


@dataclass
class SessionsHeld:
    """Sessions held in the period."""

    reads = frozenset({"sessions"})  # the records it reads (indicators.CHANGES)

    key: str = "sessions-held"
    section: str = LEARNING
    unit: str = "sessions"
    label: str = _("Life-skills sessions held")
    definition: str = _(
        "Sessions recorded as held in the period, by facilitators or peer educators "
        "(cancelled and planned ones do not count)."
    )

    def figure(self, scope: Scope) -> Figure:
        """The number of sessions, by month (no breakdown by sex: sessions are for groups), from the summary
        tables (reports/summaries.py) and, for a month the period cuts, from the records of those days."""
        whole, edges = summaries.split(scope.start, scope.end, scope.centre_ids)
        months: dict[datetime.date, int] = defaultdict(int)
        if whole is not None:
            rows = SessionSummary.objects.filter(whole).order_by().values_list("month").annotate(n=Sum("held"))
            for month, n in rows:
                months[month_start(month)] += n
        for first, last, centre_ids in edges:
            for month, n in monthly_totals(held_sessions(Scope(first, last, centre_ids)), "date", Count("pk")).items():
                months[month] += n
        return self._figure(scope, months)

    def figure_from_records(self, scope: Scope) -> Figure:
        """The same figure computed from the records alone (the reference the summaries are tested against)."""
        return self._figure(scope, monthly_totals(held_sessions(scope), "date", Count("pk")))

    def _figure(self, scope: Scope, months: dict) -> Figure:
        trend = monthly(scope, months)
        total = sum(months.values())
        return Figure(self.key, str(self.label), str(self.definition), self.unit, str(self.section), total, trend=trend)

    def record_list(self, scope: Scope) -> RecordList:
        """The sessions held, with attendance."""
        return session_list(str(self.label), str(self.definition), held_sessions(scope))


def _rate(present: int, total: int) -> float | None:
    return round(100 * present / total, 1) if total else None


@dataclass
class AttendanceRate:
    """Share of learners recorded present at sessions held in the period."""

    reads = frozenset({"sessions"})  # the records it reads (indicators.CHANGES)

    key: str = "attendance-rate"
    section: str = LEARNING
    unit: str = "percent"
    label: str = _("Attendance rate")
    definition: str = _(
        "Of all the places at sessions held in the period (each member of the group on the day of a session), "
        "the share where the learner was present. Excused absences count as absences."
    )

    def figure(self, scope: Scope) -> Figure:
        """The rate overall, by sex, by age band and by month, from the summary tables (reports/summaries.py)
        and, for a month the period cuts, from the records of those days."""
        whole, edges = summaries.split(scope.start, scope.end, scope.centre_ids)
        rows = []
        if whole is not None:
            rows += (
                AttendanceSummary.objects.filter(whole)
                .annotate(band=age_band_at(scope.end))
                .order_by()
                .values_list("sex", "band", "month")
                .annotate(n=Sum("places"), here=Sum("present"))
            )
        for first, last, centre_ids in edges:
            rows += self.counted(Scope(first, last, centre_ids), scope.end)
        return self._figure(scope, rows)

    def figure_from_records(self, scope: Scope) -> Figure:
        """The same figure computed from the records alone (the reference the summaries are tested against)."""
        return self._figure(scope, self.counted(scope, scope.end))

    @staticmethod
    def counted(scope: Scope, age_on: datetime.date) -> QuerySet:
        """Places and presences at the sessions held in the scope, per sex, age band (on `age_on`) and month."""
        attendance = Attendance.objects.filter(session__in=held_sessions(scope))
        return (
            attendance.annotate(band=age_band_at(age_on, "learner__"), month=TruncMonth("session__date"))
            .order_by()
            .values_list("learner__sex", "band", "month")
            .annotate(n=Count("pk"), here=Count("pk", filter=Q(status=PRESENT)))
        )

    def _figure(self, scope: Scope, rows: Iterable[tuple]) -> Figure:
        present, total = defaultdict(int), defaultdict(int)
        for sex, band, month, n, here in rows:
            for key in (("all", ""), ("sex", sex), ("band", band), ("month", month_start(month))):
                total[key] += n
                present[key] += here

        def rates(kind: str) -> dict:
            return {key: _rate(present[(k, key)], n) for (k, key), n in total.items() if k == kind}

        return Figure(
            self.key,
            str(self.label),
            str(self.definition),
            self.unit,
            str(self.section),
            _rate(present[("all", "")], total[("all", "")]),
            tally(SEXES, rates("sex"), zero=None),
            tally(AGE_BANDS, rates("band"), zero=None),
            monthly(scope, rates("month"), zero=None),
        )

    def record_list(self, scope: Scope) -> RecordList:
        """The sessions held, with how many were present of those recorded."""
        return session_list(str(self.label), str(self.definition), held_sessions(scope))


@dataclass
class QuizGain(ModuleIndicator):
    """Average gain from the pre-test to the post-test of one module's lessons."""

    unit: str = "points"
    key_prefix: ClassVar[str] = "quiz-gain"
    label_text: ClassVar[str] = _("Pre- to post-test gain, “%(module)s”")
    definition_text: ClassVar[str] = _(
        "For each learner who took both the pre-test and the post-test of a lesson of this module at a session "
        "held in the period, the post-test score minus the pre-test score, in percentage points, averaged."
    )

    def pairs(self, scope: Scope) -> QuerySet:
        """One row per pair of tests in sessions held in the period (the rule of courses.selectors.quiz_pairs):
        pre and post in percent, the session's day."""
        return quiz_pairs(QuizResult.objects.filter(lesson_id__in=self.lesson_ids, session__in=held_sessions(scope)))

    def figure(self, scope: Scope) -> Figure:
        """The average gain overall, by sex, by age band and by month of the post-test, from the summary tables
        (reports/summaries.py: pairs and the sum of their gains) and, for a month the period cuts, from the
        records of those days."""
        pairs: dict[tuple, int] = defaultdict(int)
        gains: dict[tuple, float] = defaultdict(float)

        def add(sex: str, band: str, month, n: int, gain: float) -> None:
            for key in (("all", ""), ("sex", sex), ("band", band), ("month", month_start(month))):
                pairs[key] += n
                gains[key] += gain

        whole, edges = summaries.read(
            ("split", scope), lambda _every: summaries.split(scope.start, scope.end, scope.centre_ids)
        )
        if whole is not None and self.lesson_ids:
            sums = summaries.read(
                ("quiz", scope), lambda every: quiz_sums(scope, whole, None if every else self.lesson_ids)
            )
            for lesson_id in self.lesson_ids:
                for row in sums.get(lesson_id, ()):
                    add(*row)
        for first, last, centre_ids in edges:
            edge = self.pairs(Scope(first, last, centre_ids)).values_list(
                "learner__sex", "learner__birth_year", "learner__age_band", "day", "pre", "post"
            )
            for sex, year, band, day, pre, post in edge:
                add(sex, band_of(year, band, scope.end), day, 1, post - pre)
        result = {key: round(gains[key] / n, 1) for key, n in pairs.items() if n}
        return self._figure(scope, result)

    def figure_from_records(self, scope: Scope) -> Figure:
        """The same figure computed from the records alone (the reference the summaries are tested against)."""
        pairs = self.pairs(scope).annotate(
            sex=F("learner__sex"), band=age_band_at(scope.end, "learner__"), gain=F("post") - F("pre")
        )
        found = breakdowns(pairs, scope, lambda condition: Avg("gain", filter=condition), "day")
        return self._figure(scope, {key: None if value is None else round(value, 1) for key, value in found.items()})

    def _figure(self, scope: Scope, result: dict) -> Figure:
        def of(kind: str) -> dict:
            return {key: value for (k, key), value in result.items() if k == kind}

        return Figure(
            self.key,
            self.label,
            self.definition,
            self.unit,
            str(self.section),
            result.get(("all", "")),
            tally(SEXES, of("sex"), zero=None),
            tally(AGE_BANDS, of("band"), zero=None),
            monthly(scope, of("month"), zero=None),
        )

    def record_list(self, scope: Scope) -> RecordList:
        """Each pair of tests (a learner at a session), with the scores and the gain."""
        rows_qs = (
            self.pairs(scope)
            .values_list("learner__code", "learner__first_name", "lesson__title", "day", "pre", "post")
            .order_by("day", "learner__code", "lesson__title")
        )
        rows = [
            (code, name, lesson, day, round(pre, 1), round(post, 1), round(post - pre, 1))
            for code, name, lesson, day, pre, post in rows_qs
        ]
        columns = [
            _("Code"),
            _("First name"),
            _("Lesson"),
            _("Post-test on"),
            _("Pre-test %"),
            _("Post-test %"),
            _("Gain"),
        ]
        return RecordList(self.label, self.definition, [str(c) for c in columns], len(rows), list_fetch(rows), 0)
