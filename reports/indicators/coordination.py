"""Coordination and trainings indicators: coordination meetings held (by level), people trained (by audience and
sex), and young people retained at 6 months in the job or school they were placed in.

Meetings and trainings of the whole programme (no centre) count only when every centre is chosen: a figure
for some centres counts what those centres did."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from learners.models import (
    Centre,
    CoordinationMeeting,
    JobPlacement,
    Learner,
    PlacementFollowUp,
    SchoolEnrolment,
    TrainingEvent,
)
from reports.indicators.base import (
    COMMUNITY,
    OUTCOMES,
    Figure,
    RecordList,
    Scope,
    Tally,
    band_of,
    learner_counts,
    list_fetch,
    monthly,
    monthly_totals,
    sex_labels,
)


def _places(scope: Scope) -> Q:
    """Rows of the chosen centres, and of the whole programme when every centre is chosen."""
    condition = Q(centre_id__in=scope.centre_ids)
    if set(scope.centre_ids) >= set(Centre.objects.values_list("pk", flat=True)):
        condition |= Q(centre__isnull=True)
    return condition


def _where(row) -> str:
    return row.centre.name if row.centre_id else str(_("Whole programme"))


@dataclass
class CoordinationMeetingsHeld:
    """Coordination and advocacy meetings held at one level: district, provincial or national."""

    reads = frozenset({"coordination"})  # the records it reads (indicators.CHANGES)

    level: str
    key: str
    label: str
    section: str = COMMUNITY
    unit: str = "meetings"
    definition: str = _(
        "Meetings and forums with other organisations or government at this level held in the period, recorded by "
        "the chosen centres (and by the whole programme when every centre is chosen)."
    )

    def meetings(self, scope: Scope) -> QuerySet:
        """Meetings at this level held in the scope."""
        return CoordinationMeeting.objects.filter(
            _places(scope), level=self.level, date__gte=scope.start, date__lte=scope.end
        )

    def figure(self, scope: Scope) -> Figure:
        """Meetings in total and by month (meetings count no people, so there is no breakdown by sex)."""
        meetings = self.meetings(scope)
        months = monthly_totals(meetings, "date", Count("pk"))
        return Figure(
            self.key,
            str(self.label),
            str(self.definition),
            self.unit,
            str(self.section),
            sum(months.values()),
            [],
            [],
            monthly(scope, months),
        )

    def record_list(self, scope: Scope) -> RecordList:
        """The meetings, by date."""
        meetings = self.meetings(scope).select_related("centre").order_by("date", "pk")
        rows = [
            (m.date, _where(m), m.get_level_display(), m.title, m.organisations, m.topics, m.decisions)
            for m in meetings
        ]
        columns = [
            _("Date"),
            _("Centre"),
            _("Level"),
            _("Meeting or forum"),
            _("Organisations present"),
            _("Topics"),
            _("Decisions"),
        ]
        return RecordList(str(self.label), str(self.definition), [str(c) for c in columns], len(rows), list_fetch(rows))


@dataclass
class PeopleTrained:
    """People trained: staff, peer educators, caregivers and other stakeholders, by sex (and audience)."""

    reads = frozenset({"coordination"})  # the records it reads (indicators.CHANGES)

    key: str = "people-trained"
    section: str = COMMUNITY
    unit: str = "people"
    label: str = _("People trained")
    definition: str = _(
        "Participants of trainings held in the period for staff, peer educators, parents, primary caregivers and "
        "other stakeholders, recorded by the chosen centres (and by the whole programme when every centre is "
        "chosen), added up: a person at two trainings counts twice. The list of records gives each audience."
    )
    breakdown_note: str = _("Participants by sex and by audience")

    def trainings(self, scope: Scope) -> QuerySet:
        """Trainings held in the scope."""
        return TrainingEvent.objects.filter(_places(scope), date__gte=scope.start, date__lte=scope.end)

    def by_audience(self, scope: Scope) -> list[Tally]:
        """Participants of each audience (male and female), every audience in the order of the choices (one
        query)."""
        found = dict(
            self.trainings(scope)
            .order_by()
            .values("audience")
            .annotate(people=Sum(F("participants_male") + F("participants_female")))
            .values_list("audience", "people")
        )
        return [Tally(key, str(label), found.get(key) or 0) for key, label in TrainingEvent.Audience.choices]

    def figure(self, scope: Scope) -> Figure:
        """Participants in total, by sex, by audience and by month."""
        trainings = self.trainings(scope)
        totals = trainings.aggregate(male=Sum("participants_male"), female=Sum("participants_female"))
        male, female = totals["male"] or 0, totals["female"] or 0
        months = monthly_totals(trainings, "date", Sum(F("participants_male") + F("participants_female")))
        by_sex = [
            Tally(Learner.Sex.MALE.value, str(Learner.Sex.MALE.label), male),
            Tally(Learner.Sex.FEMALE.value, str(Learner.Sex.FEMALE.label), female),
        ]
        return Figure(
            self.key,
            str(self.label),
            str(self.definition),
            self.unit,
            str(self.section),
            male + female,
            by_sex,
            [],
            monthly(scope, months),
            str(self.breakdown_note),
            by_audience=self.by_audience(scope),
        )

    def record_list(self, scope: Scope) -> RecordList:
        """The trainings, by date."""
        trainings = self.trainings(scope).select_related("centre").order_by("date", "pk")
        rows = [
            (t.date, _where(t), t.get_audience_display(), t.topic, t.participants_male, t.participants_female)
            for t in trainings
        ]
        columns = [
            _("Date"),
            _("Centre"),
            _("Audience"),
            _("Topic"),
            _("Male participants"),
            _("Female participants"),
        ]
        return RecordList(str(self.label), str(self.definition), [str(c) for c in columns], len(rows), list_fetch(rows))


DISTRICT_MEETINGS = CoordinationMeetingsHeld(
    level=CoordinationMeeting.Level.DISTRICT,
    key="coordination-district",
    label=_("Coordination and advocacy meetings held at district level"),
)
PROVINCIAL_MEETINGS = CoordinationMeetingsHeld(
    level=CoordinationMeeting.Level.PROVINCIAL,
    key="coordination-provincial",
    label=_("Coordination and advocacy meetings held at provincial level"),
)
NATIONAL_MEETINGS = CoordinationMeetingsHeld(
    level=CoordinationMeeting.Level.NATIONAL,
    key="coordination-national",
    label=_("Coordination and advocacy meetings held at national level"),
)

SIX_MONTHS = PlacementFollowUp.DUE_AFTER_DAYS[6]


@dataclass
class RetainedAtSixMonths:
    """Job placements and school enrolments whose 6-month follow-up found the young person still there."""

    reads = frozenset({"outcomes"})  # the records it reads (indicators.CHANGES)

    key: str = "retained-6-months"
    section: str = OUTCOMES
    unit: str = "placements"
    label: str = _("Retained in the job or school at 6 months")
    definition: str = _(
        "Job placements and school enrolments of the chosen centres whose 6-month point (180 days after the start) "
        "falls in the period, and whose 6-month follow-up found the young person still in the job or at school. "
        "A placement with no 6-month follow-up recorded is not counted as retained: the list of records shows it "
        "as not followed up, beside those who had left."
    )
    breakdown_note: str = _("Retained young people by sex and age band")

    def _placements(self, scope: Scope) -> list[tuple[QuerySet, str, str]]:
        first = scope.start - datetime.timedelta(days=SIX_MONTHS)
        last = scope.end - datetime.timedelta(days=SIX_MONTHS)
        jobs = JobPlacement.objects.filter(centre_id__in=scope.centre_ids, placed_on__gte=first, placed_on__lte=last)
        schools = SchoolEnrolment.objects.filter(
            centre_id__in=scope.centre_ids, enrolled_on__gte=first, enrolled_on__lte=last
        )
        return [(jobs, "placement", "placed_on"), (schools, "enrolment", "enrolled_on")]

    def follow_ups(self, scope: Scope) -> QuerySet:
        """The 6-month follow-ups finding the young person still there, of placements in the scope."""
        condition = Q()
        for placements, link, _start in self._placements(scope):
            condition |= Q(**{f"{link}__in": placements.values("pk")})
        return PlacementFollowUp.objects.filter(condition, point=6, still_there=True)

    def figure(self, scope: Scope) -> Figure:
        """Placements retained, the young people by sex and age band, and by month of the 6-month point."""
        retained = self.follow_ups(scope)
        total = retained.count()
        learners = retained.annotate(who=Coalesce("placement__learner_id", "enrolment__learner_id")).values("who")
        _n, by_sex, by_band = learner_counts(learners, scope)
        months: dict = {}
        for placements, _link, start in self._placements(scope):
            kept = placements.filter(follow_ups__point=6, follow_ups__still_there=True)
            for day in kept.values_list(start, flat=True):
                point = (day + datetime.timedelta(days=SIX_MONTHS)).replace(day=1)
                months[point] = months.get(point, 0) + 1
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
        """Every placement whose 6-month point is in the period: retained, left, or not followed up."""
        sexes = sex_labels()
        found = {
            (row.placement_id or row.enrolment_id, bool(row.placement_id)): row.still_there
            for row in PlacementFollowUp.objects.filter(
                Q(placement__in=self._placements(scope)[0][0]) | Q(enrolment__in=self._placements(scope)[1][0]),
                point=6,
            )
        }
        states = {True: str(_("Retained")), False: str(_("Left")), None: str(_("Not followed up"))}
        rows = []
        for placements, link, start in self._placements(scope):
            is_job = link == "placement"
            for p in placements.select_related("learner", "centre").order_by(start, "pk"):
                day = getattr(p, start)
                rows.append(
                    (
                        p.learner.code,
                        p.learner.first_name,
                        sexes[p.learner.sex],
                        band_of(p.learner.birth_year, p.learner.age_band, scope.end),
                        p.centre.name,
                        str(_("Job")) if is_job else str(_("School")),
                        day,
                        day + datetime.timedelta(days=SIX_MONTHS),
                        states[found.get((p.pk, is_job))],
                    )
                )
        rows.sort(key=lambda row: (row[7], row[0]))
        columns = [
            _("Code"),
            _("First name"),
            _("Sex"),
            _("Age band"),
            _("Centre"),
            _("Placement"),
            _("Started on"),
            _("6-month point"),
            _("At 6 months"),
        ]
        return RecordList(
            str(self.label), str(self.definition), [str(c) for c in columns], len(rows), list_fetch(rows), 0
        )
