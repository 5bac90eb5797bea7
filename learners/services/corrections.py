"""Correcting what was recorded by mistake: a coordination meeting or a training changed or removed, and a
follow-up after placement corrected.

Each service is keyword-only, runs in one transaction, refuses a user outside its scope first (the same people who
may record the row), validates with full_clean(), writes an audit entry with the values before and after (a removal
keeps every value in the audit), and returns a `Result`: changed, or unchanged when nothing differs.
"""

import datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from learners.models import CoordinationMeeting, PlacementFollowUp, TrainingEvent
from learners.services.coordination import _check_counts, _require_place, check_follow_up
from learners.services.registry import require_consent, validate_not_future
from lms import access, audit
from lms.results import Done, Result

MEETING_FIELDS = ["date", "level", "title", "organisations", "topics", "decisions"]
TRAINING_FIELDS = ["date", "audience", "topic", "participants_male", "participants_female"]
FOLLOW_UP_FIELDS = ["date", "still_there", "earnings"]
TEXT_FIELDS = {"title", "organisations", "topics", "decisions", "topic"}


def _apply(row, allowed: list[str], fields: dict, service: str) -> dict:
    """Set the given fields on the row (texts stripped); returns the values before, for the audit."""
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"{service} cannot change {sorted(unknown)}")
    before = audit.snapshot(row, allowed)
    for name, value in fields.items():
        setattr(row, name, value.strip() if name in TEXT_FIELDS and isinstance(value, str) else value)
    return before


def _save_changes(row, before: dict, allowed: list[str], action: str, acting_user: User) -> Result:
    """Validate and save the row when something changed, auditing the changes; otherwise change nothing."""
    changed = audit.changes(before, audit.snapshot(row, allowed))
    if not changed:
        return Result(row, Done.UNCHANGED)
    row.full_clean()
    row.save(update_fields=list(changed))
    audit.record(row, action, user=acting_user, data={"centre": row.centre_id, "changes": changed})
    return Result(row, Done.CHANGED)


@transaction.atomic
def coordination_meeting_update(*, meeting: CoordinationMeeting, acting_user: User, **fields) -> Result:
    """Correct a meeting's day, level, name, organisations, topics or decisions (its centre stays: remove a meeting
    recorded for the wrong centre and record it again)."""
    meeting = CoordinationMeeting.objects.select_for_update().get(pk=meeting.pk)
    _require_place(acting_user, meeting.centre)
    before = _apply(meeting, MEETING_FIELDS, fields, "coordination_meeting_update")
    validate_not_future("date", meeting.date)
    same = CoordinationMeeting.objects.filter(centre=meeting.centre_id, date=meeting.date, title=meeting.title)
    if same.exclude(pk=meeting.pk).exists():
        raise ValidationError(
            {"title": _("A meeting of that name on %(day)s is already recorded.") % {"day": date_format(meeting.date)}}
        )
    return _save_changes(meeting, before, MEETING_FIELDS, "lms.coordination.meeting_update", acting_user)


@transaction.atomic
def training_event_update(*, training: TrainingEvent, acting_user: User, **fields) -> Result:
    """Correct a training's day, audience, topic or participants by sex (its centre stays)."""
    training = TrainingEvent.objects.select_for_update().get(pk=training.pk)
    _require_place(acting_user, training.centre)
    before = _apply(training, TRAINING_FIELDS, fields, "training_event_update")
    _check_counts(participants_male=training.participants_male, participants_female=training.participants_female)
    validate_not_future("date", training.date)
    same = TrainingEvent.objects.filter(
        centre=training.centre_id, date=training.date, audience=training.audience, topic=training.topic
    )
    if same.exclude(pk=training.pk).exists():
        raise ValidationError(
            {
                "topic": _("A training on that topic for that audience on %(day)s is already recorded.")
                % {"day": date_format(training.date)}
            }
        )
    return _save_changes(training, before, TRAINING_FIELDS, "lms.coordination.training_update", acting_user)


def _remove(model, row, action: str, acting_user: User) -> Result:
    current = model.objects.select_for_update().filter(pk=row.pk).first()
    if current is None:
        return Result(row, Done.UNCHANGED)  # already removed: resubmitting changes nothing
    _require_place(acting_user, current.centre)
    fields = [f.name for f in model._meta.concrete_fields if f.name not in ("id", "recorded_at")]
    audit.record(current, action, user=acting_user, data={"values": audit.snapshot(current, fields)})
    current.delete()
    return Result(row, Done.CHANGED)


@transaction.atomic
def coordination_meeting_remove(*, meeting: CoordinationMeeting, acting_user: User) -> Result:
    """Remove a meeting recorded by mistake (the audit keeps its values)."""
    return _remove(CoordinationMeeting, meeting, "lms.coordination.meeting_remove", acting_user)


@transaction.atomic
def training_event_remove(*, training: TrainingEvent, acting_user: User) -> Result:
    """Remove a training recorded by mistake (the audit keeps its values)."""
    return _remove(TrainingEvent, training, "lms.coordination.training_remove", acting_user)


@transaction.atomic
def follow_up_update(
    *,
    follow_up: PlacementFollowUp,
    date: datetime.date,
    still_there: bool,
    earnings: str = "",
    acting_user: User,
) -> Result[PlacementFollowUp]:
    """Correct a follow-up after placement: its day (within its window), still there or not, and the earnings band.
    Only the facilitators of the centre where the placement was recorded (and administrators) may; consent must
    still be on file."""
    follow_up = PlacementFollowUp.objects.select_for_update().get(pk=follow_up.pk)
    of = follow_up.placement or follow_up.enrolment
    of = type(of).objects.select_related("learner", "centre").get(pk=of.pk)
    access.require_in(
        acting_user,
        access.centres_managed_by,
        of.centre,
        message=_("%(code)s was placed at another centre.") % {"code": of.learner.code},
    )
    require_consent([of.learner])
    earnings = check_follow_up(
        of=of, point=follow_up.point, date=date, still_there=still_there, earnings=earnings or ""
    )
    before = audit.snapshot(follow_up, FOLLOW_UP_FIELDS)
    follow_up.date, follow_up.still_there, follow_up.earnings = date, still_there, earnings
    changed = audit.changes(before, audit.snapshot(follow_up, FOLLOW_UP_FIELDS))
    if not changed:
        return Result(follow_up, Done.UNCHANGED)
    follow_up.full_clean()
    follow_up.save(update_fields=list(changed))
    data = {"learner": of.learner.code, "point": follow_up.point, "changes": changed}
    audit.record(follow_up, "lms.follow_up.update", user=acting_user, data=data)
    return Result(follow_up, Done.CHANGED)
