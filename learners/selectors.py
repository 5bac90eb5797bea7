"""Reads about learners, groups and community structures that span relations: a group's current members,
who may still join it, a learner's current groups, and the community list with its activity.

Each function takes querysets already scoped by lms.access (or one object the view fetched from one) and
runs a fixed number of queries.
"""

import datetime

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, F, Max, Prefetch, Q, QuerySet

from learners.models import (
    CommunityGroup,
    Group,
    HelpContact,
    Learner,
    Membership,
    Referral,
    ReferralFollowUp,
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
