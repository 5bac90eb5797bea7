"""Reads about delivery that span relations: a group's lessons, members on a day, attendance rates,
the progress grid, dashboard summaries and a learner's record.

Each function runs a fixed number of queries, whatever the size of the group or the data.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, Count, ExpressionWrapper, F, FloatField, Max, Q, QuerySet, When, Window
from django.db.models.functions import Length, RowNumber, Substr
from django.utils.translation import get_language_bidi, override
from wagtail.models import Page

from courses.models import (
    Attendance,
    GroupModule,
    LessonPage,
    LessonProgress,
    ModulePage,
    QuizResult,
    Session,
    curriculum_modules,
    in_source_locale,
)
from learners.models import (
    CentreTransfer,
    Group,
    JobPlacement,
    Learner,
    Membership,
    SchoolEnrolment,
    ServiceRecord,
    TrainingEnrolment,
)

HELD = Session.Status.HELD
PRESENT = Attendance.Status.PRESENT


def module_lessons(module: ModulePage) -> list[LessonPage]:
    """A module's live lessons in the order editors arranged them."""
    return list(LessonPage.objects.child_of(module).live().order_by("path"))


def group_modules(group: Group) -> list[ModulePage]:
    """The modules a group follows, in its order."""
    return [gm.module for gm in GroupModule.objects.filter(group=group).select_related("module")]


def lessons_of_modules(modules: list[ModulePage]) -> dict[int, list[LessonPage]]:
    """Live lessons of several modules, by module id, in tree order (one query)."""
    if not modules:
        return {}
    by_path = {module.path: module.pk for module in modules}
    condition = Q()
    for module in modules:
        condition |= Q(path__startswith=module.path, depth=module.depth + 1)
    lessons: dict[int, list[LessonPage]] = {module.pk: [] for module in modules}
    for lesson in LessonPage.objects.live().filter(condition).defer_streamfields().order_by("path"):
        lessons[by_path[lesson.module_path]].append(lesson)
    return lessons


def lesson_ids_of(modules) -> list[int]:
    """The ids of the live lessons of these modules, in tree order (one query)."""
    return [lesson.pk for lessons in lessons_of_modules(list(modules)).values() for lesson in lessons]


def topic_lesson_ids(topic_slug: str) -> list[int]:
    """The ids of the live lessons of the live modules of a topic (for example "self-protection"),
    in the curriculum's source language: a lesson counts once whatever language it was taught in."""
    return lesson_ids_of(curriculum_modules().filter(topic__slug=topic_slug))


@dataclass
class TaughtLesson:
    """The lesson as a group reads it: `page` is the live translation in the group's teaching language
    when there is one, else the source lesson, with `untranslated` set when the group's language lacks it."""

    page: LessonPage
    language: str
    untranslated: bool

    @property
    def direction(self) -> str:
        """The text direction of the page's language: "rtl" or "ltr"."""
        with override(self.language):
            return "rtl" if get_language_bidi() else "ltr"


def taught_lesson(lesson: LessonPage, language: str) -> TaughtLesson:
    """The version of a (source) lesson to show a group taught in `language` (one or two queries).

    Sessions always refer to the source lesson; its translations are only rendered."""
    translation = (
        LessonPage.objects.live()
        .filter(translation_key=lesson.translation_key, locale__language_code=language)
        .select_related("locale")
        .first()
    )
    if translation is not None:
        return TaughtLesson(page=translation, language=language, untranslated=False)
    source_language = lesson.locale.language_code
    return TaughtLesson(page=lesson, language=source_language, untranslated=source_language != language)


def group_follows_lesson(group: Group, lesson: LessonPage) -> bool:
    """True when the lesson belongs to a module the group follows."""
    return GroupModule.objects.filter(group=group, module__path=lesson.module_path).exists()


def member_ids_on(group: Group, day: datetime.date) -> list[int]:
    """Ids of the learners who were members of the group on a day."""
    return list(Membership.objects.on(day).filter(group=group).values_list("learner_id", flat=True))


def sensitive_lessons() -> QuerySet:
    """The lessons of modules marked sensitive (only trained facilitators deliver them, never peer educators),
    as a subquery of ids, in every language."""
    return (
        LessonPage.objects.annotate(parent_path=Substr("path", 1, Length("path") - LessonPage.steplen))
        .filter(parent_path__in=ModulePage.objects.filter(sensitive=True).values("path"))
        .values("pk")
    )


def is_sensitive_lesson(lesson: LessonPage) -> bool:
    """True when the lesson belongs to a module marked sensitive."""
    return ModulePage.objects.filter(path=lesson.module_path, sensitive=True).exists()


# ---- the two learning rules: "lesson completed" and "which quiz results count" --------------------


def lessons_completed(*, learner_ids=None, lesson_ids=None) -> QuerySet:
    """The one rule for "lesson completed": the learner was present at a held session of the lesson, in any
    group and at any centre (its progress row; the services keep one per learner and lesson, dated by the
    first such session). Every page and indicator asks this question here."""
    progress = LessonProgress.objects.all()
    if learner_ids is not None:
        progress = progress.filter(learner_id__in=learner_ids)
    if lesson_ids is not None:
        progress = progress.filter(lesson_id__in=lesson_ids)
    return progress


def completed_pairs(learner_ids, lesson_ids) -> set[tuple[int, int]]:
    """(learner id, lesson id) for each of these lessons these learners completed (one query)."""
    return set(lessons_completed(learner_ids=learner_ids, lesson_ids=lesson_ids).values_list("learner_id", "lesson_id"))


def learners_who_completed(lesson_ids) -> QuerySet:
    """One row per learner who completed every one of the lessons (a module: completion of the module),
    with `last`, the day they completed the last of them. Narrow it with `.filter(learner_id__in=...)`."""
    lesson_ids = list(lesson_ids)
    return (
        lessons_completed(lesson_ids=lesson_ids)
        .order_by()
        .values("learner_id")
        # One progress row per learner and lesson, so counting rows counts lessons.
        .annotate(lessons=Count("pk"), last=Max("completed_on"))
        .filter(lessons=len(lesson_ids))
    )


PERCENT = ExpressionWrapper(100.0 * F("score") / F("max_score"), output_field=FloatField())


def counted_quiz_results(results: QuerySet) -> QuerySet:
    """The one rule for which quiz results count, out of `results`: those of held sessions only (scores typed
    for a session that was then never held, or was cancelled, count nowhere)."""
    return results.filter(session__status=HELD)


def quiz_pairs(results: QuerySet) -> QuerySet:
    """The one rule for pre- to post-test gain: the pre-test and the post-test a learner took at the same held
    session make a pair (one row: `pre` and `post` in percent, `day` of the session, learner and lesson ids);
    the gain is post minus pre. A learner taught a lesson at two sessions (after moving group or centre) has
    two pairs, each measuring what one session taught; a test without its partner makes no pair."""
    return (
        counted_quiz_results(results)
        .order_by()
        .values("session_id", "learner_id", "lesson_id")
        .annotate(
            pre=Max(Case(When(kind=QuizResult.Kind.PRE, then=PERCENT))),
            post=Max(Case(When(kind=QuizResult.Kind.POST, then=PERCENT))),
            day=Max("session__date"),
        )
        .filter(pre__isnull=False, post__isnull=False)
    )


def best_post_tests(results: QuerySet) -> QuerySet:
    """A learner's post-test score of a lesson, for eligibility: the best of their counted post-tests (Moodle's
    default grading, the highest grade). One row per learner and lesson: `learner_id`, `lesson_id`, `best` (%)."""
    return (
        counted_quiz_results(results.filter(kind=QuizResult.Kind.POST))
        .order_by()
        .values("learner_id", "lesson_id")
        .annotate(best=Max(PERCENT))
    )


def average_gain(gains: list[float]) -> float | None:
    """The average of pre- to post-test gains, in percentage points to one decimal, or None without any."""
    return round(sum(gains) / len(gains), 1) if gains else None


def quiz_gain_by_module(learner_ids, lessons_by_module: dict[int, list[LessonPage]]) -> dict[int, float | None]:
    """Average pre- to post-test gain, in percentage points, per module, of these learners' counted results
    (wherever they took the tests). Only learner-lesson pairs with both tests count."""
    module_of_lesson = {lesson.pk: module_id for module_id, lessons in lessons_by_module.items() for lesson in lessons}
    gains: dict[int, list[float]] = defaultdict(list)
    results = QuizResult.objects.filter(learner_id__in=learner_ids, lesson_id__in=module_of_lesson)
    for row in quiz_pairs(results):
        gains[module_of_lesson[row["lesson_id"]]].append(row["post"] - row["pre"])
    return {module_id: average_gain(gains[module_id]) for module_id in lessons_by_module}


def members_on(group: Group, day: datetime.date) -> list[Learner]:
    """The learners who were members of the group on a day, by code."""
    return list(Learner.objects.filter(pk__in=member_ids_on(group, day)).order_by("code"))


@dataclass
class SessionMembers:
    """A session's members on its date: those whose attendance and scores may be recorded (consent and assent on
    file) and those left off every list and sheet until their consent is recorded again."""

    recordable: list[Learner]
    without_consent: list[Learner]


def session_members(session: Session) -> SessionMembers:
    """The members of the session's group on its date, split by whether anything may be recorded about them."""
    members = members_on(session.group, session.date)
    return SessionMembers(
        recordable=[learner for learner in members if learner.has_consent],
        without_consent=[learner for learner in members if not learner.has_consent],
    )


def quiz_question_count(lesson: LessonPage) -> int:
    """How many questions the lesson's quiz has (0 when it has none)."""
    quiz = lesson.quiz()
    return len(quiz["questions"]) if quiz else 0


def _rate(present: int, total: int) -> float | None:
    return round(100 * present / total) if total else None


@dataclass
class GridRow:
    """One learner's line in a group's progress grid."""

    learner: Learner
    cells: list[str]  # "completed", "missed" or "not_yet", one per lesson
    attendance_rate: float | None
    sessions_attended: int
    sessions_held: int


@dataclass
class ProgressGrid:
    """Learners by lessons of a group's modules, with attendance and quiz gain."""

    modules: list[tuple[ModulePage, list[LessonPage]]]
    rows: list[GridRow]
    gain_by_module: dict[int, float | None] = field(default_factory=dict)

    @property
    def lessons(self) -> list[LessonPage]:
        return [lesson for _module, lessons in self.modules for lesson in lessons]


def group_progress_grid(group: Group) -> ProgressGrid:
    """The progress grid of a group's current members.

    A cell is "completed" when the learner completed the lesson (in any group), "missed" when the
    group held a session of it while the learner was a member and they were not there, and
    "not_yet" otherwise. Attendance rates count only sessions held while the learner was a member.
    """
    modules = group_modules(group)
    lessons_by_module = lessons_of_modules(modules)
    lessons = [lesson for module in modules for lesson in lessons_by_module[module.pk]]
    memberships = list(
        Membership.objects.filter(group=group).select_related("learner").order_by("learner__code", "joined_on")
    )
    periods: dict[int, list[Membership]] = defaultdict(list)
    for membership in memberships:
        periods[membership.learner_id].append(membership)
    current = {m.learner_id: m.learner for m in memberships if m.is_current}
    held = list(Session.objects.filter(group=group, status=HELD).values("id", "lesson_id", "date"))
    present = set(
        Attendance.objects.filter(session__group=group, session__status=HELD, status=PRESENT).values_list(
            "learner_id", "session_id"
        )
    )
    completed = completed_pairs(list(current), [lesson.pk for lesson in lessons])
    rows = []
    for learner_id, learner in sorted(current.items(), key=lambda item: item[1].code):
        attended_sessions = [s for s in held if any(m.covers(s["date"]) for m in periods[learner_id])]
        attended = sum(1 for s in attended_sessions if (learner_id, s["id"]) in present)
        missed_lessons = {s["lesson_id"] for s in attended_sessions if (learner_id, s["id"]) not in present}
        cells = []
        for lesson in lessons:
            if (learner_id, lesson.pk) in completed:
                cells.append("completed")
            elif lesson.pk in missed_lessons:
                cells.append("missed")
            else:
                cells.append("not_yet")
        rows.append(
            GridRow(
                learner=learner,
                cells=cells,
                attendance_rate=_rate(attended, len(attended_sessions)),
                sessions_attended=attended,
                sessions_held=len(attended_sessions),
            )
        )
    return ProgressGrid(
        modules=[(module, lessons_by_module[module.pk]) for module in modules],
        rows=rows,
        gain_by_module=quiz_gain_by_module(list(current), lessons_by_module),
    )


@dataclass
class GroupSummary:
    """A group's headline figures for a dashboard."""

    group: Group
    members: int
    attendance_rate: float | None
    progress: float | None
    lessons: int


def lesson_ids_by_module_path(module_paths) -> dict[str, list[int]]:
    """The ids of each module's live lessons, by module path (one query, no page loaded)."""
    paths = list(module_paths)
    lesson_ids: dict[str, list[int]] = {path: [] for path in paths}
    if paths:
        for path, lesson_id in (
            LessonPage.objects.live()
            .annotate(parent_path=Substr("path", 1, Length("path") - LessonPage.steplen))
            .filter(parent_path__in=paths)
            .order_by("path")
            .values_list("parent_path", "pk")
        ):
            lesson_ids[path].append(lesson_id)
    return lesson_ids


def group_summaries(groups) -> list[GroupSummary]:
    """Members, attendance rate and progress for each group, in a fixed number of queries.

    Progress is the share of (current member, lesson of the group's modules) pairs completed, wherever the
    member completed the lesson: the same rule as the progress grid's "completed" cells.
    """
    groups = list(groups.select_related("centre").order_by("centre__name", "name"))
    ids = [g.pk for g in groups]
    members: dict[int, list[int]] = defaultdict(list)
    for group_id, learner_id in (
        Membership.objects.current().filter(group_id__in=ids).values_list("group_id", "learner_id")
    ):
        members[group_id].append(learner_id)
    attendance = {
        row["session__group_id"]: row
        for row in Attendance.objects.filter(session__group_id__in=ids, session__status=HELD)
        .values("session__group_id")
        .annotate(total=Count("id"), present=Count("id", filter=Q(status=PRESENT)))
    }
    followed = list(GroupModule.objects.filter(group_id__in=ids).values_list("group_id", "module__path"))
    per_module = lesson_ids_by_module_path({path for _group_id, path in followed})
    lessons: dict[int, list[int]] = defaultdict(list)
    for group_id, path in followed:
        lessons[group_id] += per_module[path]
    completed = completed_pairs(
        {lid for learner_ids in members.values() for lid in learner_ids},
        {lid for lesson_ids in per_module.values() for lid in lesson_ids},
    )
    summaries = []
    for group in groups:
        row = attendance.get(group.pk, {"total": 0, "present": 0})
        group_lessons, group_members = lessons[group.pk], members[group.pk]
        done = sum(1 for lid in group_members for lesson_id in group_lessons if (lid, lesson_id) in completed)
        summaries.append(
            GroupSummary(
                group=group,
                members=len(group_members),
                attendance_rate=_rate(row["present"], row["total"]),
                progress=_rate(done, len(group_members) * len(group_lessons)),
                lessons=len(group_lessons),
            )
        )
    return summaries


def learners_missing_recent_sessions(groups, count: int = 3) -> list[tuple[Learner, Group]]:
    """Current members who missed each of their group's last `count` held sessions."""
    ranked = (
        Session.objects.filter(group__in=groups, status=HELD)
        .annotate(rank=Window(RowNumber(), partition_by=[F("group_id")], order_by=[F("date").desc(), F("id").desc()]))
        .filter(rank__lte=count)
        .values_list("id", "group_id")
    )
    group_of = dict(ranked)
    # Counted here rather than grouped in SQL: joining the sessions for their group made PostgreSQL read the
    # whole session table, while these are a few rows per group.
    sessions: dict[tuple[int, int], int] = defaultdict(int)
    missed: dict[tuple[int, int], int] = defaultdict(int)
    attendance = Attendance.objects.filter(session_id__in=list(group_of))
    for learner_id, session_id, status in attendance.values_list("learner_id", "session_id", "status"):
        pair = (learner_id, group_of[session_id])
        sessions[pair] += 1
        missed[pair] += status != PRESENT
    pairs = {pair for pair, n in sessions.items() if n == count and missed[pair] == count}
    if not pairs:
        return []
    open_memberships = (
        Membership.objects.current().filter(learner_id__in={lid for lid, _ in pairs}).select_related("learner", "group")
    )
    return sorted(
        ((m.learner, m.group) for m in open_memberships if (m.learner_id, m.group_id) in pairs),
        key=lambda pair: (pair[1].name, pair[0].code),
    )


def sessions_between(groups, start: datetime.date, end: datetime.date):
    """Planned and held sessions of the groups between two dates, with group and lesson loaded."""
    return (
        Session.objects.filter(group__in=groups, date__range=(start, end))
        .exclude(status=Session.Status.CANCELLED)
        .select_related("group", "group__centre", "lesson")
        .defer("lesson__body", "lesson__objectives", "lesson__materials")
        .order_by("date", "group__name")
    )


@dataclass
class ModuleLearning:
    """A learner's learning in one module: lessons completed (of how many) and pre- to post-test gain."""

    module: ModulePage
    completed: list[LessonProgress]
    lessons: int
    gain: float | None


@dataclass
class LearnerRecord:
    """Everything the programme knows about a learner's learning."""

    learner: Learner
    memberships: list[Membership]
    sessions_attended: list[Attendance]
    sessions_counted: int
    attendance_rate: float | None
    progress_by_module: list[tuple[ModulePage, list[LessonProgress]]]
    quiz_results: list[QuizResult]
    services: list[ServiceRecord] = field(default_factory=list)
    trainings: list[TrainingEnrolment] = field(default_factory=list)
    placements: list[JobPlacement] = field(default_factory=list)
    school_enrolments: list[SchoolEnrolment] = field(default_factory=list)
    transfers: list[CentreTransfer] = field(default_factory=list)
    modules: list[ModuleLearning] = field(default_factory=list)


def lesson_content(prefix: str = "") -> list[str]:
    """A lesson page's content fields (the body, objectives, materials) through a relation `prefix`, to defer
    where a list of records only shows the lesson's title: the body is the widest column a record joins."""
    return [f"{prefix}{name}" for name in ("body", "objectives", "materials")]


def learner_record(learner: Learner) -> LearnerRecord:
    """A learner's groups, attendance, lessons completed per module, quiz results, services received,
    vocational training, job placements, school enrolments and moves between centres (one query each)."""
    memberships = list(learner.memberships.select_related("group", "group__centre").order_by("-joined_on"))
    attendance = list(
        Attendance.objects.filter(learner=learner, session__status=HELD)
        .select_related("session", "session__group", "session__lesson")
        .defer(*lesson_content("session__lesson__"))
        .order_by("-session__date")
    )
    present = [a for a in attendance if a.status == PRESENT]
    progress = list(
        lessons_completed(learner_ids=[learner.pk])
        .select_related("lesson")
        .defer(*lesson_content("lesson__"))
        .order_by("lesson__path")
    )
    by_module: dict[str, list[LessonProgress]] = defaultdict(list)
    for item in progress:
        by_module[item.lesson.module_path].append(item)
    results = list(
        QuizResult.objects.filter(learner=learner)
        .select_related("lesson", "session")
        .defer(*lesson_content("lesson__"))
        .order_by("-session__date", "kind")
    )
    module_paths = set(by_module) | {result.lesson.module_path for result in results}
    modules = {m.path: m for m in ModulePage.objects.filter(path__in=module_paths).order_by("path")}
    lessons = lessons_of_modules(list(modules.values()))
    gains = quiz_gain_by_module([learner.pk], lessons)
    return LearnerRecord(
        learner=learner,
        memberships=memberships,
        sessions_attended=present,
        sessions_counted=len(attendance),
        attendance_rate=_rate(len(present), len(attendance)),
        progress_by_module=[(modules[path], items) for path, items in sorted(by_module.items()) if path in modules],
        quiz_results=results,
        services=list(learner.services.select_related("recorded_by")),
        trainings=list(learner.trainings.select_related("trade", "recorded_by")),
        placements=list(learner.job_placements.select_related("trade", "recorded_by")),
        school_enrolments=list(learner.school_enrolments.select_related("recorded_by")),
        transfers=list(learner.transfers.select_related("from_centre", "to_centre", "recorded_by")),
        modules=[
            ModuleLearning(module, by_module.get(path, []), len(lessons[module.pk]), gains[module.pk])
            for path, module in modules.items()
        ],
    )


# --- Reads that the facilitators' pages make (dashboard, group page, planning, session pages, record) ---


def sessions_to_record(groups, today: datetime.date, *, days: int) -> list[Session]:
    """Planned sessions of the groups in the `days` before today that still have no attendance, oldest first."""
    start, end = today - datetime.timedelta(days=days), today - datetime.timedelta(days=1)
    return list(sessions_between(groups, start, end).filter(status=Session.Status.PLANNED))


@dataclass
class GroupSessions:
    """A group's sessions by status, each with its number of learners present: planned ones soonest first,
    held and cancelled ones newest first."""

    planned: list[Session]
    held: list[Session]
    cancelled: list[Session]


def group_sessions(group: Group) -> GroupSessions:
    """Every session of a group with its lesson and number present, sorted by status (one query)."""
    sessions = list(
        Session.objects.filter(group=group)
        .select_related("lesson")
        .annotate(present=Count("attendance", filter=Q(attendance__status=PRESENT)))
        .order_by("date", "id")
    )
    return GroupSessions(
        planned=[s for s in sessions if s.status == Session.Status.PLANNED],
        held=[s for s in sessions if s.status == HELD][::-1],
        cancelled=[s for s in sessions if s.status == Session.Status.CANCELLED][::-1],
    )


def group_module_lessons(group: Group) -> list[tuple[ModulePage, list[LessonPage]]]:
    """The modules a group follows, in its order, each with its live lessons (two queries)."""
    modules = group_modules(group)
    lessons = lessons_of_modules(modules)
    return [(module, lessons[module.pk]) for module in modules]


def module_of(lesson: LessonPage) -> ModulePage | None:
    """The module a lesson belongs to (its parent page)."""
    return ModulePage.objects.filter(path=lesson.module_path).first()


def attendance_recorded(session: Session) -> dict[int, str]:
    """The attendance recorded for a session: status by learner id (empty before it is recorded)."""
    return dict(Attendance.objects.filter(session=session).values_list("learner_id", "status"))


def quiz_results_of(session: Session) -> list[QuizResult]:
    """The pre- and post-test scores recorded at a session."""
    return list(QuizResult.objects.filter(session=session))


# --- Which lessons lack a translation (the editors' report) ---


class TranslationState:
    """The state of a source page's translation into one language, as the report names it."""

    MISSING = "missing"
    DRAFT = "draft"
    LIVE = "live"
    OLDER = "older"


@dataclass
class TranslationRow:
    """A source module or lesson and, by language code, the state of its translation."""

    page: ModulePage | LessonPage
    kind: str
    states: dict[str, str]

    @property
    def title(self) -> str:
        """The source page's title (its draft title when it has unpublished changes)."""
        return self.page.draft_title or self.page.title


def translation_states(locales) -> list[TranslationRow]:
    """Every source module and lesson, in tree order, with the state of its translation into each of
    `locales`: missing, draft only, live, or live but older than its source (the source was published
    after the translation). Three queries, whatever the size of the curriculum."""
    pages = list(
        in_source_locale(Page.objects.type(ModulePage, LessonPage))
        .order_by("path")
        .only("id", "title", "draft_title", "path", "depth", "translation_key", "last_published_at", "content_type")
    )
    module_type = ContentType.objects.get_for_model(ModulePage)  # cached after the first call
    found: dict[tuple, dict] = {}
    for row in (
        Page.objects.filter(translation_key__in=[page.translation_key for page in pages], locale__in=list(locales))
        .values("translation_key", "locale__language_code", "live", "last_published_at")
        .iterator()
    ):
        found[(row["translation_key"], row["locale__language_code"])] = row
    rows = []
    for page in pages:
        states = {}
        for locale in locales:
            translation = found.get((page.translation_key, locale.language_code))
            if translation is None:
                states[locale.language_code] = TranslationState.MISSING
            elif not translation["live"]:
                states[locale.language_code] = TranslationState.DRAFT
            elif _older(translation["last_published_at"], page.last_published_at):
                states[locale.language_code] = TranslationState.OLDER
            else:
                states[locale.language_code] = TranslationState.LIVE
        kind = "module" if page.content_type_id == module_type.pk else "lesson"
        rows.append(TranslationRow(page=page, kind=kind, states=states))
    return rows


def _older(translated_at, source_at) -> bool:
    """True when the source was published after its translation."""
    return bool(translated_at and source_at and source_at > translated_at)
