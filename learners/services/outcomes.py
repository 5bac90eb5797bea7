"""Every write about what learners received and achieved: services, vocational training and
certification, job placements, school enrolment, moves to another centre, and removing a mistake.

Each service is keyword-only, runs in one transaction, checks that the acting user manages the
learner's centre, refuses dates in the future or before the learner joined, validates with
full_clean(), writes an audit entry, and returns the existing row when the same thing is resubmitted.
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from learners.models import (
    Centre,
    CentreTransfer,
    JobPlacement,
    Learner,
    Membership,
    SchoolEnrolment,
    ServiceRecord,
    Trade,
    TrainingEnrolment,
)
from learners.services.registry import membership_end, require_consent, validate_not_future
from lms import access, audit, summaries
from lms.results import Done, Result
from lms.validators import MAX_GROUP_RECORD

# The records a facilitator may remove when recorded by mistake, by the name used in URLs.
OUTCOME_KINDS: dict[str, type[models.Model]] = {
    "service": ServiceRecord,
    "training": TrainingEnrolment,
    "placement": JobPlacement,
    "school": SchoolEnrolment,
}

TRAINING_FIELDS = ["completed_on", "certified_on", "certifying_board", "certificate_number"]


def _locked_learner(learner: Learner, acting_user: User) -> Learner:
    """The learner's current row, locked (a move changes the centre), once the user may record for them."""
    learner = Learner.objects.select_for_update().get(pk=learner.pk)
    access.require_in(acting_user, access.learners_managed_by, learner, message=_outside(learner))
    return learner


def _consenting_learner(learner: Learner, acting_user: User) -> Learner:
    """The learner's current row, locked, once the user may record for them and their consent and assent are on
    file (nothing is recorded about a child before that; a move or removing a mistake needs no consent)."""
    learner = _locked_learner(learner, acting_user)
    require_consent([learner])
    return learner


def _outside(learner: Learner) -> str:
    """The refusal for a user who does not manage the learner's centre."""
    return _("%(code)s belongs to another centre.") % {"code": learner.code}


def validate_learner_day(learner: Learner, field: str, day: datetime.date | None) -> None:
    """A day in a learner's history: not in the future and not before they joined the centre."""
    validate_not_future(field, day)
    if day is not None and day < learner.joined_on:
        raise ValidationError(
            {
                field: _("%(code)s joined on %(day)s: this date is before that.")
                % {"code": learner.code, "day": date_format(learner.joined_on)}
            }
        )


def _save_once(record: models.Model, existing: models.QuerySet) -> tuple[models.Model, bool]:
    """Save a new record, or return the one a simultaneous request saved first; (record, created)."""
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        found = existing.first()
        if found is None:
            raise
        return found, False
    return record, True


def _record_once(record, existing: models.QuerySet, action: str, fields: list[str], acting_user: User):
    """Validate and save a learner's new record (or return the one a simultaneous request saved first), and
    audit it with the learner's code, the centre and the given fields' values."""
    record.full_clean()
    record, created = _save_once(record, existing)
    if created:
        data = {"learner": record.learner.code, "centre": record.centre_id, **audit.snapshot(record, fields)}
        audit.record(record, action, user=acting_user, data=data)
    return record


@transaction.atomic
def service_record(
    *, learner: Learner, kind: str, date: datetime.date, provider: str = "", acting_user: User
) -> ServiceRecord:
    """Record that a learner received a service on a day (type, date and provider only, never case notes)."""
    learner = _consenting_learner(learner, acting_user)
    validate_learner_day(learner, "date", date)
    provider = (provider or "").strip()
    same = ServiceRecord.objects.filter(learner=learner, kind=kind, date=date, provider=provider)
    if found := same.first():
        return found
    record = ServiceRecord(
        learner=learner, centre=learner.centre, kind=kind, date=date, provider=provider, recorded_by=acting_user
    )
    return _record_once(record, same, "lms.service.record", ["kind", "date", "provider"], acting_user)


@dataclass(frozen=True)
class GroupRecording:
    """What one group record did: the rows it wrote, and the children who already had that record."""

    created: list[ServiceRecord]
    already: list[Learner]


def _codes(learners) -> str:
    return ", ".join(sorted(learner.code for learner in learners))


@transaction.atomic
def services_record_for_group(
    *,
    centre: Centre,
    learners,
    kind: str,
    date: datetime.date,
    provider: str = "",
    acting_user: User,
) -> Result[GroupRecording]:
    """Record one service given to many children of a centre at once (a recreation day, a medical camp, a hygiene
    kit distribution): one row per child, all or none. The same rules as one by one (`service_record`): every
    child needs consent and assent (the refusal names each one without), belongs to the centre and had joined by
    that day. A child who already has the same record that day is left as they were (resubmitting is harmless).
    One audit entry per row written, as one by one."""
    access.require_in(
        acting_user,
        access.centres_managed_by,
        centre,
        field="centre",
        message=_("You cannot change the records of %(centre)s.") % {"centre": centre.name},
    )
    ids = {learner.pk for learner in learners}
    if not ids:
        raise ValidationError({"learners": _("Choose at least one child.")})
    if len(ids) > MAX_GROUP_RECORD:
        raise ValidationError(
            {"learners": _("Choose at most %(limit)d children at a time.") % {"limit": MAX_GROUP_RECORD}}
        )
    chosen = list(Learner.objects.select_for_update().filter(pk__in=ids).order_by("code"))
    elsewhere = [learner for learner in chosen if learner.centre_id != centre.pk]
    if elsewhere:
        raise ValidationError(
            {
                "learners": _("Not learners of %(centre)s: %(codes)s.")
                % {"centre": centre.name, "codes": _codes(elsewhere)}
            }
        )
    require_consent(chosen)
    validate_not_future("date", date)
    late = [learner for learner in chosen if date < learner.joined_on]
    if late:
        raise ValidationError(
            {"date": _("These children joined after this date: %(codes)s.") % {"codes": _codes(late)}}
        )
    provider = (provider or "").strip()
    had = set(
        ServiceRecord.objects.filter(learner__in=chosen, kind=kind, date=date, provider=provider).values_list(
            "learner_id", flat=True
        )
    )
    rows = [
        ServiceRecord(learner=learner, centre=centre, kind=kind, date=date, provider=provider, recorded_by=acting_user)
        for learner in chosen
        if learner.pk not in had
    ]
    for row in rows:  # the keys were checked above; the constraint is the database's (a race rolls it all back)
        row.full_clean(exclude=["learner", "centre", "recorded_by"], validate_constraints=False)
    ServiceRecord.objects.bulk_create(rows)
    for row in rows:
        data = {"learner": row.learner.code, "centre": centre.pk, **audit.snapshot(row, ["kind", "date", "provider"])}
        audit.record(row, "lms.service.record", user=acting_user, data=data)
    recording = GroupRecording(created=rows, already=[learner for learner in chosen if learner.pk in had])
    return Result(recording, Done.CREATED if rows else Done.UNCHANGED)


@transaction.atomic
def training_enrol(
    *, learner: Learner, trade: Trade, enrolled_on: datetime.date, acting_user: User
) -> TrainingEnrolment:
    """Record that a learner started vocational training in a trade on a day."""
    learner = _consenting_learner(learner, acting_user)
    validate_learner_day(learner, "enrolled_on", enrolled_on)
    same = TrainingEnrolment.objects.filter(learner=learner, trade=trade, enrolled_on=enrolled_on)
    if found := same.first():
        return found
    training = TrainingEnrolment(
        learner=learner, centre=learner.centre, trade=trade, enrolled_on=enrolled_on, recorded_by=acting_user
    )
    return _record_once(training, same, "lms.training.enrol", ["trade", "enrolled_on"], acting_user)


def _check_training(training: TrainingEnrolment) -> None:
    learner = training.learner
    validate_learner_day(learner, "completed_on", training.completed_on)
    validate_learner_day(learner, "certified_on", training.certified_on)
    if training.completed_on and training.completed_on < training.enrolled_on:
        raise ValidationError({"completed_on": _("The completion cannot be dated before the enrolment.")})
    if training.certified_on and training.certified_on < training.enrolled_on:
        raise ValidationError({"certified_on": _("The certificate cannot be dated before the enrolment.")})
    if training.certified_on and not training.certifying_board:
        raise ValidationError({"certifying_board": _("Name the board that certified the training.")})
    if not training.certified_on and (training.certifying_board or training.certificate_number):
        raise ValidationError({"certified_on": _("Give the date of the certificate.")})


@transaction.atomic
def training_update(
    *,
    training: TrainingEnrolment,
    completed_on: datetime.date | None = None,
    certified_on: datetime.date | None = None,
    certifying_board: str = "",
    certificate_number: str = "",
    acting_user: User,
) -> TrainingEnrolment:
    """Record a training's completion and/or certification; values not given keep what was recorded."""
    training = TrainingEnrolment.objects.select_for_update().get(pk=training.pk)
    training.learner = _consenting_learner(training.learner, acting_user)
    before = audit.snapshot(training, TRAINING_FIELDS)
    given = {
        "completed_on": completed_on,
        "certified_on": certified_on,
        "certifying_board": (certifying_board or "").strip(),
        "certificate_number": (certificate_number or "").strip(),
    }
    for name, value in given.items():
        if value:
            setattr(training, name, value)
    changed = audit.changes(before, audit.snapshot(training, TRAINING_FIELDS))
    if not changed:
        return training  # resubmitting the same values changes nothing
    _check_training(training)
    training.full_clean()
    training.save(update_fields=TRAINING_FIELDS)
    audit.record(
        training, "lms.training.update", user=acting_user, data={"learner": training.learner.code, "changes": changed}
    )
    return training


@transaction.atomic
def placement_record(
    *,
    learner: Learner,
    placed_on: datetime.date,
    kind: str,
    trade: Trade | None = None,
    sector: str = "",
    acting_user: User,
) -> JobPlacement:
    """Record that a learner was placed in work (employment, self-employment or apprenticeship) in a trade or sector."""
    learner = _consenting_learner(learner, acting_user)
    validate_learner_day(learner, "placed_on", placed_on)
    sector = (sector or "").strip()
    if trade is None and not sector:
        raise ValidationError({"sector": _("Choose a trade or write the sector of the work.")})
    existing = JobPlacement.objects.filter(learner=learner, placed_on=placed_on, kind=kind)
    if found := existing.first():
        if found.trade_id == (trade.pk if trade else None) and found.sector == sector:
            return found
        raise ValidationError(_("This placement of %(code)s on that day is already recorded.") % {"code": learner.code})
    placement = JobPlacement(
        learner=learner,
        centre=learner.centre,
        placed_on=placed_on,
        kind=kind,
        trade=trade,
        sector=sector,
        recorded_by=acting_user,
    )
    fields = ["placed_on", "kind", "trade", "sector"]
    return _record_once(placement, existing, "lms.placement.record", fields, acting_user)


@transaction.atomic
def school_enrolment_record(
    *, learner: Learner, enrolled_on: datetime.date, grade: str, acting_user: User
) -> SchoolEnrolment:
    """Record that a learner was enrolled in formal school (mainstreamed) on a day, in a class or grade."""
    learner = _consenting_learner(learner, acting_user)
    validate_learner_day(learner, "enrolled_on", enrolled_on)
    grade = (grade or "").strip()
    existing = SchoolEnrolment.objects.filter(learner=learner, enrolled_on=enrolled_on)
    if found := existing.first():
        if found.grade == grade:
            return found
        raise ValidationError(
            {
                "enrolled_on": _("A school enrolment of %(code)s on that day is already recorded.")
                % {"code": learner.code}
            }
        )
    enrolment = SchoolEnrolment(
        learner=learner, centre=learner.centre, enrolled_on=enrolled_on, grade=grade, recorded_by=acting_user
    )
    return _record_once(enrolment, existing, "lms.school.record", ["enrolled_on", "grade"], acting_user)


def _check_transfer(learner: Learner, to_centre: Centre, moved_on: datetime.date, open_memberships) -> None:
    if to_centre.pk == learner.centre_id:
        raise ValidationError({"to_centre": _("%(code)s is already at this centre.") % {"code": learner.code}})
    if not to_centre.is_active:
        raise ValidationError({"to_centre": _("%(centre)s is not active.") % {"centre": to_centre.name}})
    validate_learner_day(learner, "moved_on", moved_on)
    last = CentreTransfer.objects.filter(learner=learner).order_by("-moved_on", "-id").first()
    if last is not None and moved_on < last.moved_on:
        raise ValidationError(
            {
                "moved_on": _("%(code)s last moved on %(day)s: this move cannot be dated before that.")
                % {"code": learner.code, "day": date_format(last.moved_on)}
            }
        )
    for membership in open_memberships:
        if moved_on < membership.joined_on:
            raise ValidationError(
                {
                    "moved_on": _("%(code)s joined %(group)s on %(day)s: the move cannot be dated before that.")
                    % {"code": learner.code, "group": membership.group.name, "day": date_format(membership.joined_on)}
                }
            )


@transaction.atomic
def learner_transfer(
    *, learner: Learner, to_centre: Centre, moved_on: datetime.date, acting_user: User
) -> CentreTransfer:
    """Move a learner to another centre on a day: their groups here end that day, and their code stays."""
    learner = Learner.objects.select_for_update().get(pk=learner.pk)
    last = CentreTransfer.objects.filter(learner=learner).order_by("-moved_on", "-id").first()
    done = last is not None and last.to_centre_id == to_centre.pk == learner.centre_id and last.moved_on == moved_on
    if done and any(access.can_manage_centre(acting_user, pk) for pk in (last.from_centre_id, learner.centre_id)):
        return last  # resubmitted: the move is already done
    access.require_in(acting_user, access.learners_managed_by, learner, message=_outside(learner))
    open_memberships = list(Membership.objects.current().filter(learner=learner).select_related("group"))
    _check_transfer(learner, to_centre, moved_on, open_memberships)
    for membership in open_memberships:
        membership_end(membership=membership, left_on=moved_on, acting_user=acting_user)
    transfer = CentreTransfer(
        learner=learner, from_centre=learner.centre, to_centre=to_centre, moved_on=moved_on, recorded_by=acting_user
    )
    transfer.full_clean()
    transfer.save()
    # The code stays; the number (unique per centre) is the next one of the new centre, so it never
    # collides with the number of a learner registered there (that code number is simply skipped).
    to_centre = Centre.objects.select_for_update().get(pk=to_centre.pk)
    number = to_centre.last_learner_number + 1
    Centre.objects.filter(pk=to_centre.pk).update(last_learner_number=number)
    Learner.objects.filter(pk=learner.pk).update(centre=to_centre, number=number)
    summaries.changed(progress_of=[learner.pk])  # modules completed count where the learner was on the day
    learner.centre, learner.number = to_centre, number
    audit.record(
        learner,
        "lms.learner.transfer",
        user=acting_user,
        data={
            "from": transfer.from_centre_id,
            "to": to_centre.pk,
            "moved_on": moved_on.isoformat(),
            "groups_left": [membership.group_id for membership in open_memberships],
        },
    )
    return transfer


@transaction.atomic
def outcome_remove(*, record: models.Model, acting_user: User) -> None:
    """Remove a service, training, placement or school record made by mistake (the audit keeps its values)."""
    kind = next((name for name, model in OUTCOME_KINDS.items() if isinstance(record, model)), None)
    if kind is None:
        raise TypeError(f"outcome_remove cannot remove {type(record).__name__}")
    model = OUTCOME_KINDS[kind]
    current = model.objects.select_for_update().filter(pk=record.pk).first()
    if current is None:
        return  # already removed: resubmitting changes nothing
    learner = _locked_learner(current.learner, acting_user)
    fields = [f.name for f in model._meta.concrete_fields if f.name not in ("id", "recorded_at")]
    values = audit.snapshot(current, fields)
    data = {"kind": kind, "learner": learner.code, "values": values}
    follow_ups = current.follow_ups.all() if kind in ("placement", "school") else None
    if follow_ups is not None and follow_ups:  # a mistaken placement's follow-ups go with it, kept in the audit
        data["follow_ups"] = [audit.snapshot(f, ["point", "date", "still_there", "earnings"]) for f in follow_ups]
        follow_ups.delete()
    audit.record(current, "lms.outcome.remove", user=acting_user, data=data)
    current.delete()
