"""Every write on the peer-educator pathway: nomination, promotion, status, peer groups and observations.

Each service is keyword-only, runs in one transaction, validates, and writes an audit entry.
"""

import datetime
import secrets
from collections.abc import Mapping

from django.contrib.auth import password_validation
from django.contrib.auth.models import Group as RoleGroup
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import Session
from learners.models import Group, Learner
from learners.services import validate_not_future
from lms import access, audit, roles
from lms.results import Done, Result
from peer_educators import selectors
from peer_educators.models import (
    Observation,
    PeerEducator,
    StatusChange,
)


def _only_facilitators() -> str:
    """The refusal for a user who does not manage the centre (administrators and its facilitators do)."""
    return _("Only a facilitator of this centre can do this.")


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
    access.require_in(acting_user, access.learners_managed_by, learner, message=_only_facilitators())
    peer = PeerEducator.objects.filter(learner=learner).first()
    if peer is not None:
        return peer
    if not learner.has_consent:
        raise ValidationError(_("Record the guardian's consent and the child's assent first."))
    peer = PeerEducator(learner=learner, mentor=mentor)
    _change_status(peer, PeerEducator.Status.NOMINATED, acting_user=acting_user, note=note)
    audit.record(learner, "lms.peer.nominate", user=acting_user, data={"mentor": mentor.pk})
    return peer


# Letters and digits easy to read aloud and type on a phone: no 0/o, 1/l/i.
USERNAME_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
USERNAME_PREFIX = "peer-"


def neutral_username() -> str:
    """A new peer educator's user name: "peer-" and six random letters and digits, unused so far. It says
    nothing about the child (no name, no learner code), so it can be seen on a screen or a sign-in list."""
    while True:
        username = USERNAME_PREFIX + "".join(secrets.choice(USERNAME_ALPHABET) for _ in range(6))
        if not User.objects.filter(username=username).exists():
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
    access.require_in(acting_user, access.learners_managed_by, learner, message=_only_facilitators())
    learner = Learner.objects.select_for_update().get(pk=learner.pk)
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
            username=neutral_username(), first_name=learner.first_name, password=password
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
def peer_educator_set_status(
    *, peer: PeerEducator, status: str, note: str = "", acting_user: User
) -> Result[PeerEducator]:
    """Move a peer educator along the pathway. Pausing or stepping down removes their access at once;
    stepping down also removes the role and closes the account. The history stays. Returns the peer educator
    and what was done (changed, or unchanged when they already had that status)."""
    access.require_in(acting_user, access.peer_educators_managed_by, peer, message=_only_facilitators())
    peer = PeerEducator.objects.select_for_update(of=("self",)).select_related("user", "learner").get(pk=peer.pk)
    if status not in PeerEducator.Status.values:
        raise ValidationError(_("Unknown status."))
    if status == peer.status:
        return Result(peer, Done.UNCHANGED)
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
    return Result(peer, Done.CHANGED)


@transaction.atomic
def peer_group_assign(*, group: Group, peer: PeerEducator | None, acting_user: User) -> Group:
    """Give a group a peer educator to lead its sessions (or take it away with peer=None)."""
    access.require_in(acting_user, access.groups_managed_by, group, message=_only_facilitators())
    group = Group.objects.select_for_update().get(pk=group.pk)
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
    access.require_in(acting_user, access.peer_educators_managed_by, peer, message=_only_facilitators())
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
def peer_educator_set_password(*, user: User, password: str, acting_user: User) -> User:
    """A peer educator replaces the one-time password they were handed with their own: the password is
    validated (and refused when it is the current one), saved, the must-change flag cleared, and the change
    audited (never the password or its hash)."""
    access.require_in(acting_user, access.oneself, user, message=_("Only the account holder can choose its password."))
    peer = PeerEducator.objects.select_for_update().select_related("learner").filter(user=user).first()
    if peer is None:
        raise ValidationError(_("Only a peer educator chooses their password here."))
    if user.check_password(password):
        raise ValidationError(_("Choose a new password, not the one you signed in with."))
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    was_required = peer.must_change_password
    if was_required:
        peer.must_change_password = False
        peer.save(update_fields=["must_change_password"])
    audit.record(peer.learner, "lms.peer.password", user=acting_user, data={"first_password_replaced": was_required})
    return user
