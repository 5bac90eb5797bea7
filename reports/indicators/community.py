"""Community indicators: PCCs and child associations active, Child Friendly Spaces giving
self-protection education, people sensitised, and youth who implemented a social action project."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Max,
    Q,
    QuerySet,
    Sum,
    When,
)
from django.utils.translation import gettext_lazy as _

from courses import selectors as course_selectors
from courses.models import Attendance, curriculum_modules
from learners.models import (
    Centre,
    CommunityGroup,
    CommunityMeeting,
    Learner,
    SensitisationEvent,
)
from peer_educators import selectors as peer_selectors
from reports import summaries
from reports.indicators.base import (
    AGE_BANDS,
    COMMUNITY,
    PRESENT,
    SELF_PROTECTION_TOPIC,
    SEXES,
    Figure,
    RecordList,
    Scope,
    Tally,
    band_of,
    in_centres,
    learner_counts,
    list_fetch,
    monthly,
    monthly_totals,
    sex_labels,
    tally,
)
from reports.indicators.learning import held_sessions, session_list
from reports.models import CompletionSummary, SelfProtectionPresence, SelfProtectionSummary

# ---- active citizens -------------------------------------------------------------------------


@dataclass
class ActiveCitizens:
    """Youth trained as active citizens who implemented a social action project. It reads lessons completed (a
    session that completes a team member's training counts at once), so it is computed again after a session."""

    reads = frozenset({"projects", "sessions"})  # the records it reads (indicators.CHANGES)

    key: str = "active-citizens"
    section: str = COMMUNITY
    unit: str = "children"
    label: str = _("Youth trained as active citizens who implemented a social action project")
    definition: str = _(
        "Young people who completed every lesson of the active-citizenship module and were on the team of "
        "a social action project completed in the period, at the project's centre."
    )

    def members(self, scope: Scope) -> QuerySet:
        """Team places on projects completed in the scope, by youth who completed the training: who completed it is
        read from the module completion summary (one row per child and module), or from the lessons completed while
        a module's lessons differ from those summarised."""
        trained = self.trained()
        if trained is None:
            return self.members_from_records(scope)
        places = peer_selectors.completed_project_places(scope.centre_ids, start=scope.start, end=scope.end)
        return places.filter(learner_id__in=trained.filter(learner_id__in=places.values("learner_id")))

    def members_from_records(self, scope: Scope) -> QuerySet:
        """The same places, who completed the training read from the lessons completed."""
        return peer_selectors.active_citizen_places(scope.centre_ids, start=scope.start, end=scope.end)

    @staticmethod
    def trained() -> QuerySet | None:
        """The ids of youth with a completion of every active-citizenship module in the summary (None: a module's
        lessons differ from those summarised, or there is no such module with lessons)."""
        modules = course_selectors.lessons_of_modules(
            list(curriculum_modules().filter(topic__slug=peer_selectors.CITIZENSHIP_TOPIC))
        )
        modules = {
            module_id: sorted(lesson.pk for lesson in lessons) for module_id, lessons in modules.items() if lessons
        }
        summarised = summaries.summarised_modules()
        if not modules or any(summarised.get(module_id) != lesson_ids for module_id, lesson_ids in modules.items()):
            return None
        return (
            CompletionSummary.objects.filter(module_id__in=list(modules))
            .order_by()
            .values("learner_id")
            .annotate(modules=Count("module_id"))
            .filter(modules=len(modules))
            .values("learner_id")
        )

    def figure(self, scope: Scope) -> Figure:
        """Youth counted once, by sex and age band, and by the month their project was completed: one query for
        the team places (thousands at most), counted here."""
        return self._figure(scope, self.members(scope))

    def figure_from_records(self, scope: Scope) -> Figure:
        """The same figure, who completed the training read from the lessons completed (the reference)."""
        return self._figure(scope, self.members_from_records(scope))

    def _figure(self, scope: Scope, members: QuerySet) -> Figure:
        places = members.values_list(
            "learner_id", "project__completed_on", "learner__sex", "learner__birth_year", "learner__age_band"
        )
        youth: dict[int, tuple[str, str]] = {}
        by_month: dict = defaultdict(set)
        for learner_id, completed_on, sex, birth_year, age_band in places:
            youth[learner_id] = (sex, band_of(birth_year, age_band, scope.end))
            by_month[completed_on.replace(day=1)].add(learner_id)
        by_sex, by_band = defaultdict(int), defaultdict(int)
        for sex, band in youth.values():
            by_sex[sex] += 1
            by_band[band] += 1
        trend = monthly(scope, {month: len(learners) for month, learners in by_month.items()})
        return Figure(
            self.key,
            str(self.label),
            str(self.definition),
            self.unit,
            str(self.section),
            len(youth),
            tally(SEXES, by_sex),
            tally(AGE_BANDS, by_band),
            trend,
        )

    def record_list(self, scope: Scope) -> RecordList:
        """Each trained youth and the completed project they worked on."""
        members = (
            self.members(scope)
            .select_related("learner", "project__centre")
            .order_by("project__completed_on", "learner__code")
        )
        sexes = sex_labels()
        rows = [
            (
                m.learner.code,
                m.learner.first_name,
                sexes[m.learner.sex],
                band_of(m.learner.birth_year, m.learner.age_band, scope.end),
                m.project.centre.name,
                m.project.completed_on,
                m.project.title,
            )
            for m in members
        ]
        columns = [_("Code"), _("First name"), _("Sex"), _("Age band"), _("Centre"), _("Completed on"), _("Project")]
        return RecordList(
            str(self.label), str(self.definition), [str(c) for c in columns], len(rows), list_fetch(rows), 0
        )


# ---- community ------------------------------------------------------------------------------


@dataclass
class ActiveCommunityGroups:
    """PCCs or child associations that met at least once in the period."""

    reads = frozenset({"community"})  # the records it reads (indicators.CHANGES)

    kind: str
    key: str
    label: str
    definition: str
    section: str = COMMUNITY
    unit: str = "groups"
    breakdown_note: str = _("Members of these groups, by sex")

    def groups(self, scope: Scope) -> QuerySet:
        """The groups of this kind at the chosen centres with a meeting in the period."""
        meetings = CommunityMeeting.objects.filter(date__gte=scope.start, date__lte=scope.end)
        return CommunityGroup.objects.filter(
            kind=self.kind, centre_id__in=scope.centre_ids, meetings__in=meetings
        ).distinct()

    def figure(self, scope: Scope) -> Figure:
        """Active groups, their members by sex, and the groups that met each month."""
        groups = CommunityGroup.objects.filter(pk__in=self.groups(scope).values("pk"))
        totals = groups.aggregate(n=Count("pk"), male=Sum("members_male"), female=Sum("members_female"))
        meetings = CommunityMeeting.objects.filter(group__in=groups, date__gte=scope.start, date__lte=scope.end)
        months = monthly_totals(meetings, "date", Count("group_id", distinct=True))
        by_sex = tally(SEXES, {Learner.Sex.MALE: totals["male"] or 0, Learner.Sex.FEMALE: totals["female"] or 0})
        by_sex = [count for count in by_sex if count.key != Learner.Sex.OTHER]
        trend = monthly(scope, months)
        return Figure(
            self.key,
            str(self.label),
            str(self.definition),
            self.unit,
            str(self.section),
            totals["n"],
            by_sex,
            [],
            trend,
            str(self.breakdown_note),
        )

    def record_list(self, scope: Scope) -> RecordList:
        """The active groups with their meetings in the period."""
        groups = (
            CommunityGroup.objects.filter(pk__in=self.groups(scope).values("pk"))
            .select_related("centre")
            .annotate(
                met=Count("meetings", filter=Q(meetings__date__gte=scope.start, meetings__date__lte=scope.end)),
                last=Max("meetings__date", filter=Q(meetings__date__gte=scope.start, meetings__date__lte=scope.end)),
            )
            .order_by("centre__name", "name")
        )
        rows = [(g.name, g.centre.name, g.members_male, g.members_female, g.met, g.last) for g in groups]
        columns = [_("Name"), _("Centre"), _("Male members"), _("Female members"), _("Meetings"), _("Last meeting")]
        return RecordList(str(self.label), str(self.definition), [str(c) for c in columns], len(rows), list_fetch(rows))


PCCS = ActiveCommunityGroups(
    kind=CommunityGroup.Kind.PCC,
    key="pccs-active",
    label=_("Parents' Community Committees active"),
    definition=_("Parents' Community Committees of the chosen centres that held at least one meeting in the period."),
)
CHILD_ASSOCIATIONS = ActiveCommunityGroups(
    kind=CommunityGroup.Kind.CHILD_ASSOCIATION,
    key="child-associations-active",
    label=_("Child associations active"),
    definition=_("Child associations of the chosen centres that held at least one meeting in the period."),
)


KIND = ("sex", "birth_year", "age_band")  # a child's kind, as the summary tables keep it


def count_by_kind(children: QuerySet) -> list[tuple]:
    """Rows of (sex, birth year, age band, children) from rows of a child and their kind: the distinct children
    first (hashed), then counted by kind, a third faster over 200,000 rows than COUNT(DISTINCT) by kind (sorted)."""
    inner, params = children.distinct().query.sql_with_params()
    with connection.cursor() as cursor:
        # The inner statement is the ORM's own, with its parameters kept apart.
        cursor.execute(
            f"SELECT sex, birth_year, age_band, COUNT(*) FROM ({inner}) AS children GROUP BY sex, birth_year, age_band",  # nosec B608
            params,
        )
        return cursor.fetchall()


def summary_days_in(scope: Scope):
    """A filter of rows with `month` and `days` (bit d - 1 for day d) down to those with a day in the period: a
    month inside it whole, a month it cuts by the days it holds."""
    first = scope.start.replace(day=1)
    cut = {}
    for month in scope.months():
        last_day = summaries.next_month(month) - datetime.timedelta(days=1)
        if month < scope.start or last_day > scope.end:
            days = range(max(scope.start, month).day, min(scope.end, last_day).day + 1)
            cut[month] = sum(1 << (day - 1) for day in days)
    held = Case(
        *[When(month=month, then=F("days").bitand(mask)) for month, mask in cut.items()],
        default=F("days"),
        output_field=IntegerField(),
    )

    def in_period(rows: QuerySet) -> QuerySet:
        rows = rows.filter(month__gte=first, month__lte=scope.end)
        return rows.alias(held=held).exclude(held=0) if cut else rows

    return in_period


@dataclass
class SelfProtectionSpaces:
    """Child Friendly Spaces that held self-protection sessions in the period."""

    reads = frozenset({"sessions"})  # the records it reads (indicators.CHANGES)

    key: str = "cfs-self-protection"
    section: str = COMMUNITY
    unit: str = "centres"
    label: str = _("Child Friendly Spaces giving self-protection education")
    definition: str = _(
        "Chosen centres of the kind Child Friendly Space that held at least one session of a self-protection "
        "module in the period."
    )
    breakdown_note: str = _("Children present at those sessions, by sex and age band")

    def sessions(self, scope: Scope) -> QuerySet:
        """Self-protection sessions held at Child Friendly Spaces in the scope."""
        lesson_ids = course_selectors.topic_lesson_ids(SELF_PROTECTION_TOPIC)
        return held_sessions(scope).filter(group__centre__kind=Centre.Kind.CFS, lesson_id__in=lesson_ids)

    def figure(self, scope: Scope) -> Figure:
        """The spaces, the children they reached, and the spaces active each month, from the summary tables
        (reports/summaries.py: the days of each centre-month, and one row per child present and centre-month);
        from the records while the topic's lessons differ from those summarised."""
        lesson_ids = sorted(course_selectors.topic_lesson_ids(SELF_PROTECTION_TOPIC))
        if summaries.summarised_lessons(SELF_PROTECTION_TOPIC) != lesson_ids:
            return self.figure_from_records(scope)
        spaces = Centre.objects.filter(in_centres(scope, "pk"), kind=Centre.Kind.CFS)
        in_period = summary_days_in(scope)
        by_month: dict = defaultdict(set)
        for centre_id, month in in_period(SelfProtectionSummary.objects.filter(centre__in=spaces)).values_list(
            "centre_id", "month"
        ):
            by_month[month].add(centre_id)
        children = in_period(SelfProtectionPresence.objects.filter(centre__in=spaces)).order_by()
        by_sex, by_band = defaultdict(int), defaultdict(int)
        for sex, birth_year, age_band, n in count_by_kind(
            children.values("learner_id", "sex", "birth_year", "age_band")
        ):
            by_sex[sex] += n
            by_band[band_of(birth_year, age_band, scope.end)] += n
        total = len(set().union(*by_month.values()))
        months = {month: len(centres) for month, centres in by_month.items()}
        return self._figure(scope, total, tally(SEXES, by_sex), tally(AGE_BANDS, by_band), months)

    def figure_from_records(self, scope: Scope) -> Figure:
        """The same figure from the records alone (the reference the summaries are tested against)."""
        sessions = self.sessions(scope)
        total = sessions.values("group__centre_id").distinct().count()
        reached = Attendance.objects.filter(session__in=sessions, status=PRESENT).values("learner_id")
        _n, by_sex, by_band = learner_counts(reached, scope)
        months = monthly_totals(sessions, "date", Count("group__centre_id", distinct=True))
        return self._figure(scope, total, by_sex, by_band, months)

    def _figure(self, scope: Scope, total: int, by_sex: list, by_band: list, months: dict) -> Figure:
        return Figure(
            self.key,
            str(self.label),
            str(self.definition),
            self.unit,
            str(self.section),
            total,
            by_sex,
            by_band,
            monthly(scope, months),
            str(self.breakdown_note),
        )

    def record_list(self, scope: Scope) -> RecordList:
        """The self-protection sessions held at Child Friendly Spaces."""
        return session_list(str(self.label), str(self.definition), self.sessions(scope))


@dataclass
class PeopleSensitised:
    """People other than learners reached by sensitisation events."""

    reads = frozenset({"community"})  # the records it reads (indicators.CHANGES)

    key: str = "people-sensitised"
    section: str = COMMUNITY
    unit: str = "people"
    label: str = _("People reached by sensitisation events")
    definition: str = _(
        "Participants of sensitisation events on child rights and protection held by the chosen centres in the "
        "period (parents, elders, law enforcement, teachers, religious leaders and others), added up: a person at "
        "two events counts twice."
    )
    breakdown_note: str = _("Participants by sex")

    def events(self, scope: Scope) -> QuerySet:
        """Events held in the scope."""
        return SensitisationEvent.objects.filter(
            centre_id__in=scope.centre_ids, date__gte=scope.start, date__lte=scope.end
        )

    def figure(self, scope: Scope) -> Figure:
        """Participants in total, by sex and by month."""
        events = self.events(scope)
        totals = events.aggregate(male=Sum("participants_male"), female=Sum("participants_female"))
        male, female = totals["male"] or 0, totals["female"] or 0
        months = monthly_totals(events, "date", Sum(F("participants_male") + F("participants_female")))
        by_sex = [
            Tally(Learner.Sex.MALE.value, str(Learner.Sex.MALE.label), male),
            Tally(Learner.Sex.FEMALE.value, str(Learner.Sex.FEMALE.label), female),
        ]
        trend = monthly(scope, months)
        return Figure(
            self.key,
            str(self.label),
            str(self.definition),
            self.unit,
            str(self.section),
            male + female,
            by_sex,
            [],
            trend,
            str(self.breakdown_note),
        )

    def record_list(self, scope: Scope) -> RecordList:
        """The events, by date."""
        events = self.events(scope).select_related("centre").order_by("date", "centre__name", "pk")
        rows = [
            (e.date, e.centre.name, e.get_audience_display(), e.participants_male, e.participants_female, e.topics)
            for e in events
        ]
        columns = [_("Date"), _("Centre"), _("Audience"), _("Male participants"), _("Female participants"), _("Topics")]
        return RecordList(str(self.label), str(self.definition), [str(c) for c in columns], len(rows), list_fetch(rows))
