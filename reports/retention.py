"""Retention: learners who left the programme long ago keep their code and their dated records, and lose
everything that could identify them (first name, free text about them, their peer educator account).

The indicators count codes, dates, sex and birth years, never names or notes, so the figures of every past
period are the same before and after. The learner's situation history (survivor, at risk and of what, other:
`learners.models.LearnerSituation`) is kept as it is, deliberately: the breakdown of every past indicator by
situation must stay identical, and once the first name is gone its rows (a code, a day, a situation and its
risk kinds, no free text) no longer identify the child. Only administrators may anonymise
(`lms.access.learners_administered_by`);
`manage.py anonymise_leavers` runs it for everyone past the retention period.
"""

import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _
from wagtail.models import ModelLogEntry

from courses.models import Attendance
from learners.models import (
    CentreTransfer,
    JobPlacement,
    Learner,
    LearnerSituation,
    Membership,
    SchoolEnrolment,
    ServiceRecord,
    TrainingEnrolment,
)
from lms import access, audit
from lms.results import Done, Result
from peer_educators.models import Observation, PeerEducator, StatusChange

ANONYMOUS = "—"  # what stands for a removed first name or required free text
ACTION = "lms.learner.anonymise"


def years_before(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` years earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def leavers(*, left_before: datetime.date) -> QuerySet:
    """Learners not yet anonymised who have left: no open membership (`Membership.objects.current()`), not an
    active peer educator, and nothing recorded about them on or after `left_before` (memberships ended,
    sessions attended, situation recorded, services, training, placements, school, moves)."""
    day, learner = left_before, OuterRef("pk")
    recent = [
        Membership.objects.current().filter(learner=learner),
        Membership.objects.filter(learner=learner, left_on__gte=day),
        Attendance.objects.filter(learner=learner, session__date__gte=day),
        LearnerSituation.objects.filter(learner=learner, recorded_on__gte=day),
        ServiceRecord.objects.filter(learner=learner, date__gte=day),
        TrainingEnrolment.objects.filter(learner=learner).filter(
            Q(enrolled_on__gte=day) | Q(completed_on__gte=day) | Q(certified_on__gte=day)
        ),
        JobPlacement.objects.filter(learner=learner, placed_on__gte=day),
        SchoolEnrolment.objects.filter(learner=learner, enrolled_on__gte=day),
        CentreTransfer.objects.filter(learner=learner, moved_on__gte=day),
        PeerEducator.objects.filter(learner=learner, status=PeerEducator.Status.ACTIVE),
    ]
    queryset = Learner.objects.filter(anonymised_on__isnull=True, joined_on__lt=day)
    for rows in recent:
        queryset = queryset.exclude(Exists(rows))
    return queryset.order_by("code")


def _scrub_audit(learner: Learner, old_names: set[str], account: User | None, old_username: str) -> int:
    """Remove the learner's first names (the current one and any earlier one) and the old account name from
    the audit entries' labels ("QTA-0001 Ali in Morning") and from the recorded changes of first name."""
    scrubbed = 0
    own = ModelLogEntry.objects.filter(content_type__model="learner", object_id=str(learner.pk))
    for entry in own:
        changes = (entry.data or {}).get("changes", {})
        if "first_name" in changes:
            old_names.update(name for name in changes["first_name"] if name)
            changes["first_name"] = [ANONYMOUS, ANONYMOUS]
            entry.save(update_fields=["data"])
            scrubbed += 1
    labels = [f"{learner.code} {name}" for name in sorted(old_names, key=len, reverse=True)]
    for entry in ModelLogEntry.objects.filter(label__contains=learner.code):
        label = entry.label
        for old in labels:
            label = label.replace(old, str(learner))
        if label != entry.label:
            entry.label = label
            entry.save(update_fields=["label"])
            scrubbed += 1
    if account is not None and old_username:
        scrubbed += ModelLogEntry.objects.filter(label=old_username).update(label=account.username)
    return scrubbed


@transaction.atomic
def learner_anonymise(*, acting_user: User, learner: Learner, today: datetime.date) -> Result[Learner]:
    """Remove a learner's first name and every free text about them, and close their peer educator account;
    keep the code and the dated records. Audited; UNCHANGED when the learner was anonymised already."""
    access.require_in(
        acting_user, access.learners_administered_by, learner, message=_("Only administrators may anonymise learners.")
    )
    learner = Learner.objects.select_for_update().get(pk=learner.pk)
    if learner.anonymised_on is not None:
        return Result(learner, Done.UNCHANGED)
    old_names = {learner.first_name}
    learner.first_name, learner.anonymised_on = ANONYMOUS, today
    learner.full_clean()
    learner.save(update_fields=["first_name", "anonymised_on", "updated_at"])
    cleared = {
        "certificate_numbers": TrainingEnrolment.objects.filter(learner=learner)
        .exclude(certificate_number="")
        .update(certificate_number=""),
        "endorsements": PeerEducator.objects.filter(learner=learner).exclude(endorsement="").update(endorsement=""),
        "status_notes": StatusChange.objects.filter(peer_educator__learner=learner).exclude(note="").update(note=""),
        "observation_feedback": Observation.objects.filter(peer_educator__learner=learner).update(feedback=ANONYMOUS),
    }
    account = User.objects.filter(peer_educator__learner=learner).first()
    old_username = account.username if account else ""
    if account is not None:
        account.username = f"anonymised-{learner.code.lower()}"
        account.first_name = account.last_name = account.email = ""
        account.is_active = False
        account.set_unusable_password()
        account.save()
    cleared["audit_entries"] = _scrub_audit(learner, old_names, account, old_username)
    audit.record(learner, ACTION, user=acting_user, data={"code": learner.code, "cleared": cleared})
    return Result(learner, Done.CHANGED)
