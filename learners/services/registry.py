"""Every write to centres' learner records: registration, changes, consent, groups and membership.

Each service is keyword-only, runs in one transaction, validates with full_clean() and writes an
audit entry naming the acting user.
"""

import datetime
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from learners.models import (
    MAX_AGE,
    MIN_AGE,
    RISK_KINDS,
    Centre,
    Group,
    Learner,
    LearnerSituation,
    Membership,
    StaffAssignment,
)
from lms import access, audit, summaries
from lms.results import Done, Result

LEARNER_FIELDS = [
    "first_name",
    "sex",
    "birth_year",
    "age_band",
    "joined_on",
    "status",
    "guardian_consent_on",
    "child_assent_on",
]

CONSENT_FIELDS = [
    ("guardian_consent_on", "guardian_consent_recorded_by"),
    ("child_assent_on", "child_assent_recorded_by"),
]


def validate_birth_year(birth_year: int | None, *, today: datetime.date | None = None) -> None:
    """A birth year must not be in the future, and give an age between 5 and 25."""
    if birth_year is None:
        return
    today = today or timezone.localdate()
    if birth_year > today.year:
        raise ValidationError({"birth_year": _("The birth year cannot be in the future.")})
    age = today.year - birth_year
    if age < MIN_AGE or age > MAX_AGE:
        raise ValidationError(
            {
                "birth_year": _("This gives an age of %(age)s. Learners are between %(min)s and %(max)s years old.")
                % {"age": age, "min": MIN_AGE, "max": MAX_AGE}
            }
        )


def validate_not_future(field: str, day: datetime.date | None) -> None:
    """Dates of things that have happened cannot be after today."""
    if day is not None and day > timezone.localdate():
        raise ValidationError({field: _("This date is in the future.")})


def require_consent(learners: Iterable[Learner]) -> None:
    """Refuse (ValidationError, before anything is written) when any of these learners lacks the guardian's
    consent or the child's own assent: nothing is recorded about a child (group, attendance, scores, services,
    training, outcomes) until both are on file. The one place this rule is enforced; the refusal names them."""
    missing = sorted({learner.code for learner in learners if not learner.has_consent})
    if missing:
        raise ValidationError(
            ngettext(
                "No consent on file for %(codes)s: record the guardian's consent and the child's assent first.",
                "No consent on file for %(codes)s: record the guardian's consent and the children's assent first.",
                len(missing),
            )
            % {"codes": ", ".join(missing)},
            code="no_consent",
        )


def _check_learner(learner: Learner, *, check_age: bool = True) -> None:
    # The age range is checked when the birth year is given, not on later edits: a learner
    # registered at 25 must still be editable (to mark them completed) at 26.
    if check_age:
        validate_birth_year(learner.birth_year)
    if learner.birth_year is None and not learner.age_band:
        raise ValidationError({"age_band": _("Give the birth year or, when it is not known, an age band.")})
    for field in ("joined_on", "guardian_consent_on", "child_assent_on"):
        validate_not_future(field, getattr(learner, field))


@transaction.atomic
def learner_register(
    *,
    centre: Centre,
    first_name: str,
    sex: str,
    joined_on: datetime.date,
    birth_year: int | None = None,
    age_band: str = "",
    guardian_consent_on: datetime.date | None = None,
    child_assent_on: datetime.date | None = None,
    situation: str = "",
    risk_kinds: Iterable[str] = (),
    acting_user: User,
) -> Learner:
    """Register a learner at a centre with the next code there (for example QTA-0007, never reused), and, when
    given, their situation as of the day they joined (which needs consent and assent, like any record)."""
    access.require_in(acting_user, access.centres_managed_by, centre)
    centre = Centre.objects.select_for_update().get(pk=centre.pk)
    number = centre.last_learner_number + 1
    learner = Learner(
        centre=centre,
        number=number,
        code=Learner.format_code(centre.code, number),
        first_name=first_name.strip(),
        sex=sex,
        birth_year=birth_year,
        age_band=age_band or "",
        joined_on=joined_on,
        guardian_consent_on=guardian_consent_on,
        guardian_consent_recorded_by=acting_user if guardian_consent_on else None,
        child_assent_on=child_assent_on,
        child_assent_recorded_by=acting_user if child_assent_on else None,
    )
    _check_learner(learner)
    learner.full_clean()
    learner.save()
    Centre.objects.filter(pk=centre.pk).update(last_learner_number=number)
    audit.record(learner, "lms.learner.register", user=acting_user, data={"centre": centre.pk, "code": learner.code})
    if situation:
        learner_situation_record(
            learner=learner, situation=situation, risk_kinds=risk_kinds, recorded_on=joined_on, acting_user=acting_user
        )
    return learner


def check_situation(situation: str, risk_kinds: Iterable[str]) -> set[str]:
    """The risk kinds as a set, refused (ValidationError) unless they fit the situation: at least one kind for a
    child at risk, none for anyone else (the same rule as the database checks of LearnerSituation)."""
    kinds = set(risk_kinds)
    known = {key for _field, key, _label in RISK_KINDS}
    if situation not in LearnerSituation.Situation.values:
        raise ValidationError({"situation": _("Choose the child's situation.")})
    if kinds - known:
        raise ValidationError({"risk_kinds": _("Choose risk kinds from the list.")})
    if situation == LearnerSituation.Situation.AT_RISK and not kinds:
        raise ValidationError({"risk_kinds": _("Tick at least one risk for a child at risk.")})
    if situation != LearnerSituation.Situation.AT_RISK and kinds:
        raise ValidationError({"risk_kinds": _("Risks are ticked only for a child at risk.")})
    return kinds


@transaction.atomic
def learner_situation_record(
    *,
    learner: Learner,
    situation: str,
    risk_kinds: Iterable[str] = (),
    recorded_on: datetime.date,
    acting_user: User,
) -> Result[LearnerSituation]:
    """Record a learner's situation (survivor, at risk with its risks, or other) as of a day: a new row of their
    history, or a correction of the row of that same day. Facilitators of the learner's centre and administrators
    only; needs consent and assent; audited as lms.learner.situation (nothing written when it is the same)."""
    access.require_in(acting_user, access.learners_whose_situation_is_recorded_by, learner)
    learner = Learner.objects.get(pk=learner.pk)
    require_consent([learner])
    kinds = check_situation(situation, risk_kinds)
    validate_not_future("recorded_on", recorded_on)
    if recorded_on < learner.joined_on:
        raise ValidationError({"recorded_on": _("The situation cannot be recorded before the learner joined.")})
    values = {"situation": situation, **{field: key in kinds for field, key, _label in RISK_KINDS}}
    row = LearnerSituation.objects.select_for_update().filter(learner=learner, recorded_on=recorded_on).first()
    fields = list(values)
    before = audit.snapshot(row, fields) if row else {}
    if row is None:
        row, done = LearnerSituation(learner=learner, recorded_on=recorded_on, recorded_by=acting_user), Done.CREATED
    elif before == values:
        return Result(row, Done.UNCHANGED)
    else:
        row.recorded_by, done = acting_user, Done.CHANGED
    for name, value in values.items():
        setattr(row, name, value)
    row.full_clean()
    row.save()
    audit.record(
        learner,
        "lms.learner.situation",
        user=acting_user,
        data={"recorded_on": recorded_on.isoformat(), "changes": audit.changes(before, audit.snapshot(row, fields))},
    )
    return Result(row, done)


SUMMARISED_FIELDS = ("sex", "birth_year", "age_band")  # kept in the indicator summary tables


@transaction.atomic
def learner_update(*, learner: Learner, acting_user: User, **fields) -> Learner:
    """Change a learner's details (not the code or the centre); records who recorded consent."""
    unknown = set(fields) - set(LEARNER_FIELDS)
    if unknown:
        raise TypeError(f"learner_update cannot change {sorted(unknown)}")
    access.require_in(acting_user, access.learners_managed_by, learner)
    learner = Learner.objects.select_for_update().get(pk=learner.pk)
    before = audit.snapshot(learner, LEARNER_FIELDS)
    for name, value in fields.items():
        setattr(learner, name, value)
    after = audit.snapshot(learner, LEARNER_FIELDS)
    for day_field, recorder_field in CONSENT_FIELDS:
        if after[day_field] != before[day_field]:
            setattr(learner, recorder_field, acting_user if getattr(learner, day_field) else None)
    _check_learner(learner, check_age=after["birth_year"] != before["birth_year"])
    learner.full_clean()
    learner.save()
    if any(after[name] != before[name] for name in SUMMARISED_FIELDS):
        summaries.changed(learner_ids=[learner.pk])  # the indicator summaries count by sex and age
    changed = audit.changes(before, after)
    if changed:
        audit.record(learner, "lms.learner.update", user=acting_user, data={"changes": changed})
    return learner


def _check_group(group: Group, fields: Iterable[str] = ("facilitator", "name")) -> None:
    """The facilitator works at the group's centre, and no other group there has the same name (in any case).
    Only the given fields are checked: a group is not refused a change for a rule its other fields broke."""
    errors = {}
    centre, facilitator = group.centre, group.facilitator
    if "facilitator" in fields and not StaffAssignment.objects.filter(user=facilitator, centre=centre).exists():
        errors["facilitator"] = _("%(name)s is not assigned to %(centre)s.") % {
            "name": facilitator.get_full_name() or facilitator.get_username(),
            "centre": centre.name,
        }
    same_name = Group.objects.filter(centre=centre, name__iexact=group.name).exclude(pk=group.pk)
    if "name" in fields and group.name and same_name.exists():
        errors["name"] = _("%(centre)s already has a group with this name.") % {"centre": centre.name}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def group_create(
    *,
    centre: Centre,
    name: str,
    facilitator: User,
    members: Iterable[Learner] = (),
    joined_on: datetime.date | None = None,
    language: str | None = None,
    acting_user: User,
) -> Group:
    """Create a group at a centre, led by a facilitator of that centre, taught in `language` (else the site's
    default), with its first members from `joined_on` (optional). All or nothing: a refused member leaves no
    group behind."""
    access.require_in(acting_user, access.centres_managed_by, centre)
    group = Group(centre=centre, name=name.strip(), facilitator=facilitator)
    if language:
        group.language = language
    _check_group(group)
    group.full_clean()
    group.save()
    audit.record(
        group,
        "lms.group.create",
        user=acting_user,
        data={"centre": centre.pk, "name": group.name, "language": group.language},
    )
    members = list(members)
    if members:
        if joined_on is None:
            raise ValidationError({"joined_on": _("Give the day the members joined the group.")})
        memberships_add(group=group, learners=members, joined_on=joined_on, acting_user=acting_user)
    return group


@transaction.atomic
def group_update(*, group: Group, acting_user: User, **fields) -> Group:
    """Rename a group, change its facilitator (one of the centre's) or teaching language, or mark it inactive."""
    allowed = ["name", "facilitator", "is_active", "language"]
    if set(fields) - set(allowed):
        raise TypeError(f"group_update cannot change {sorted(set(fields) - set(allowed))}")
    access.require_in(acting_user, access.groups_managed_by, group)
    group = Group.objects.select_for_update().get(pk=group.pk)
    before = audit.snapshot(group, allowed)
    for name, value in fields.items():
        setattr(group, name, value.strip() if name == "name" else value)
    _check_group(group, [name for name, value in audit.snapshot(group, allowed).items() if value != before[name]])
    group.full_clean()
    group.save()
    changed = audit.changes(before, audit.snapshot(group, allowed))
    if changed:
        audit.record(group, "lms.group.update", user=acting_user, data={"changes": changed})
    return group


def _check_can_join(group: Group, learner: Learner, joined_on: datetime.date) -> None:
    if learner.centre_id != group.centre_id:
        raise ValidationError(_("%(code)s belongs to another centre.") % {"code": learner.code})
    require_consent([learner])
    if learner.status != Learner.Status.ACTIVE:
        raise ValidationError(_("%(code)s is not active.") % {"code": learner.code})
    if joined_on < learner.joined_on:
        raise ValidationError(_("A learner cannot join a group before joining the centre."))
    validate_not_future("joined_on", joined_on)


@transaction.atomic
def membership_add(*, group: Group, learner: Learner, joined_on: datetime.date, acting_user: User) -> Membership:
    """Add a learner to a group from a date. A learner already in the group is refused."""
    access.require_in(acting_user, access.groups_managed_by, group)
    group = Group.objects.select_for_update().get(pk=group.pk)
    _check_can_join(group, learner, joined_on)
    if Membership.objects.current().filter(group=group, learner=learner).exists():
        raise ValidationError(_("%(code)s is already in this group.") % {"code": learner.code})
    membership = Membership(group=group, learner=learner, joined_on=joined_on)
    membership.full_clean()
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError as error:  # a simultaneous request added the same learner
        raise ValidationError(_("%(code)s is already in this group.") % {"code": learner.code}) from error
    audit.record(
        learner, "lms.membership.add", user=acting_user, data={"group": group.pk, "joined_on": joined_on.isoformat()}
    )
    return membership


@transaction.atomic
def membership_end(*, membership: Membership, left_on: datetime.date, acting_user: User) -> Membership:
    """Record that a learner left a group on a date."""
    access.require_in(acting_user, access.groups_managed_by, membership.group_id)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.left_on is not None:
        return membership  # already ended: resubmitting changes nothing
    validate_not_future("left_on", left_on)
    if left_on < membership.joined_on:
        raise ValidationError({"left_on": _("A learner cannot leave a group before joining it.")})
    membership.left_on = left_on
    membership.full_clean()
    membership.save(update_fields=["left_on"])
    audit.record(
        membership.learner,
        "lms.membership.end",
        user=acting_user,
        data={"group": membership.group_id, "left_on": left_on.isoformat()},
    )
    return membership


@transaction.atomic
def learner_move(
    *, learner: Learner, from_group: Group, to_group: Group, on: datetime.date, acting_user: User
) -> Membership:
    """Move a learner between two groups of the same centre on a date: leave one, join the other."""
    for group in (from_group, to_group):
        access.require_in(acting_user, access.groups_managed_by, group)
    if from_group.pk == to_group.pk:
        raise ValidationError(_("Choose a different group to move to."))
    current = Membership.objects.current().filter(group=from_group, learner=learner).first()
    if current is None:
        raise ValidationError(_("%(code)s is not in that group.") % {"code": learner.code})
    membership_end(membership=current, left_on=on, acting_user=acting_user)
    return membership_add(group=to_group, learner=learner, joined_on=on, acting_user=acting_user)


@transaction.atomic
def memberships_add(
    *, group: Group, learners: Iterable[Learner], joined_on: datetime.date, acting_user: User
) -> list[Membership]:
    """Add several learners to a group from one date, all or none (one refused learner: nobody is added)."""
    return [
        membership_add(group=group, learner=learner, joined_on=joined_on, acting_user=acting_user)
        for learner in learners
    ]
