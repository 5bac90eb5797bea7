"""Indicator summary tables, in the manner of DHIS2's analytics tables: the heavy indicators read these instead
of the two million attendance rows.

What is kept (reports/models.py): per centre and month, the sessions held with their first and last day
(SessionSummary), the places and presences at them per kind of learner, that is sex, birth year and the
recorded age band when the birth year is unknown (AttendanceSummary), the pairs of pre- and post-tests
per lesson and kind of learner with the sum of their gains (QuizSummary), and for the self-protection lessons
(as `SummarisedTopic` lists them) the days sessions were held (SelfProtectionSummary) and one row per child
present with the days they were (SelfProtectionPresence: a child counted once, exactly; bit d - 1 of `days` is
day d, so a period that cuts a month keeps exactly its days). Both are additive: a figure sums the
slices of its centres and months, and the age band is still worked out at the end of each period from the birth
year, as `base.age_band_at` does, so one row serves every period.

How they stay exact: in the same transaction as the write. Every service that writes a record these tables
summarise calls `lms.summaries.changed(...)` with the (centre, month) slices it touched (or the learners whose
sex or birth year changed); the receiver below deletes those slices and recomputes them from the records (a
centre-month is about a thousand sessions' attendance at the bench's size: a few milliseconds). A write and its
summary commit or roll back together, so a figure is never stale, not even by a minute. Two writers of one
slice take turns (a PostgreSQL advisory lock per slice; SQLite writes one at a time anyway), so neither adds
its rows on top of the other's.

Which indicators read them: sessions held, attendance rate, module completion, quiz gain and self-protection
spaces (the heaviest: two million attendance rows, 1.4 million progress rows, 650,000 quiz results at the bench's
size), each keeping its records-only computation as `figure_from_records`, the reference of
tests/reports/test_summaries_property.py.
The others still read the records: registration, protective services, certification, jobs, school (one row per
learner or record, counted distinct, with the breakdown by situation read from LearnerSituation), referrals,
retention, and the indicators over small tables (community groups and meetings, sensitisation events,
coordination meetings, trainings, projects: thousands of rows at most).

Module completion is one row per child and module (CompletionSummary), so a child is counted once, exactly; it
is kept per learner (their lessons completed, sex, birth year or centre changed) for the lessons each module had
at the last rebuild (SummarisedModule). A module whose lessons have changed since is counted from the records
until the next rebuild, so an editor's new lesson never makes a figure wrong.

`rebuild()` (manage.py rebuild_summaries) recomputes everything from the records, one centre per transaction,
after a restore, a bulk import (the bench's builder) or a change of what is summarised; the demo loader runs it
too, so that module completion is summarised from the start.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connection, transaction
from django.db.models import Case, Count, F, Max, Min, Q, Value, When
from django.db.models.functions import TruncMonth
from django.dispatch import receiver
from django.utils import timezone

from courses.models import Attendance, QuizResult, Session, curriculum_modules
from courses.selectors import lessons_completed, lessons_of_modules, quiz_pairs, topic_lesson_ids
from learners.models import Centre, CentreTransfer, Learner
from lms.summaries import records_changed
from reports.models import (
    AttendanceSummary,
    CompletionSummary,
    QuizSummary,
    SelfProtectionPresence,
    SelfProtectionSummary,
    SessionSummary,
    SummarisedModule,
    SummarisedTopic,
    SummaryState,
)

HELD = Session.Status.HELD
PRESENT = Attendance.Status.PRESENT
SUMMARY_MODELS = (SessionSummary, AttendanceSummary, QuizSummary, SelfProtectionSummary, SelfProtectionPresence)
SELF_PROTECTION_TOPIC = "self-protection"
QUIZ_FIELDS = ["session__group__centre_id", "day", "lesson_id", "learner__sex", "learner__birth_year"]
QUIZ_FIELDS.append("learner__age_band")


def next_month(month: datetime.date) -> datetime.date:
    """The first day of the month after this one."""
    return (month.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def _month(day) -> datetime.date:
    return day.date().replace(day=1) if isinstance(day, datetime.datetime) else day.replace(day=1)


def centre_on(current_centre_id: int, day: datetime.date, moves: list[CentreTransfer]) -> int:
    """The centre a learner belonged to on a day, from their moves between centres (oldest first)."""
    centre_id = moves[0].from_centre_id if moves else current_centre_id
    for move in moves:
        if move.moved_on <= day:
            centre_id = move.to_centre_id
    return centre_id


def moves_of(learner_ids: Iterable[int]) -> dict[int, list[CentreTransfer]]:
    """Each learner's moves between centres, oldest first (one query)."""
    moves: dict[int, list[CentreTransfer]] = defaultdict(list)
    for move in CentreTransfer.objects.filter(learner_id__in=list(learner_ids)).order_by("moved_on", "pk"):
        moves[move.learner_id].append(move)
    return moves


def _lock(slices: Iterable[tuple[int, datetime.date]]) -> None:
    """Take each slice's lock until the transaction ends, in one order so two writers never deadlock."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for centre_id, month in sorted(set(slices)):
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [centre_id, month.year * 12 + month.month])


def _recompute(centre_ids: list[int], start: datetime.date | None = None, end: datetime.date | None = None) -> int:
    """Delete and recompute the summaries of these centres for the months from `start` up to `end` (excluded), or
    for every month when no bounds are given. Returns the rows written."""
    sessions = Session.objects.filter(status=HELD, group__centre_id__in=centre_ids)
    attendance = Attendance.objects.filter(session__status=HELD, session__group__centre_id__in=centre_ids)
    stale = {model: model.objects.filter(centre_id__in=centre_ids) for model in SUMMARY_MODELS}
    if start is not None:
        sessions = sessions.filter(date__gte=start, date__lt=end)
        attendance = attendance.filter(session__date__gte=start, session__date__lt=end)
        stale = {model: rows.filter(month__gte=start, month__lt=end) for model, rows in stale.items()}
    for rows in stale.values():
        rows.delete()  # nothing points at these rows and no signal listens: one DELETE, no collection
    held = (
        sessions.annotate(month=TruncMonth("date"))
        .order_by()
        .values_list("group__centre_id", "month")
        .annotate(n=Count("pk"), first=Min("date"), last=Max("date"))
    )
    session_rows = [
        SessionSummary(centre_id=c, month=_month(m), held=n, first_day=first, last_day=last)
        for c, m, n, first, last in held
    ]
    band = Case(When(learner__birth_year__isnull=True, then=F("learner__age_band")), default=Value(""))
    places = (
        attendance.annotate(month=TruncMonth("session__date"), band=band)
        .order_by()
        .values_list("session__group__centre_id", "month", "learner__sex", "learner__birth_year", "band")
        .annotate(n=Count("pk"), here=Count("pk", filter=Q(status=PRESENT)))
    )
    attendance_rows = [
        AttendanceSummary(
            centre_id=c, month=_month(m), sex=sex, birth_year=year, age_band=band_, places=n, present=here
        )
        for c, m, sex, year, band_, n, here in places
    ]
    quiz_rows = _quiz_rows(centre_ids, start, end)
    topic_rows = _self_protection_rows(sessions, attendance)
    SessionSummary.objects.bulk_create(session_rows)
    AttendanceSummary.objects.bulk_create(attendance_rows, batch_size=2000)
    QuizSummary.objects.bulk_create(quiz_rows, batch_size=2000)
    for model, rows in topic_rows.items():
        model.objects.bulk_create(rows, batch_size=2000)
    return len(session_rows) + len(attendance_rows) + len(quiz_rows) + sum(map(len, topic_rows.values()))


def day_bit(day: datetime.date) -> int:
    """A day's bit in a month's `days` (SelfProtectionSummary, SelfProtectionPresence)."""
    return 1 << (day.day - 1)


def summarised_modules() -> dict[int, list[int]]:
    """The lessons of each module its completions are summarised for (`SummarisedModule`), by module id."""
    return read(("modules",), lambda _every: dict(SummarisedModule.objects.values_list("module_id", "lesson_ids")))


def summarised_lessons(slug: str) -> list[int] | None:
    """The lessons of a topic its summary rows hold, every centre done (None: not summarised, or being rebuilt)."""
    found = SummarisedTopic.objects.filter(slug=slug, complete=True).values_list("lesson_ids", flat=True)
    return read(("topic", slug), lambda _every: found.first())


def _self_protection_rows(sessions, attendance) -> dict[type, list]:
    """The self-protection rows of these held sessions and their attendance: per centre and month the days
    sessions of the summarised self-protection lessons were held, and per child present the days they were."""
    lesson_ids = SummarisedTopic.objects.filter(slug=SELF_PROTECTION_TOPIC).values_list("lesson_ids", flat=True).first()
    if not lesson_ids:
        return {}
    held: dict[tuple, int] = defaultdict(int)
    for centre_id, day in sessions.filter(lesson_id__in=lesson_ids).values_list("group__centre_id", "date"):
        held[(centre_id, _month(day))] |= day_bit(day)
    present: dict[tuple, list] = {}
    rows = attendance.filter(session__lesson_id__in=lesson_ids, status=PRESENT)
    for centre_id, day, learner_id, sex, year, band in rows.values_list(
        "session__group__centre_id",
        "session__date",
        "learner_id",
        "learner__sex",
        "learner__birth_year",
        "learner__age_band",
    ).iterator(chunk_size=5000):
        band = "" if year is not None else band
        found = present.setdefault((centre_id, _month(day), learner_id), [sex, year, band, 0])
        found[3] |= day_bit(day)
    return {
        SelfProtectionSummary: [SelfProtectionSummary(centre_id=c, month=m, days=d) for (c, m), d in held.items()],
        SelfProtectionPresence: [
            SelfProtectionPresence(
                centre_id=c, month=m, learner_id=learner, sex=sex, birth_year=year, age_band=band, days=days
            )
            for (c, m, learner), (sex, year, band, days) in present.items()
        ],
    }


def _quiz_rows(centre_ids: list[int], start: datetime.date | None, end: datetime.date | None) -> list[QuizSummary]:
    """The quiz summary rows of these centres and months: the pairs (`quiz_pairs`, the one rule) summed per month,
    lesson and kind of learner."""
    results = QuizResult.objects.filter(session__group__centre_id__in=centre_ids)
    if start is not None:
        results = results.filter(session__date__gte=start, session__date__lt=end)
    sums: dict[tuple, list] = {}
    for centre_id, day, lesson_id, sex, year, band, pre, post in quiz_pairs(results).values_list(
        *QUIZ_FIELDS, "pre", "post"
    ):
        key = (centre_id, _month(day), lesson_id, sex, year, "" if year is not None else band)
        found = sums.setdefault(key, [0, 0.0])
        found[0] += 1
        found[1] += post - pre
    return [
        QuizSummary(centre_id=c, month=m, lesson_id=lesson, sex=sex, birth_year=year, age_band=band, pairs=n, gain=gain)
        for (c, m, lesson, sex, year, band), (n, gain) in sums.items()
    ]


@transaction.atomic
def refresh(slices: Iterable[tuple[int, datetime.date]]) -> None:
    """Recompute these (centre id, first day of a month) slices from the records, inside the caller's
    transaction."""
    slices = {(centre_id, _month(month)) for centre_id, month in slices}
    _lock(slices)
    by_month: dict[datetime.date, list[int]] = {}
    for centre_id, month in sorted(slices):
        by_month.setdefault(month, []).append(centre_id)
    for month, centre_ids in by_month.items():
        _recompute(centre_ids, month, next_month(month))


def slices_of_learners(learner_ids: Iterable[int]) -> set[tuple[int, datetime.date]]:
    """The (centre, month) slices holding these learners' attendance or quiz results at held sessions."""
    rows = (
        Attendance.objects.filter(learner_id__in=list(learner_ids), session__status=HELD)
        .annotate(month=TruncMonth("session__date"))
        .order_by()
        .values_list("session__group__centre_id", "month")
        .distinct()
    )
    tested = (
        QuizResult.objects.filter(learner_id__in=list(learner_ids), session__status=HELD)
        .annotate(month=TruncMonth("session__date"))
        .order_by()
        .values_list("session__group__centre_id", "month")
        .distinct()
    )
    return {(centre_id, _month(month)) for centre_id, month in [*rows, *tested]}


# ---- module completion: one row per child and module, kept per learner ----------------------------------------


def curriculum_lessons() -> list[tuple]:
    """Every module of the live curriculum in dashboard order, with the ids of its lessons (in its source language:
    a module taught in Urdu and in English is one module)."""
    modules = list(curriculum_modules().select_related("topic").order_by("topic__sort_order", "path"))
    lessons = lessons_of_modules(modules)
    return [(module, [lesson.pk for lesson in lessons[module.pk]]) for module in modules]


def _lock_learners(learner_ids: Iterable[int]) -> None:
    """Take each learner's completion lock until the transaction ends (its own key space: -1)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for learner_id in sorted(set(learner_ids)):
            cursor.execute("SELECT pg_advisory_xact_lock(-1, %s)", [learner_id])


def refresh_completions(learner_ids: Iterable[int]) -> int:
    """Delete and recompute these learners' module completions (the rule of `courses.selectors.
    learners_who_completed`, for the lessons `SummarisedModule` lists); returns the rows written."""
    learner_ids = list(learner_ids)
    CompletionSummary.objects.filter(learner_id__in=learner_ids).delete()
    modules = dict(SummarisedModule.objects.values_list("module_id", "lesson_ids"))
    modules_of: dict[int, list[int]] = defaultdict(list)
    for module_id, lesson_ids in modules.items():
        for lesson_id in lesson_ids:
            modules_of[lesson_id].append(module_id)
    done: dict[tuple[int, int], list] = defaultdict(list)
    progress = lessons_completed(learner_ids=learner_ids, lesson_ids=list(modules_of)).values_list(
        "learner_id", "lesson_id", "completed_on"
    )
    for learner_id, lesson_id, day in progress.iterator(chunk_size=5000):
        for module_id in modules_of[lesson_id]:
            done[(learner_id, module_id)].append(day)
    complete = {key: max(days) for key, days in done.items() if len(days) == len(modules[key[1]])}
    who = {
        row[0]: row[1:]
        for row in Learner.objects.filter(pk__in={k[0] for k in complete}).values_list(
            "pk", "centre_id", "sex", "birth_year", "age_band"
        )
    }
    moves = moves_of(who)
    rows = []
    for (learner_id, module_id), day in complete.items():
        centre_id, sex, year, band = who[learner_id]
        centre_id = centre_on(centre_id, day, moves.get(learner_id, []))
        band = "" if year is not None else band
        rows.append(
            CompletionSummary(
                module_id=module_id,
                learner_id=learner_id,
                centre_id=centre_id,
                day=day,
                sex=sex,
                birth_year=year,
                age_band=band,
            )
        )
    CompletionSummary.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


@receiver(records_changed)
def _records_changed(sender, *, slices, learner_ids, progress_of, **kwargs) -> None:
    """Keep the summaries exact after a service's write (lms.summaries.changed), in its transaction."""
    refresh(set(slices) | (slices_of_learners(learner_ids) if learner_ids else set()))
    completers = set(learner_ids) | set(progress_of)
    if completers:
        _lock_learners(completers)
        refresh_completions(completers)


def rebuild(*, log: Callable[[str], None] = lambda message: None) -> int:
    """Recompute every summary from the records, one centre per transaction (the dashboard keeps answering from
    the others meanwhile), saying how far it got after each; returns the rows written."""
    centre_ids = list(Centre.objects.order_by("pk").values_list("pk", flat=True))
    with transaction.atomic():  # rows of centres that no longer exist (derived rows cascade, but be thorough)
        for model in SUMMARY_MODELS:
            model.objects.exclude(centre_id__in=centre_ids).delete()
        # The self-protection lessons as they are now. When an editor changed them, the figure reads the records
        # until every centre is recomputed below (writes meanwhile already summarise the new lessons).
        lesson_ids = sorted(topic_lesson_ids(SELF_PROTECTION_TOPIC))
        topic, _created = SummarisedTopic.objects.get_or_create(
            slug=SELF_PROTECTION_TOPIC, defaults={"lesson_ids": lesson_ids, "complete": False}
        )
        if topic.lesson_ids != lesson_ids:
            SummarisedTopic.objects.filter(pk=topic.pk).update(lesson_ids=lesson_ids, complete=False)
    written = 0
    for done, centre_id in enumerate(centre_ids, start=1):
        with transaction.atomic():
            _lock(
                (centre_id, _month(m))
                for m in SessionSummary.objects.filter(centre_id=centre_id).values_list("month", flat=True)
            )
            written += _recompute([centre_id])
        log(f"{done}/{len(centre_ids)} centres, {written} summary rows")
    written += rebuild_completions(log=log)
    with transaction.atomic():
        SummarisedTopic.objects.filter(slug=SELF_PROTECTION_TOPIC).update(complete=True)
        SummaryState.objects.all().delete()
        SummaryState.objects.create(built_at=timezone.now())
    analyse()
    return written


def analyse() -> None:
    """Fresh planner statistics for the summary tables on PostgreSQL after they were rewritten: without them the
    planner guesses a few rows and sorts where it should hash (the self-protection figure took 130 ms instead of
    40 at 500,000 learners). Autovacuum would get there, but only after its own threshold of changes."""
    if connection.vendor != "postgresql":
        return
    tables = [model._meta.db_table for model in (*SUMMARY_MODELS, CompletionSummary, SummarisedModule)]
    with connection.cursor() as cursor:
        # Table names from the models themselves, quoted.
        cursor.execute(f"ANALYZE {', '.join(connection.ops.quote_name(t) for t in tables)}")  # nosec B608


def rebuild_completions(*, log: Callable[[str], None] = lambda message: None, batch: int = 5000) -> int:
    """Record the live curriculum's modules and lessons, and recompute every module completion, in one transaction
    (readers see the old rows until it commits); returns the rows written."""
    learner_ids = list(Learner.objects.order_by("pk").values_list("pk", flat=True))
    written = 0
    with transaction.atomic():
        SummarisedModule.objects.all().delete()
        SummarisedModule.objects.bulk_create(
            SummarisedModule(module_id=module.pk, lesson_ids=sorted(lesson_ids))
            for module, lesson_ids in curriculum_lessons()
        )
        CompletionSummary.objects.all().delete()
        for first in range(0, len(learner_ids), batch):
            written += refresh_completions(learner_ids[first : first + batch])
            log(f"{min(first + batch, len(learner_ids))}/{len(learner_ids)} learners' module completions")
    return written


# ---- reading: which slices a period covers whole ----------------------------------------------------------------


def split(start: datetime.date, end: datetime.date, centre_ids: Iterable[int]) -> tuple[Q | None, list[tuple]]:
    """Split a period at some centres into what the summaries answer and what the records must: a filter on the
    summary tables for the (centre, month) slices whose held sessions all fall in the period, and the edges, as
    (first day, last day, centre ids), where a month cut by the period's first or last day had sessions on both
    sides of it (read from the records, only those days and centres). Months wholly inside the period are always
    whole; an edge month is whole when its sessions happen to lie inside (the usual "up to today")."""
    centre_ids = list(centre_ids)
    if not read(("built",), lambda _every: SummaryState.objects.exists()):
        return None, [(start, end, tuple(sorted(centre_ids)))] if centre_ids else []  # not filled yet: the records
    months, month = [], start.replace(day=1)
    while month <= end:
        months.append(month)
        month = next_month(month)
    inside = [m for m in months if m >= start and next_month(m) - datetime.timedelta(days=1) <= end]
    at_centres = Q() if every_centre_in(centre_ids) else Q(centre_id__in=centre_ids)
    whole = Q(month__in=inside) & at_centres if inside else None
    edges = []
    for month in (m for m in months if m not in inside):
        kept, cut = [], []
        rows = SessionSummary.objects.filter(month=month, centre_id__in=centre_ids)
        for centre_id, first, last in rows.values_list("centre_id", "first_day", "last_day"):
            if start <= first and last <= end:
                kept.append(centre_id)
            elif last >= start and first <= end:
                cut.append(centre_id)
        if kept:
            one = Q(month=month, centre_id__in=kept)
            whole = one if whole is None else whole | one
        if cut:
            last_day = next_month(month) - datetime.timedelta(days=1)
            edges.append((max(start, month), min(end, last_day), tuple(sorted(cut))))
    return whole, edges


# ---- reading: one query for many figures ------------------------------------------------------------------------

_shared: ContextVar[dict | None] = ContextVar("summary_reads", default=None)


@contextmanager
def shared_reads():
    """Within this block, figures that read the same summary rows for one scope share one query: the dashboard
    computes every module's completion and quiz gain from two queries instead of one per module."""
    token = _shared.set({})
    try:
        yield
    finally:
        _shared.reset(token)


def every_centre_in(centre_ids: Iterable[int]) -> bool:
    """Whether these ids hold every centre (the dashboard's default scope), so that a filter on them can go:
    PostgreSQL then scans a summary table in parallel instead of looking up each of 1,000 ids in an index (twice
    as slow at 500,000 learners). Every centre's id is read once per dashboard (`shared_reads`)."""
    every = read(("every-centre",), lambda _shared: set(Centre.objects.values_list("pk", flat=True)))
    return every <= set(centre_ids)


def read(key: tuple, compute: Callable[[bool], object]) -> object:
    """`compute(False)`: the rows one figure needs; or inside `shared_reads()`, `compute(True)`: the rows every
    figure of that kind needs, computed once for this key."""
    shared = _shared.get()
    if shared is None:
        return compute(False)
    if key not in shared:
        shared[key] = compute(True)
    return shared[key]
