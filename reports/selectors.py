"""Reads the report pages and downloads share besides the indicators themselves, and one child's timeline."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, Max, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from courses.models import Attendance, Session
from learners.models import (
    CentreTransfer,
    CommunityGroup,
    JobPlacement,
    Learner,
    Membership,
    PlacementFollowUp,
    Referral,
    SchoolEnrolment,
    ServiceRecord,
    TrainingEnrolment,
)
from peer_educators.models import ProjectMember, StatusChange
from reports.indicators import Scope


def centre_names(centres, scope: Scope) -> list[str]:
    """The names of the scope's centres among the given ones (those the user may see), by name."""
    return list(centres.filter(pk__in=scope.centre_ids).order_by("name").values_list("name", flat=True))


# --- One child's timeline: everything recorded about a learner, in date order ---


@dataclass(frozen=True)
class TimelineItem:
    """One dated event in a learner's history: its kind (for the page's marker), a sentence, and where its record
    is (its own page, or the section of the learner record that lists it)."""

    date: datetime.date
    kind: str
    text: str
    url: str


def _record_url(learner: Learner, section: str = "") -> str:
    url = reverse("learner_record", kwargs={"code": learner.code})
    return f"{url}#{section}" if section else url


def _registration(learner: Learner) -> list[TimelineItem]:
    """Registration, the guardian's consent and the child's assent (no query: the learner is loaded)."""
    url = _record_url(learner)
    registered = _("Registered at %(centre)s") % {"centre": learner.centre.name}
    items = [TimelineItem(learner.joined_on, "registration", registered, url)]
    if learner.guardian_consent_on:
        items.append(TimelineItem(learner.guardian_consent_on, "consent", _("Guardian's consent recorded"), url))
    if learner.child_assent_on:
        items.append(TimelineItem(learner.child_assent_on, "consent", _("Child's assent recorded"), url))
    return items


def _groups(learner: Learner) -> list[TimelineItem]:
    """Joining and leaving each group (one query)."""
    items = []
    for membership in Membership.objects.filter(learner=learner).select_related("group"):
        url = reverse("group_detail", kwargs={"group_id": membership.group_id})
        name = {"group": membership.group.name}
        items.append(TimelineItem(membership.joined_on, "group", _("Joined %(group)s") % name, url))
        if membership.left_on:
            items.append(TimelineItem(membership.left_on, "group", _("Left %(group)s") % name, url))
    return items


def _sessions(learner: Learner) -> list[TimelineItem]:
    """One summary per group of the held sessions recorded for the learner, dated by the last (one query)."""
    rows = (
        Attendance.objects.filter(learner=learner, session__status=Session.Status.HELD)
        .values("session__group_id", "session__group__name")
        .annotate(
            total=Count("id"),
            present=Count("id", filter=Q(status=Attendance.Status.PRESENT)),
            first=Min("session__date"),
            last=Max("session__date"),
        )
        .order_by()
    )
    return [
        TimelineItem(
            row["last"],
            "sessions",
            ngettext(
                "Present at %(present)d of %(total)d session in %(group)s, from %(first)s",
                "Present at %(present)d of %(total)d sessions in %(group)s, from %(first)s",
                row["total"],
            )
            % {
                "present": row["present"],
                "total": row["total"],
                "group": row["session__group__name"],
                "first": date_format(row["first"]),
            },
            reverse("group_detail", kwargs={"group_id": row["session__group_id"]}),
        )
        for row in rows
    ]


def _services(learner: Learner) -> list[TimelineItem]:
    """Services received (one query)."""
    url = _record_url(learner, "services")
    items = []
    for record in ServiceRecord.objects.filter(learner=learner):
        text = _("Service received: %(kind)s") % {"kind": record.get_kind_display()}
        if record.provider:
            text = _("%(what)s, from %(provider)s") % {"what": text, "provider": record.provider}
        items.append(TimelineItem(record.date, "service", text, url))
    return items


def _trainings(learner: Learner) -> list[TimelineItem]:
    """Vocational training: enrolment, completion and certificate (one query)."""
    url = _record_url(learner, "training")
    items = []
    for training in TrainingEnrolment.objects.filter(learner=learner).select_related("trade"):
        trade = {"trade": training.trade.name}
        items.append(TimelineItem(training.enrolled_on, "training", _("Started training in %(trade)s") % trade, url))
        if training.completed_on:
            items.append(
                TimelineItem(training.completed_on, "training", _("Completed training in %(trade)s") % trade, url)
            )
        if training.certified_on:
            text = _("Certified in %(trade)s by %(board)s") % {**trade, "board": training.certifying_board}
            items.append(TimelineItem(training.certified_on, "training", text, url))
    return items


def _placements(learner: Learner) -> list[TimelineItem]:
    """Job placements (one query)."""
    url = _record_url(learner, "outcomes")
    return [
        TimelineItem(
            placement.placed_on,
            "placement",
            _("Placed in work: %(kind)s, %(where)s")
            % {
                "kind": placement.get_kind_display(),
                "where": placement.trade.name if placement.trade else placement.sector,
            },
            url,
        )
        for placement in JobPlacement.objects.filter(learner=learner).select_related("trade")
    ]


def _referrals(learner: Learner) -> list[TimelineItem]:
    """Referrals to service providers, with their outcome as it stands (one query)."""
    text = _("Referred to %(provider)s (%(reason)s): %(outcome)s")
    return [
        TimelineItem(
            referral.referred_on,
            "referral",
            text
            % {
                "provider": referral.provider.name,
                "reason": referral.get_reason_display(),
                "outcome": referral.get_outcome_display(),
            },
            reverse("referral_detail", kwargs={"referral_id": referral.pk}),
        )
        for referral in Referral.objects.filter(learner=learner).select_related("provider")
    ]


def _follow_ups(learner: Learner) -> list[TimelineItem]:
    """Follow-ups after a job placement or a school enrolment (one query)."""
    url = _record_url(learner, "outcomes")
    rows = PlacementFollowUp.objects.filter(Q(placement__learner=learner) | Q(enrolment__learner=learner))
    items = []
    for row in rows:
        if row.placement_id:
            text = (
                _("Follow-up after %(months)s months: still in the job")
                if row.still_there
                else _("Follow-up after %(months)s months: no longer in the job")
            )
        else:
            text = (
                _("Follow-up after %(months)s months: still at school")
                if row.still_there
                else _("Follow-up after %(months)s months: no longer at school")
            )
        items.append(TimelineItem(row.date, "follow-up", text % {"months": row.point}, url))
    return items


def _school(learner: Learner) -> list[TimelineItem]:
    """Enrolments in formal school (one query)."""
    url = _record_url(learner, "outcomes")
    text = _("Enrolled in school, class %(grade)s")
    return [
        TimelineItem(school.enrolled_on, "school", text % {"grade": school.grade}, url)
        for school in SchoolEnrolment.objects.filter(learner=learner)
    ]


def _moves(learner: Learner) -> list[TimelineItem]:
    """Moves between centres (one query)."""
    url = _record_url(learner, "moves")
    return [
        TimelineItem(
            move.moved_on,
            "move",
            _("Moved from %(from)s to %(to)s") % {"from": move.from_centre.name, "to": move.to_centre.name},
            url,
        )
        for move in CentreTransfer.objects.filter(learner=learner).select_related("from_centre", "to_centre")
    ]


def _pathway(learner: Learner) -> list[TimelineItem]:
    """Each step on the peer-educator pathway: nomination (with the endorsement), training, promotion, pauses
    (one query)."""
    changes = StatusChange.objects.filter(peer_educator__learner=learner).select_related("peer_educator")
    return [
        TimelineItem(
            change.changed_on,
            "peer",
            _("Peer educator: %(status)s") % {"status": change.get_status_display()},
            reverse("peer_detail", kwargs={"peer_id": change.peer_educator_id}),
        )
        for change in changes
    ]


def _projects(learner: Learner) -> list[TimelineItem]:
    """Social action projects the learner is on the team of, dated by the proposal (one query)."""
    return [
        TimelineItem(
            place.project.created_on,
            "project",
            _("On the team of the project %(title)s (%(status)s)")
            % {"title": place.project.title, "status": place.project.get_status_display()},
            reverse("project_detail", kwargs={"project_id": place.project_id}),
        )
        for place in ProjectMember.objects.filter(learner=learner).select_related("project")
    ]


def _associations(learner: Learner) -> list[TimelineItem]:
    """Child associations the learner is a member of, dated by the association's formation (or recording, when
    that is not known; one query)."""
    groups = CommunityGroup.objects.filter(learner_members=learner, kind=CommunityGroup.Kind.CHILD_ASSOCIATION)
    return [
        TimelineItem(
            group.formed_on or timezone.localdate(group.created_at),
            "association",
            _("Member of the child association %(name)s") % {"name": group.name},
            reverse("community_group_detail", kwargs={"group_id": group.pk}),
        )
        for group in groups
    ]


# The kinds of a timeline, each one function of the learner with a fixed number of queries; a new kind of record
# (referrals, follow-ups) is one more function here. On the same day, later kinds are shown above earlier ones.
TIMELINE_KINDS: tuple[Callable[[Learner], list[TimelineItem]], ...] = (
    _registration,
    _groups,
    _sessions,
    _services,
    _referrals,
    _trainings,
    _placements,
    _school,
    _follow_ups,
    _moves,
    _pathway,
    _projects,
    _associations,
)


def learner_timeline(learner: Learner) -> list[TimelineItem]:
    """Everything recorded about a learner, newest first, each item linking to its record: registration and consent,
    groups, a sessions summary per group, services, training, placements, school, moves, the peer-educator pathway,
    projects and child associations. `learner` comes with its centre loaded; one query per kind."""
    items = [item for kind in TIMELINE_KINDS for item in kind(learner)]
    order = {id(item): position for position, item in enumerate(items)}
    return sorted(items, key=lambda item: (item.date, order[id(item)]), reverse=True)
