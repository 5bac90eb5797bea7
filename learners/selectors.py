"""Reads about learners, groups and community structures that span relations: a group's current members,
who may still join it, a learner's current groups, and the community list with its activity.

Each function takes querysets already scoped by lms.access (or one object the view fetched from one) and
runs a fixed number of queries.
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, Exists, F, Max, OuterRef, Prefetch, Q, QuerySet, Subquery

from learners.models import (
    CONSENT_ON_FILE,
    CommunityGroup,
    Group,
    HelpContact,
    JobPlacement,
    Learner,
    LearnerSituation,
    Membership,
    PlacementFollowUp,
    Referral,
    ReferralFollowUp,
    SchoolEnrolment,
    ServiceProvider,
)
from lms import access


def current_members(group: Group) -> list[Membership]:
    """The group's open memberships, with their learners, by learner code."""
    return list(Membership.objects.filter(group=group).current().select_related("learner").order_by("learner__code"))


def likely_duplicates(*, centre, first_name: str, birth_year: int | None, age_band: str = "") -> QuerySet:
    """Learners of the centre who may be the same child as one about to be registered: the same first name (in
    any case, spaces around it ignored) and the same birth year, or, when no birth year is given, the same age
    band and no birth year either. By code."""
    learners = Learner.objects.filter(centre=centre, first_name__iexact=first_name.strip())
    if birth_year is not None:
        learners = learners.filter(birth_year=birth_year)
    else:
        learners = learners.filter(birth_year__isnull=True, age_band=age_band)
    return learners.order_by("code")


def membership_candidates(group: Group) -> QuerySet:
    """Active learners of the group's centre who are not current members of it, for adding to the group."""
    current = Membership.objects.filter(group=group).current().values("learner_id")
    return Learner.objects.filter(centre=group.centre_id, status=Learner.Status.ACTIVE).exclude(pk__in=current)


def current_groups_of(learner: Learner, groups: QuerySet) -> QuerySet:
    """Those of the given groups the learner is a current member of."""
    return groups.filter(pk__in=Membership.objects.filter(learner=learner).current().values("group_id"))


def year_before(day: datetime.date) -> datetime.date:
    """The same day a year earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def community_groups_with_activity(groups: QuerySet, *, today: datetime.date) -> QuerySet:
    """Community groups by centre, kind and name, each with its last meeting date and its number of meetings
    in the 12 months up to today."""
    return (
        groups.select_related("centre")
        .annotate(
            last_meeting=Max("meetings__date"),
            meetings_last_year=Count("meetings", filter=Q(meetings__date__gt=year_before(today))),
        )
        .order_by("centre__name", "kind", "name")
    )


def latest_events(events: QuerySet, *, limit: int) -> tuple[list, int]:
    """The latest sensitisation events (newest first, at most `limit`) and how many there are in all."""
    latest = list(events.select_related("centre").order_by("-date", "-id")[:limit])
    return latest, events.count() if len(latest) == limit else len(latest)


def community_group_learners(group: CommunityGroup) -> QuerySet:
    """The learners who are members of a child association, by code."""
    return group.learner_members.order_by("code")


def help_contacts_for(user: User | AnonymousUser) -> list[HelpContact | ServiceProvider]:
    """Where this reader gets help: the help contacts of the centres they belong to (`lms.access.home_centres`)
    first, then the programme's own; then the providers of the referral directory marked "show where to get
    help", of those centres first (each number is written once: in the help contacts or in the directory).
    Visitors, and anyone without a centre, see only the programme's own, the same for every one of them
    (anonymous pages may be cached). Two queries."""
    programme = Q(centre__isnull=True)
    if user.is_authenticated:
        programme |= Q(centre__in=access.home_centres(user))
    centres_first = F("centre_id").asc(nulls_last=True)
    contacts = list(HelpContact.objects.filter(programme).order_by(centres_first, "order", "pk"))
    providers = ServiceProvider.objects.filter(programme, show_in_help=True, is_active=True)
    return contacts + list(providers.order_by(centres_first, "kind", "name", "pk"))


def centre_roll_by_group(centre) -> tuple[list[tuple[Group, list[Learner]]], list[Learner]]:
    """The centre's active learners as its groups hold them, for choosing children: each active group with its
    current members (by code), then the active learners in no current group. Two queries."""
    by_group: dict[int, list[Learner]] = {}
    groups: dict[int, Group] = {}
    memberships = (
        Membership.objects.current()
        .filter(group__centre=centre, group__is_active=True, learner__status=Learner.Status.ACTIVE)
        .select_related("group", "learner")
        .order_by("group__name", "learner__code")
    )
    for membership in memberships:
        groups.setdefault(membership.group_id, membership.group)
        by_group.setdefault(membership.group_id, []).append(membership.learner)
    in_groups = Membership.objects.current().filter(group__centre=centre, group__is_active=True)
    ungrouped = list(
        Learner.objects.filter(centre=centre, status=Learner.Status.ACTIVE)
        .exclude(pk__in=in_groups.values("learner_id"))
        .order_by("code")
    )
    return [(groups[pk], by_group[pk]) for pk in groups], ungrouped


@dataclass(frozen=True)
class DueFollowUp:
    """A follow-up after placement not yet recorded: the job placement or school enrolment, the point (3 or
    6 months) and the day it falls due."""

    record: object
    is_job: bool
    point: int
    due_on: datetime.date
    last_day: datetime.date

    @property
    def kind(self) -> str:
        """'job' or 'school', as in the address of the form."""
        return "job" if self.is_job else "school"


def follow_ups_due(centres: QuerySet, *, today: datetime.date, limit: int = 50) -> list[DueFollowUp]:
    """Follow-ups not yet recorded of the consenting learners' job placements and school enrolments at these
    centres that fall due on or before today + PlacementFollowUp.NOTICE_DAYS and whose recording window is still
    open, soonest first (two queries, whatever the number)."""
    due: list[DueFollowUp] = []
    notice = today + datetime.timedelta(days=PlacementFollowUp.NOTICE_DAYS)
    for model, start_field, link, is_job in (
        (JobPlacement, "placed_on", "placement", True),
        (SchoolEnrolment, "enrolled_on", "enrolment", False),
    ):
        condition = Q()
        annotations = {}
        for point, after in PlacementFollowUp.DUE_AFTER_DAYS.items():
            last = PlacementFollowUp.WINDOW_DAYS[point][1]
            annotations[f"has{point}"] = Exists(PlacementFollowUp.objects.filter(**{link: OuterRef("pk")}, point=point))
            condition |= Q(
                **{
                    f"{start_field}__lte": notice - datetime.timedelta(days=after),
                    f"{start_field}__gte": today - datetime.timedelta(days=last),
                    f"has{point}": False,
                }
            )
        rows = (
            model.objects.filter(centre__in=centres)
            .filter(**{f"learner__{key}": value for key, value in CONSENT_ON_FILE.children})
            .annotate(**annotations)
            .filter(condition)
            .select_related("learner", "centre")
            .order_by(start_field, "pk")[: limit * 2]
        )
        for row in rows:
            start = getattr(row, start_field)
            for point in PlacementFollowUp.DUE_AFTER_DAYS:
                due_on = PlacementFollowUp.due_on(start, point)
                last_day = PlacementFollowUp.window(start, point)[1]
                if not getattr(row, f"has{point}") and due_on <= notice and today <= last_day:
                    due.append(DueFollowUp(row, is_job, point, due_on, last_day))
    due.sort(key=lambda item: (item.due_on, item.record.learner.code))
    return due[:limit]


def situation_at(day: datetime.date, learner_field: str = "pk") -> Subquery:
    """SQL for a learner's situation on a day: the situation of their latest row recorded on or before it (NULL
    when none was recorded by then). `learner_field` names the learner's id in the outer query. The one rule for
    "latest situation at the end of the period", also read as an anti-join by `reports.indicators.base`. A
    learner has one row a day at most (a constraint); were two ever on one day, the highest id would win."""
    latest = LearnerSituation.objects.filter(learner_id=OuterRef(learner_field), recorded_on__lte=day).order_by(
        "-recorded_on", "-pk"
    )
    return Subquery(latest.values("situation")[:1])


def situation_on(learner_ids, day: datetime.date) -> dict[int, LearnerSituation]:
    """Each learner's latest situation row recorded on or before the day, by learner id (learners with none
    are left out). One query. Callers must have asked `lms.access.may_see_situation` first."""
    latest = LearnerSituation.objects.filter(learner_id=OuterRef("learner_id"), recorded_on__lte=day).order_by(
        "-recorded_on", "-pk"
    )
    rows = LearnerSituation.objects.filter(learner_id__in=learner_ids, pk=Subquery(latest.values("pk")[:1]))
    return {row.learner_id: row for row in rows}


def situation_history(learner: Learner) -> list[LearnerSituation]:
    """A learner's situation rows, newest first, with who recorded them. Callers ask may_see_situation first."""
    return list(learner.situations.select_related("recorded_by").order_by("-recorded_on"))


def referrals_of(learner: Learner) -> list[Referral]:
    """The learner's referrals, newest first, each with its provider and its follow-ups (oldest first)."""
    return list(
        Referral.objects.filter(learner=learner)
        .select_related("provider")
        .prefetch_related(Prefetch("follow_ups", ReferralFollowUp.objects.order_by("on", "id")))
        .order_by("-referred_on", "-id")
    )


def referrals_due(referrals: QuerySet, *, today: datetime.date) -> QuerySet:
    """Of the given referrals (scoped by lms.access), those still pending whose follow-up is due by today,
    the most overdue first, with learner and provider."""
    return (
        referrals.filter(outcome=Referral.Outcome.PENDING, follow_up_on__lte=today)
        .select_related("learner", "provider")
        .order_by("follow_up_on", "learner__code", "pk")
    )


def providers_for(learner: Learner) -> QuerySet:
    """The providers a learner may be referred to: those in use of their centre's directory and the programme's."""
    return ServiceProvider.objects.filter(Q(centre=learner.centre_id) | Q(centre__isnull=True), is_active=True)
