"""Every write on the peer-educator pathway and social action projects.

Each service is keyword-only, runs in one transaction, validates, and writes an audit entry.
"""

import datetime
import secrets
from collections.abc import Iterable, Mapping

from django.conf import settings
from django.contrib.auth.models import Group as RoleGroup
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from PIL import Image as PillowImage
from wagtail.images import get_image_model
from wagtail.models import Collection

from courses.models import Session
from learners.models import Group, Learner
from learners.services import validate_not_future
from lms import access, audit, roles
from peer_educators import selectors
from peer_educators.models import (
    ActivityLog,
    ActivityPhoto,
    Observation,
    PeerEducator,
    PlannedActivity,
    Project,
    ProjectMember,
    StatusChange,
)


def _check_project_scope(project: Project, scope, user: User) -> None:
    if not scope(user).filter(pk=project.pk).exists():
        raise ValidationError(_("You cannot change this project."))


def _check_manages(user: User, centre_id: int) -> None:
    if not access.can_manage_centre(user, centre_id):
        raise ValidationError(_("Only a facilitator of this centre can do this."))


def _change_status(peer: PeerEducator, status: str, *, acting_user: User, note: str = "") -> None:
    peer.status = status
    peer.full_clean()
    peer.save()
    StatusChange.objects.create(
        peer_educator=peer, status=status, changed_on=timezone.localdate(), changed_by=acting_user, note=note[:300]
    )


@transaction.atomic
def peer_educator_nominate(*, learner: Learner, mentor: User, note: str = "", acting_user: User) -> PeerEducator:
    """Put a learner on the pathway (nominated), with a mentor facilitator. Nominating twice changes nothing."""
    _check_manages(acting_user, learner.centre_id)
    peer = PeerEducator.objects.filter(learner=learner).first()
    if peer is not None:
        return peer
    if not learner.has_consent:
        raise ValidationError(_("Record the guardian's consent and the child's assent first."))
    peer = PeerEducator(learner=learner, mentor=mentor)
    _change_status(peer, PeerEducator.Status.NOMINATED, acting_user=acting_user, note=note)
    audit.record(learner, "lms.peer.nominate", user=acting_user, data={"mentor": mentor.pk})
    return peer


def _username_for(learner: Learner) -> str:
    base = f"{slugify(learner.first_name) or 'peer'}-{learner.code.lower().replace('-', '')}"
    username, n = base, 1
    while User.objects.filter(username=username).exists():
        n += 1
        username = f"{base}-{n}"
    return username


@transaction.atomic
def peer_educator_promote(
    *,
    learner: Learner,
    statement: str,
    mentor: User,
    acting_user: User,
    account: User | None = None,
) -> tuple[PeerEducator, str | None]:
    """Promote an eligible learner: endorse them, create their account with a one-time password, give the
    Peer educators role, and link the learner record. Returns the peer educator and the one-time password
    to hand over (None when an existing `account` is linked instead)."""
    learner = Learner.objects.select_for_update().get(pk=learner.pk)
    _check_manages(acting_user, learner.centre_id)
    if not statement.strip():
        raise ValidationError({"statement": _("Write a short endorsement: why this young person is ready.")})
    existing = PeerEducator.objects.filter(learner=learner).first()
    if existing is not None and existing.status == PeerEducator.Status.ACTIVE:
        raise ValidationError(_("%(code)s is already an active peer educator.") % {"code": learner.code})
    if existing is not None and existing.user_id is not None:  # paused or stepped down: one account per person
        raise ValidationError(
            _("%(code)s already has an account: to bring them back, change their status.") % {"code": learner.code}
        )
    eligibility = selectors.eligibility_of(learner)
    if not eligibility.eligible:
        raise ValidationError(
            _("%(code)s is not eligible yet: %(missing)s.")
            % {"code": learner.code, "missing": "; ".join(eligibility.missing)}
        )
    password = None
    if account is None:
        password = "-".join(secrets.token_hex(3) for _ in range(3))
        account = User.objects.create_user(
            username=_username_for(learner), first_name=learner.first_name, password=password
        )
    account.is_active = True
    account.save(update_fields=["is_active"])
    account.groups.add(RoleGroup.objects.get(name=roles.PEER_EDUCATORS))
    peer = existing or PeerEducator(learner=learner)
    peer.user, peer.mentor = account, mentor
    peer.endorsement, peer.endorsed_by = statement.strip(), acting_user
    peer.must_change_password = password is not None
    _change_status(peer, PeerEducator.Status.ACTIVE, acting_user=acting_user, note=_("Promoted"))
    audit.record(
        learner,
        "lms.peer.promote",
        user=acting_user,
        data={"account": account.username, "mentor": mentor.pk},
    )
    return peer, password


@transaction.atomic
def peer_educator_set_status(*, peer: PeerEducator, status: str, note: str = "", acting_user: User) -> PeerEducator:
    """Move a peer educator along the pathway. Pausing or stepping down removes their access at once;
    stepping down also removes the role and closes the account. The history stays."""
    peer = PeerEducator.objects.select_for_update(of=("self",)).select_related("user", "learner").get(pk=peer.pk)
    _check_manages(acting_user, peer.learner.centre_id)
    if status not in PeerEducator.Status.values:
        raise ValidationError(_("Unknown status."))
    if status == peer.status:
        return peer
    if status == PeerEducator.Status.ACTIVE and peer.user is None:
        raise ValidationError(_("Promote the learner first: that creates their account."))
    if status in (PeerEducator.Status.STEPPED_DOWN, PeerEducator.Status.PAUSED) and not note.strip():
        raise ValidationError({"note": _("Say why, in a few words.")})
    before = peer.status
    _change_status(peer, status, acting_user=acting_user, note=note)
    if peer.user is not None:
        role = RoleGroup.objects.get(name=roles.PEER_EDUCATORS)
        if status == PeerEducator.Status.STEPPED_DOWN:
            peer.user.groups.remove(role)
            peer.user.is_active = False
            peer.user.save(update_fields=["is_active"])
        elif status == PeerEducator.Status.ACTIVE:
            peer.user.groups.add(role)
            peer.user.is_active = True
            peer.user.save(update_fields=["is_active"])
    audit.record(peer.learner, "lms.peer.status", user=acting_user, data={"status": [before, status], "note": note})
    return peer


@transaction.atomic
def peer_group_assign(*, group: Group, peer: PeerEducator | None, acting_user: User) -> Group:
    """Give a group a peer educator to lead its sessions (or take it away with peer=None)."""
    group = Group.objects.select_for_update().get(pk=group.pk)
    _check_manages(acting_user, group.centre_id)
    if peer is not None:
        if peer.status != PeerEducator.Status.ACTIVE or peer.user is None:
            raise ValidationError(_("Only an active peer educator can lead a group."))
        if peer.learner.centre_id != group.centre_id:
            raise ValidationError(_("The peer educator belongs to another centre."))
    new_leader = peer.user if peer else None
    if group.peer_leader_id == (new_leader.pk if new_leader else None):
        return group
    before = group.peer_leader_id
    group.peer_leader = new_leader
    group.save(update_fields=["peer_leader"])
    audit.record(group, "lms.group.peer_leader", user=acting_user, data={"peer_leader": [before, group.peer_leader_id]})
    return group


RATINGS = ("preparation", "participation", "child_safe", "key_messages")


@transaction.atomic
def observation_record(
    *,
    peer: PeerEducator,
    observed_on: datetime.date,
    ratings: Mapping[str, int],
    feedback: str,
    session: Session | None = None,
    acting_user: User,
) -> Observation:
    """A mentor's observation of a peer-led session: four ratings from 1 to 4 and written feedback."""
    _check_manages(acting_user, peer.learner.centre_id)
    validate_not_future("observed_on", observed_on)
    if session is not None and (peer.user_id is None or session.group.peer_leader_id != peer.user_id):
        raise ValidationError({"session": _("That session is not of a group this peer educator leads.")})
    if not feedback.strip():
        raise ValidationError({"feedback": _("Write some feedback for the peer educator.")})
    observation = Observation(
        peer_educator=peer,
        session=session,
        observed_on=observed_on,
        observer=acting_user,
        feedback=feedback.strip(),
        **{name: ratings.get(name) for name in RATINGS},
    )
    observation.full_clean()
    observation.save()
    audit.record(
        peer.learner, "lms.peer.observe", user=acting_user, data={"observed_on": observed_on.isoformat(), **ratings}
    )
    return observation


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
    """Propose a social action project with its team and planned activities."""
    team = list(team)
    if not team:
        raise ValidationError({"team": _("Choose the team: at least one peer educator or learner.")})
    if any(learner.centre_id != centre.pk for learner in team):
        raise ValidationError({"team": _("Every team member must belong to the project's centre.")})
    project = Project(
        centre=centre,
        title=title.strip(),
        problem=problem.strip(),
        goal=goal.strip(),
        place=place.strip(),
        proposed_by=acting_user,
        created_on=timezone.localdate(),
    )
    project.full_clean()
    project.save()
    ProjectMember.objects.bulk_create([ProjectMember(project=project, learner=learner) for learner in team])
    for activity_title, target in planned:
        planned_activity_add(project=project, title=activity_title, target_date=target, acting_user=acting_user)
    audit.record(project, "lms.project.propose", user=acting_user, data={"team": [learner.pk for learner in team]})
    return project


@transaction.atomic
def planned_activity_add(*, project: Project, title: str, target_date: datetime.date, acting_user: User):
    """Add a planned step with a target date."""
    if target_date < project.created_on:
        raise ValidationError({"target_date": _("The target date cannot be before the project was proposed.")})
    activity = PlannedActivity(project=project, title=title.strip(), target_date=target_date)
    activity.full_clean()
    activity.save()
    return activity


def _transition(project: Project, allowed_from: set[str], status: str, *, acting_user: User, **fields) -> Project:
    if project.status not in allowed_from:
        raise ValidationError(
            _("A project that is %(status)s cannot be moved to this step.") % {"status": project.get_status_display()}
        )
    before = project.status
    project.status = status
    for name, value in fields.items():
        setattr(project, name, value)
    project.full_clean()
    project.save()
    audit.record(project, f"lms.project.{status}", user=acting_user, data={"status": [before, status]})
    return project


@transaction.atomic
def project_approve(*, project: Project, comment: str, acting_user: User) -> Project:
    """A facilitator of the centre approves a proposed project, with a comment. Nobody approves their own."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    _check_manages(acting_user, project.centre_id)
    if project.proposed_by_id == acting_user.pk:
        raise ValidationError(_("You proposed this project, so another facilitator must approve it."))
    if project.status == Project.Status.APPROVED:
        return project
    return _transition(
        project,
        {Project.Status.PROPOSED},
        Project.Status.APPROVED,
        acting_user=acting_user,
        approved_by=acting_user,
        approved_on=timezone.localdate(),
        approval_comment=comment.strip(),
    )


@transaction.atomic
def project_complete(*, project: Project, changed: str, learned: str, acting_user: User) -> Project:
    """Mark a project completed; it needs a reflection: what changed, what the team learned."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    _check_project_scope(project, access.projects_worked_on_by, acting_user)
    if not changed.strip() or not learned.strip():
        raise ValidationError(_("Write what changed and what the team learned before completing the project."))
    if project.status == Project.Status.COMPLETED:
        return project
    return _transition(
        project,
        {Project.Status.APPROVED, Project.Status.IN_PROGRESS},
        Project.Status.COMPLETED,
        acting_user=acting_user,
        completed_on=timezone.localdate(),
        reflection_changed=changed.strip(),
        reflection_learned=learned.strip(),
    )


@transaction.atomic
def project_abandon(*, project: Project, reason: str, acting_user: User) -> Project:
    """Abandon a project that is not completed, with a reason."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    _check_project_scope(project, access.projects_managed_by, acting_user)
    if not reason.strip():
        raise ValidationError({"abandoned_reason": _("Say why the project was abandoned.")})
    if project.status == Project.Status.ABANDONED:
        return project
    return _transition(
        project,
        {Project.Status.PROPOSED, Project.Status.APPROVED, Project.Status.IN_PROGRESS},
        Project.Status.ABANDONED,
        acting_user=acting_user,
        abandoned_reason=reason.strip(),
    )


PHOTO_COLLECTION = "Project photos"


def project_photo_collection() -> Collection:
    """The image collection for project photos: no role has permissions on it, so content editors never
    see these photos in the admin's image library."""
    root = Collection.get_first_root_node()
    existing = root.get_children().filter(name=PHOTO_COLLECTION).first()
    return existing or root.add_child(name=PHOTO_COLLECTION)


def _check_photo(upload: UploadedFile) -> None:
    limit = settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE
    if upload.size > limit:
        raise ValidationError(
            {"photo": _("The photo is too large (at most %(mb)s MB).") % {"mb": limit // (1024 * 1024)}}
        )
    try:
        with PillowImage.open(upload) as image:
            image.verify()
            kind = (image.format or "").lower()
    except Exception as error:  # Pillow raises many kinds of error for a file that is not an image
        raise ValidationError({"photo": _("This file is not an image.")}) from error
    if kind not in {"jpeg", "png", "gif", "webp"}:
        raise ValidationError({"photo": _("Upload a JPEG, PNG, GIF or WebP photo.")})
    upload.seek(0)


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
) -> ActivityLog:
    """Log what the team did on a day and whom it reached; an approved project becomes in progress."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    _check_project_scope(project, access.projects_worked_on_by, acting_user)
    if project.status not in (Project.Status.APPROVED, Project.Status.IN_PROGRESS):
        raise ValidationError(_("Activities can be logged once the project is approved and until it is completed."))
    if date < project.created_on:
        raise ValidationError({"date": _("The activity cannot be dated before the project was proposed.")})
    validate_not_future("date", date)
    if any(value is None or value < 0 for value in reach.values()):
        raise ValidationError(_("The number of people reached cannot be negative."))
    if photo is not None:
        if not no_child_identifiable:
            raise ValidationError({"no_child_identifiable": _("Confirm that no child can be identified in the photo.")})
        _check_photo(photo)
    log = ActivityLog(
        project=project,
        date=date,
        description=description.strip(),
        recorded_by=acting_user,
        **{name: reach.get(name, 0) for name in ActivityLog.REACH_FIELDS},
    )
    log.full_clean()
    log.save()
    if photo is not None:
        image = get_image_model()(
            title=f"{project.title} {date.isoformat()}",
            file=photo,
            uploaded_by_user=acting_user,
            collection=project_photo_collection(),
        )
        image.save()
        ActivityPhoto.objects.create(log=log, image=image, no_child_identifiable=True)
    if project.status == Project.Status.APPROVED:
        project.status = Project.Status.IN_PROGRESS
        project.started_on = project.started_on or date
        project.save(update_fields=["status", "started_on"])
    audit.record(project, "lms.project.log", user=acting_user, data={"date": date.isoformat(), "reach": dict(reach)})
    return log
