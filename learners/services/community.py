"""Every write to community structures: Parents' Community Committees and child associations, their
meetings, and sensitisation events for other stakeholders.

Each service is keyword-only, runs in one transaction, refuses a user who cannot change the centre's
records, validates with full_clean() and writes an audit entry. Recording the same meeting or event
twice returns the row already there.
"""

import datetime
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from learners.models import Centre, CommunityGroup, CommunityMeeting, Learner, SensitisationEvent
from learners.services.registry import require_consent, validate_not_future
from lms import access, audit
from lms.results import Done, Result

GROUP_FIELDS = ["name", "kind", "formed_on", "members_male", "members_female", "is_active"]


def _outside(centre: Centre) -> str:
    """The refusal for a user who does not manage the centre (administrators and its facilitators do)."""
    return _("You cannot change the records of %(centre)s.") % {"centre": centre.name}


def _check_counts(**counts: int | None) -> None:
    """Counts of people are whole numbers, zero or more; each bad one is named by its field."""
    errors = {
        name: _("A count cannot be negative.") for name, value in counts.items() if value is not None and value < 0
    }
    if errors:
        raise ValidationError(errors)


def _check_learner_members(kind: str, centre: Centre, learners: list[Learner]) -> None:
    """Only child associations list learners, and only learners of their own centre."""
    if not learners:
        return
    if kind == CommunityGroup.Kind.PCC:
        raise ValidationError(
            {"learner_members": _("A Parents' Community Committee has no learner members: count its members instead.")}
        )
    for learner in learners:
        if learner.centre_id != centre.pk:
            raise ValidationError(
                {"learner_members": _("%(code)s belongs to another centre.") % {"code": learner.code}}
            )


def _member_codes(group: CommunityGroup) -> list[str]:
    return sorted(group.learner_members.values_list("code", flat=True))


@transaction.atomic
def community_group_create(
    *,
    centre: Centre,
    kind: str,
    name: str,
    formed_on: datetime.date | None = None,
    members_male: int = 0,
    members_female: int = 0,
    learner_members: Iterable[Learner] = (),
    acting_user: User,
) -> CommunityGroup:
    """Record a PCC or child association at a centre. The same group (centre, name, kind) posted twice is kept once."""
    access.require_in(acting_user, access.centres_managed_by, centre, field="centre", message=_outside(centre))
    name = name.strip()
    existing = CommunityGroup.objects.filter(centre=centre, name=name).first()
    if existing is not None:
        if existing.kind == kind:
            return existing
        raise ValidationError(
            {"name": _("%(centre)s already has a group called %(name)s.") % {"centre": centre.name, "name": name}}
        )
    learners = list(learner_members)
    _check_counts(members_male=members_male, members_female=members_female)
    validate_not_future("formed_on", formed_on)
    _check_learner_members(kind, centre, learners)
    require_consent(learners)
    group = CommunityGroup(
        centre=centre,
        kind=kind,
        name=name,
        formed_on=formed_on,
        members_male=members_male,
        members_female=members_female,
    )
    group.full_clean()
    try:
        with transaction.atomic():
            group.save()
    except IntegrityError:  # a simultaneous request recorded the same group
        return CommunityGroup.objects.get(centre=centre, name=name)
    group.learner_members.set(learners)
    audit.record(
        group,
        "lms.community.create",
        user=acting_user,
        data={**audit.snapshot(group, ["centre", *GROUP_FIELDS]), "learner_members": sorted(x.code for x in learners)},
    )
    return group


@transaction.atomic
def community_group_update(*, group: CommunityGroup, acting_user: User, **fields) -> CommunityGroup:
    """Change a group's name, kind, formation date, member counts, learner members or whether it is active."""
    allowed = [*GROUP_FIELDS, "learner_members"]
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"community_group_update cannot change {sorted(unknown)}")
    group = CommunityGroup.objects.select_for_update().select_related("centre").get(pk=group.pk)
    access.require_in(
        acting_user, access.centres_managed_by, group.centre, field="centre", message=_outside(group.centre)
    )
    before = {**audit.snapshot(group, GROUP_FIELDS), "learner_members": _member_codes(group)}
    learners = list(fields.pop("learner_members")) if "learner_members" in fields else None
    for name, value in fields.items():
        setattr(group, name, value.strip() if name == "name" else value)
    _check_counts(members_male=group.members_male, members_female=group.members_female)
    validate_not_future("formed_on", group.formed_on)
    _check_learner_members(
        group.kind, group.centre, learners if learners is not None else list(group.learner_members.all())
    )
    if learners is not None:  # members who joined before a consent was withdrawn stay; newcomers need it
        already = set(group.learner_members.values_list("pk", flat=True))
        require_consent([learner for learner in learners if learner.pk not in already])
    first_meeting = group.meetings.order_by("date").values_list("date", flat=True).first()
    if group.formed_on and first_meeting and group.formed_on > first_meeting:
        raise ValidationError(
            {
                "formed_on": _("The group met on %(day)s, so it was formed by then.")
                % {"day": date_format(first_meeting)}
            }
        )
    group.full_clean()
    group.save()
    if learners is not None:
        group.learner_members.set(learners)
    after = {**audit.snapshot(group, GROUP_FIELDS), "learner_members": _member_codes(group)}
    changed = audit.changes(before, after)
    if changed:
        audit.record(group, "lms.community.update", user=acting_user, data={"changes": changed})
    return group


@transaction.atomic
def community_meeting_record(
    *, group: CommunityGroup, date: datetime.date, topics: str, attendance: int, acting_user: User
) -> Result[CommunityMeeting]:
    """Record a group's meeting on a day. Returns the meeting and what was done: created, or unchanged when a
    meeting was already recorded for that day (it is kept as it was)."""
    group = CommunityGroup.objects.select_related("centre").get(pk=group.pk)
    access.require_in(
        acting_user, access.centres_managed_by, group.centre, field="centre", message=_outside(group.centre)
    )
    existing = CommunityMeeting.objects.filter(group=group, date=date).first()
    if existing is not None:
        return Result(existing, Done.UNCHANGED)
    _check_counts(attendance=attendance)
    validate_not_future("date", date)
    if group.formed_on and date < group.formed_on:
        raise ValidationError(
            {
                "date": _("The group was formed on %(day)s: a meeting cannot be before that.")
                % {"day": date_format(group.formed_on)}
            }
        )
    meeting = CommunityMeeting(
        group=group, date=date, topics=topics.strip(), attendance=attendance, recorded_by=acting_user
    )
    meeting.full_clean()
    try:
        with transaction.atomic():
            meeting.save()
    except IntegrityError:  # a simultaneous request recorded the same meeting
        return Result(CommunityMeeting.objects.get(group=group, date=date), Done.UNCHANGED)
    audit.record(
        meeting,
        "lms.community.meeting",
        user=acting_user,
        data={"group": group.pk, "date": date.isoformat(), "attendance": attendance},
    )
    return Result(meeting, Done.CREATED)


@transaction.atomic
def sensitisation_event_record(
    *,
    centre: Centre,
    date: datetime.date,
    audience: str,
    participants_male: int,
    participants_female: int,
    topics: str,
    acting_user: User,
) -> Result[SensitisationEvent]:
    """Record an awareness session for an audience at a centre. Returns the event and what was done: created,
    or unchanged when one was already recorded that day for that audience (it is kept as it was)."""
    access.require_in(acting_user, access.centres_managed_by, centre, field="centre", message=_outside(centre))
    existing = SensitisationEvent.objects.filter(centre=centre, date=date, audience=audience).first()
    if existing is not None:
        return Result(existing, Done.UNCHANGED)
    _check_counts(participants_male=participants_male, participants_female=participants_female)
    validate_not_future("date", date)
    event = SensitisationEvent(
        centre=centre,
        date=date,
        audience=audience,
        participants_male=participants_male,
        participants_female=participants_female,
        topics=topics.strip(),
        recorded_by=acting_user,
    )
    event.full_clean()
    try:
        with transaction.atomic():
            event.save()
    except IntegrityError:  # a simultaneous request recorded the same event
        return Result(SensitisationEvent.objects.get(centre=centre, date=date, audience=audience), Done.UNCHANGED)
    audit.record(
        event,
        "lms.community.event",
        user=acting_user,
        data={
            "centre": centre.pk,
            "date": date.isoformat(),
            "audience": audience,
            "participants_male": participants_male,
            "participants_female": participants_female,
        },
    )
    return Result(event, Done.CREATED)
