"""Every write on social action projects: proposal, planned activities, approval, completion, abandonment
and the activity log with its photos.

Each service is keyword-only, runs in one transaction, validates, and writes an audit entry.
"""

import datetime
from collections.abc import Iterable, Mapping

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from learners.models import Learner
from learners.services import require_consent, validate_not_future
from lms import access, audit, images
from lms.results import Done, Result
from peer_educators.models import ActivityLog, ActivityPhoto, PlannedActivity, Project, ProjectMember
from peer_educators.services.pathway import _only_facilitators


def _not_yours() -> str:
    """The refusal for a user outside the project's scope (lms.access)."""
    return _("You cannot change this project.")


@transaction.atomic
def project_propose(
    *,
    centre,
    title: str,
    problem: str,
    goal: str,
    place: str,
    team: Iterable[Learner],
    planned: Iterable[tuple[str, datetime.date]] = (),
    acting_user: User,
) -> Project:
    """Propose a social action project with its team and planned activities. The same title proposed again
    the same day by the same person at the same centre returns the project already made (a resubmission)."""
    access.require_in(acting_user, access.centres_proposing_projects, centre, message=_not_yours())
    title = title.strip()
    today = timezone.localdate()
    existing = Project.objects.filter(centre=centre, title=title, proposed_by=acting_user, created_on=today).first()
    if existing is not None:
        return existing
    team = list(team)
    if not team:
        raise ValidationError({"team": _("Choose the team: at least one peer educator or learner.")})
    if any(learner.centre_id != centre.pk for learner in team):
        raise ValidationError({"team": _("Every team member must belong to the project's centre.")})
    require_consent(team)
    project = Project(
        centre=centre,
        title=title,
        problem=problem.strip(),
        goal=goal.strip(),
        place=place.strip(),
        proposed_by=acting_user,
        created_on=today,
    )
    project.full_clean()
    project.save()
    ProjectMember.objects.bulk_create([ProjectMember(project=project, learner=learner) for learner in team])
    for activity_title, target in planned:
        _plan(project, activity_title, target)
    audit.record(project, "lms.project.propose", user=acting_user, data={"team": [learner.pk for learner in team]})
    return project


def _plan(project: Project, title: str, target_date: datetime.date) -> PlannedActivity:
    """Validate and save one planned step of a project."""
    if target_date < project.created_on:
        raise ValidationError({"target_date": _("The target date cannot be before the project was proposed.")})
    activity = PlannedActivity(project=project, title=title.strip(), target_date=target_date)
    activity.full_clean()
    activity.save()
    return activity


def project_work_refusal(project: Project, *, planning: bool = False) -> str | None:
    """Why the team cannot log activities (or, with planning, plan steps) on this project now, in the words
    activity_log_add and planned_activity_add refuse with; None when it can. Steps may be planned from the
    proposal on (the proposal form plans them too); activities are logged once the project is approved."""
    if planning:
        if project.is_open():
            return None
        return _("Steps cannot be planned for a project that is %(status)s.") % {"status": project.get_status_display()}
    if project.takes_activities():
        return None
    return _("Activities can be logged once the project is approved and until it is completed.")


@transaction.atomic
def planned_activity_add(
    *, project: Project, title: str, target_date: datetime.date, acting_user: User
) -> Result[PlannedActivity]:
    """Add a planned step with a target date, until the project is completed or abandoned. Returns the step and
    what was done: created, or unchanged when the same step was already planned (a resubmission)."""
    access.require_in(acting_user, access.projects_worked_on_by, project, message=_not_yours())
    project = Project.objects.select_for_update().get(pk=project.pk)
    same = PlannedActivity.objects.filter(project=project, title=title.strip(), target_date=target_date).first()
    if same is not None:
        return Result(same, Done.UNCHANGED)
    refusal = project_work_refusal(project, planning=True)
    if refusal:
        raise ValidationError(refusal)
    activity = _plan(project, title, target_date)
    data = {"title": activity.title, "target_date": target_date.isoformat()}
    audit.record(project, "lms.project.plan", user=acting_user, data=data)
    return Result(activity, Done.CREATED)


def project_refusal(project: Project, status: str, *, user: User | None = None) -> str | None:
    """Why the project cannot be moved to `status` now (by `user`, for an approval), in the words the
    service refuses with; None when it can. A project already in that status cannot be moved to it either
    (its service then does nothing)."""
    if status == Project.Status.APPROVED and user is not None and project.proposed_by_id == user.pk:
        return _("You proposed this project, so another facilitator must approve it.")
    if not project.can_become(status):
        return _("A project that is %(status)s cannot be moved to this step.") % {
            "status": project.get_status_display()
        }
    return None


def _transition(project: Project, status: str, *, acting_user: User, **fields) -> Result[Project]:
    """Move the project to `status` along its life cycle with the given fields, and audit it."""
    if project.status == status:
        return Result(project, Done.UNCHANGED)  # already done: resubmitting changes nothing
    refusal = project_refusal(project, status)
    if refusal:
        raise ValidationError(refusal)
    before = project.status
    project.status = status
    for name, value in fields.items():
        setattr(project, name, value)
    project.full_clean()
    project.save()
    audit.record(project, f"lms.project.{status}", user=acting_user, data={"status": [before, status]})
    return Result(project, Done.CHANGED)


@transaction.atomic
def project_approve(*, project: Project, comment: str, acting_user: User) -> Result[Project]:
    """A facilitator of the centre approves a proposed project, with a comment. Nobody approves their own.
    Returns the project and what was done (changed, or unchanged when it was already approved)."""
    access.require_in(acting_user, access.projects_managed_by, project, message=_only_facilitators())
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.proposed_by_id == acting_user.pk:
        raise ValidationError(project_refusal(project, Project.Status.APPROVED, user=acting_user))
    return _transition(
        project,
        Project.Status.APPROVED,
        acting_user=acting_user,
        approved_by=acting_user,
        approved_on=timezone.localdate(),
        approval_comment=comment.strip(),
    )


@transaction.atomic
def project_complete(*, project: Project, changed: str, learned: str, acting_user: User) -> Result[Project]:
    """Mark a project completed; it needs a reflection: what changed, what the team learned. Returns the
    project and what was done (changed, or unchanged when it was already completed)."""
    access.require_in(acting_user, access.projects_worked_on_by, project, message=_not_yours())
    project = Project.objects.select_for_update().get(pk=project.pk)
    if not changed.strip() or not learned.strip():
        raise ValidationError(_("Write what changed and what the team learned before completing the project."))
    return _transition(
        project,
        Project.Status.COMPLETED,
        acting_user=acting_user,
        completed_on=timezone.localdate(),
        reflection_changed=changed.strip(),
        reflection_learned=learned.strip(),
    )


@transaction.atomic
def project_abandon(*, project: Project, reason: str, acting_user: User) -> Result[Project]:
    """Abandon a project that is not completed, with a reason. Returns the project and what was done
    (changed, or unchanged when it was already abandoned)."""
    access.require_in(acting_user, access.projects_managed_by, project, message=_not_yours())
    project = Project.objects.select_for_update().get(pk=project.pk)
    if not reason.strip():
        raise ValidationError({"abandoned_reason": _("Say why the project was abandoned.")})
    return _transition(project, Project.Status.ABANDONED, acting_user=acting_user, abandoned_reason=reason.strip())


# The longest side of a project photo and of its thumbnail, in pixels: a phone's screen, and the project page.
PHOTO_SIDES = {"photo": 1600, "thumbnail": 320}


def _photo_files(upload: UploadedFile) -> list[images.Encoded]:
    """The photo and its thumbnail re-encoded without metadata, or a refusal on the `photo` field: too large a
    file, not an image, or too many pixels (checked before the image is decoded)."""
    limit = settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE
    if upload.size > limit:
        raise ValidationError(
            {"photo": _("The photo is too large (at most %(mb)s MB).") % {"mb": limit // (1024 * 1024)}}
        )
    try:
        return images.jpeg_sizes(upload, tuple(PHOTO_SIDES.values()))
    except ValidationError as error:
        raise ValidationError({"photo": error.messages}) from error


@transaction.atomic
def activity_log_add(
    *,
    project: Project,
    date: datetime.date,
    description: str,
    reach: Mapping[str, int],
    photo: UploadedFile | None = None,
    no_child_identifiable: bool = False,
    acting_user: User,
) -> Result[ActivityLog]:
    """Log what the team did on a day and whom it reached; an approved project becomes in progress. Returns
    the log and what was done: created, or unchanged when the same entry was already logged (a resubmission)."""
    access.require_in(acting_user, access.projects_worked_on_by, project, message=_not_yours())
    project = Project.objects.select_for_update().get(pk=project.pk)
    counts = {name: reach.get(name, 0) for name in ActivityLog.REACH_FIELDS}
    same = ActivityLog.objects.filter(project=project, date=date, description=description.strip(), **counts).first()
    if same is not None:
        return Result(same, Done.UNCHANGED)
    refusal = project_work_refusal(project)
    if refusal:
        raise ValidationError(refusal)
    if date < project.created_on:
        raise ValidationError({"date": _("The activity cannot be dated before the project was proposed.")})
    validate_not_future("date", date)
    if any(value is None or value < 0 for value in reach.values()):
        raise ValidationError(_("The number of people reached cannot be negative."))
    if photo is not None:
        if not no_child_identifiable:
            raise ValidationError({"no_child_identifiable": _("Confirm that no child can be identified in the photo.")})
        photo_files = _photo_files(photo)
    log = ActivityLog(
        project=project,
        date=date,
        description=description.strip(),
        recorded_by=acting_user,
        **counts,
    )
    log.full_clean()
    log.save()
    if project.status == Project.Status.APPROVED:
        project.status = Project.Status.IN_PROGRESS
        project.started_on = project.started_on or date
        project.save(update_fields=["status", "started_on"])
    stored = _photo_add(log, photo_files) if photo is not None else None
    try:
        data = {"date": date.isoformat(), "reach": dict(reach), "photo": stored is not None}
        audit.record(project, "lms.project.log", user=acting_user, data=data)
    except BaseException:
        if stored is not None:
            stored.delete_files()
        raise
    return Result(log, Done.CREATED)


def _photo_add(log: ActivityLog, files: list[images.Encoded]) -> ActivityPhoto:
    """Store a photo and its thumbnail in private storage under random names, and their record."""
    large, small = (encoded.as_file() for encoded in files)
    photo = ActivityPhoto(
        log=log, thumbnail_width=files[1].width, thumbnail_height=files[1].height, no_child_identifiable=True
    )
    photo.file.save(large.name, large, save=False)
    photo.thumbnail.save(small.name, small, save=False)
    try:
        photo.full_clean()
        photo.save()
    except BaseException:
        photo.delete_files()
        raise
    return photo
