"""Every write to coordination and advocacy meetings, trainings given to staff, peer educators and
stakeholders, and follow-ups after a job placement or a school enrolment.

Each service is keyword-only, runs in one transaction, refuses a user outside its scope first, validates with
full_clean() and writes an audit entry. A row of a centre is recorded by the centre's facilitators (and
administrators); a row of the whole programme (no centre) by programme managers and administrators. Recording
the same meeting, training or follow-up twice returns the row already there, unchanged.
"""

import datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from learners.models import Centre, CoordinationMeeting, JobPlacement, PlacementFollowUp, SchoolEnrolment, TrainingEvent
from learners.services.registry import require_consent, validate_not_future
from lms import access, audit
from lms.results import Done, Result


def centres_or_programme_recorded_by(user: User) -> list[Centre | None]:
    """Where the user may record coordination and trainings: their managed centres, and None (the whole
    programme) for programme managers and administrators."""
    places: list[Centre | None] = [None] if access.reads_all_centres(user) else []
    return places + list(access.centres_managed_by(user).filter(is_active=True))


def _require_place(user: User, centre: Centre | None) -> None:
    """Refuse a user who may not record for this centre, or for the whole programme when there is no centre."""
    if centre is None:
        if not access.reads_all_centres(user):
            raise access.OutOfScope({"centre": _("Only programme managers record meetings of the whole programme.")})
        return
    access.require_in(
        user,
        access.centres_managed_by,
        centre,
        field="centre",
        message=_("You cannot change the records of %(centre)s.") % {"centre": centre.name},
    )


def _check_counts(**counts: int) -> None:
    errors = {name: _("A count cannot be negative.") for name, value in counts.items() if value < 0}
    if errors:
        raise ValidationError(errors)
    if not any(counts.values()):
        raise ValidationError(_("Count the participants: at least one."))


@transaction.atomic
def coordination_meeting_record(
    *,
    centre: Centre | None,
    date: datetime.date,
    level: str,
    title: str,
    organisations: str,
    topics: str,
    decisions: str = "",
    acting_user: User,
) -> Result[CoordinationMeeting]:
    """Record a meeting or forum with other organisations or government, for a centre or (no centre) the whole
    programme. Returns the meeting and what was done: created, or unchanged when the same meeting (place, day,
    title) was already recorded."""
    _require_place(acting_user, centre)
    title = title.strip()
    existing = CoordinationMeeting.objects.filter(centre=centre, date=date, title=title).first()
    if existing is not None:
        return Result(existing, Done.UNCHANGED)
    validate_not_future("date", date)
    meeting = CoordinationMeeting(
        centre=centre,
        date=date,
        level=level,
        title=title,
        organisations=organisations.strip(),
        topics=topics.strip(),
        decisions=decisions.strip(),
        recorded_by=acting_user,
    )
    meeting.full_clean()
    try:
        with transaction.atomic():
            meeting.save()
    except IntegrityError:  # a simultaneous request recorded the same meeting
        return Result(CoordinationMeeting.objects.get(centre=centre, date=date, title=title), Done.UNCHANGED)
    audit.record(
        meeting,
        "lms.coordination.meeting",
        user=acting_user,
        data=audit.snapshot(meeting, ["centre", "date", "level", "title"]),
    )
    return Result(meeting, Done.CREATED)


@transaction.atomic
def training_event_record(
    *,
    centre: Centre | None,
    date: datetime.date,
    audience: str,
    topic: str,
    participants_male: int,
    participants_female: int,
    acting_user: User,
) -> Result[TrainingEvent]:
    """Record a training given to an audience (staff, peer educators, caregivers, ...), for a centre or (no centre)
    the whole programme. Returns the training and what was done: created, or unchanged when the same training
    (place, day, audience, topic) was already recorded."""
    _require_place(acting_user, centre)
    topic = topic.strip()
    existing = TrainingEvent.objects.filter(centre=centre, date=date, audience=audience, topic=topic).first()
    if existing is not None:
        return Result(existing, Done.UNCHANGED)
    _check_counts(participants_male=participants_male, participants_female=participants_female)
    validate_not_future("date", date)
    training = TrainingEvent(
        centre=centre,
        date=date,
        audience=audience,
        topic=topic,
        participants_male=participants_male,
        participants_female=participants_female,
        recorded_by=acting_user,
    )
    training.full_clean()
    try:
        with transaction.atomic():
            training.save()
    except IntegrityError:  # a simultaneous request recorded the same training
        found = TrainingEvent.objects.get(centre=centre, date=date, audience=audience, topic=topic)
        return Result(found, Done.UNCHANGED)
    audit.record(
        training,
        "lms.coordination.training",
        user=acting_user,
        data=audit.snapshot(
            training, ["centre", "date", "audience", "topic", "participants_male", "participants_female"]
        ),
    )
    return Result(training, Done.CREATED)


def check_follow_up(
    *, of: JobPlacement | SchoolEnrolment, point: int, date: datetime.date, still_there: bool, earnings: str
) -> str:
    """Refuse a follow-up that breaks a rule (a day in the future or outside its window, earnings for school, no
    band for a job still held); returns the earnings band to store (none when no longer there)."""
    validate_not_future("date", date)
    if point not in PlacementFollowUp.DUE_AFTER_DAYS:
        raise ValidationError({"point": _("Choose the 3- or the 6-month follow-up.")})
    is_job = isinstance(of, JobPlacement)
    start = of.placed_on if is_job else of.enrolled_on
    first, last = PlacementFollowUp.window(start, point)
    if not first <= date <= last:
        raise ValidationError(
            {
                "date": _("The %(point)s-month follow-up is recorded between %(first)s and %(last)s.")
                % {"point": point, "first": date_format(first), "last": date_format(last)}
            }
        )
    if not is_job and earnings:
        raise ValidationError({"earnings": _("Earnings are recorded for jobs only.")})
    if is_job and still_there and not earnings:
        raise ValidationError({"earnings": _("Choose the monthly earnings band.")})
    return earnings if still_there else ""


@transaction.atomic
def follow_up_record(
    *,
    of: JobPlacement | SchoolEnrolment,
    point: int,
    date: datetime.date,
    still_there: bool,
    earnings: str = "",
    acting_user: User,
) -> Result[PlacementFollowUp]:
    """Record the 3- or 6-month follow-up of a job placement or a school enrolment: still there or not, and for a
    job still held the monthly earnings band. Returns the follow-up and what was done: created, or unchanged when
    that follow-up was already recorded (it is kept as it was). The child's consent must be on file."""
    is_job = isinstance(of, JobPlacement)
    of = type(of).objects.select_related("learner", "centre").get(pk=of.pk)
    access.require_in(
        acting_user,
        access.centres_managed_by,
        of.centre,
        message=_("%(code)s was placed at another centre.") % {"code": of.learner.code},
    )
    link = {"placement": of} if is_job else {"enrolment": of}
    existing = PlacementFollowUp.objects.filter(point=point, **link).first()
    if existing is not None:
        return Result(existing, Done.UNCHANGED)
    require_consent([of.learner])
    earnings = check_follow_up(of=of, point=point, date=date, still_there=still_there, earnings=earnings)
    follow_up = PlacementFollowUp(
        point=point, date=date, still_there=still_there, earnings=earnings, recorded_by=acting_user, **link
    )
    follow_up.full_clean()
    try:
        with transaction.atomic():
            follow_up.save()
    except IntegrityError:  # a simultaneous request recorded the same follow-up
        return Result(PlacementFollowUp.objects.get(point=point, **link), Done.UNCHANGED)
    audit.record(
        follow_up,
        "lms.follow_up.record",
        user=acting_user,
        data={
            "learner": of.learner.code,
            "of": "placement" if is_job else "enrolment",
            "record": of.pk,
            **audit.snapshot(follow_up, ["point", "date", "still_there", "earnings"]),
        },
    )
    return Result(follow_up, Done.CREATED)
