"""The one place that answers what a user may see and change.

Views ask these functions instead of filtering by hand, so a rule changes in one place. Anything
outside a user's scope is answered with 404 by the views (its existence is not revealed).

- administrators (superusers): everything;
- programme managers: read every centre, change nothing here but project periods and their targets;
- facilitators: read and change the centres they are assigned to;
- peer educators (active ones): the groups they lead, those groups' sessions and members (code and
  first name only, through the group pages), and their own social action projects;
- content editors and reviewers and anyone else: no learner data.

Services check the same scopes themselves, each in one line, through `require_in(acting_user, <scope>, record)`:
it raises OutOfScope (a ValidationError, so a form shows it like any refusal) before anything is written, as
the second line of defence behind the views' 404 for a form or script that skips the view.
"""

from collections.abc import Callable

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from lms import roles


def role_names(user: User | AnonymousUser) -> frozenset[str]:
    """The role (group) names of a signed-in user, read once per request and kept on the user."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, "_lms_role_names", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._lms_role_names = cached
    return cached


def has_role(user: User | AnonymousUser, *names: str) -> bool:
    """True when the user holds any of the given roles."""
    return bool(role_names(user).intersection(names))


def is_admin(user: User | AnonymousUser) -> bool:
    """Active superusers see and change everything."""
    return user.is_authenticated and user.is_active and user.is_superuser


def can_see_facilitator_content(user: User | AnonymousUser) -> bool:
    """Facilitator notes and quiz answers: only for people who deliver sessions (and admins)."""
    return is_admin(user) or has_role(user, *roles.DELIVERY_ROLES)


def reads_all_centres(user: User | AnonymousUser) -> bool:
    """Administrators and programme managers read the records of every centre."""
    return is_admin(user) or has_role(user, roles.PROGRAMME_MANAGERS)


def uses_records(user: User | AnonymousUser) -> bool:
    """Whether the user has any business with learner records at all."""
    return reads_all_centres(user) or has_role(user, roles.FACILITATORS)


def centres_visible_to(user: User | AnonymousUser) -> QuerySet:
    """Centres whose records the user may read."""
    from learners.models import Centre

    if reads_all_centres(user):
        return Centre.objects.all()
    if has_role(user, roles.FACILITATORS):
        return Centre.objects.filter(staff_assignments__user=user)
    return Centre.objects.none()


def centres_managed_by(user: User | AnonymousUser) -> QuerySet:
    """Centres whose records the user may change: administrators everywhere, facilitators their own."""
    from learners.models import Centre

    if is_admin(user):
        return Centre.objects.all()
    if has_role(user, roles.FACILITATORS):
        return Centre.objects.filter(staff_assignments__user=user)
    return Centre.objects.none()


def manages_any_centre(user: User | AnonymousUser) -> bool:
    """Whether the user may change records at one centre at least (register, create groups, run sessions)."""
    return centres_managed_by(user).exists()


def can_manage_centre(user: User | AnonymousUser, centre_id: int) -> bool:
    """Whether the user may change the records of this centre (its learners, groups and sessions)."""
    return centres_managed_by(user).filter(pk=centre_id).exists()


def is_active_peer_educator(user: User | AnonymousUser) -> bool:
    """A signed-in peer educator whose pathway status is active (paused or stepped down: no access)."""
    if not has_role(user, roles.PEER_EDUCATORS):
        return False
    cached = getattr(user, "_lms_active_peer", None)
    if cached is None:
        from peer_educators.models import PeerEducator

        cached = PeerEducator.objects.filter(user=user, status=PeerEducator.Status.ACTIVE).exists()
        user._lms_active_peer = cached
    return cached


def groups_led_by_peer(user: User | AnonymousUser) -> QuerySet:
    """The groups an active peer educator leads."""
    from learners.models import Group

    if not is_active_peer_educator(user):
        return Group.objects.none()
    return Group.objects.filter(peer_leader=user, is_active=True)


def learners_visible_to(user: User | AnonymousUser) -> QuerySet:
    """Learners the user may read."""
    from learners.models import Learner

    return Learner.objects.filter(centre__in=centres_visible_to(user))


def learners_managed_by(user: User | AnonymousUser) -> QuerySet:
    """Learners the user may change."""
    from learners.models import Learner

    return Learner.objects.filter(centre__in=centres_managed_by(user))


def learners_whose_situation_is_seen_by(user: User | AnonymousUser) -> QuerySet:
    """Learners whose situation (survivor, at risk, other: the most sensitive field) the user may read: the
    facilitators of the learner's centre, programme managers and administrators. Never peer educators, content
    editors or reviewers (a peer educator who is also a facilitator reads only their centres' learners)."""
    from learners.models import Centre, Learner

    if reads_all_centres(user):
        return Learner.objects.all()
    if has_role(user, roles.FACILITATORS):
        return Learner.objects.filter(centre__in=Centre.objects.filter(staff_assignments__user=user))
    return Learner.objects.none()


def may_see_situation(user: User | AnonymousUser, learner) -> bool:
    """Whether the user may read this learner's situation (see `learners_whose_situation_is_seen_by`)."""
    return learners_whose_situation_is_seen_by(user).filter(pk=learner.pk).exists()


def learners_whose_situation_is_recorded_by(user: User | AnonymousUser) -> QuerySet:
    """Learners whose situation the user may record or change: facilitators of the learner's centre and
    administrators (programme managers read it and change nothing, as everywhere)."""
    return learners_managed_by(user)


def sees_situation_breakdown(user: User | AnonymousUser) -> bool:
    """Whether figures may be broken down by situation for this user (dashboard, exports, donor summary):
    programme managers and administrators only; a facilitator's dashboard never shows it."""
    return reads_all_centres(user)


def learners_administered_by(user: User | AnonymousUser) -> QuerySet:
    """Learners whose whole file the user may export (a guardian's request) or anonymise (retention):
    administrators only, and every such action is logged."""
    from learners.models import Learner

    return Learner.objects.all() if is_admin(user) else Learner.objects.none()


def groups_visible_to(user: User | AnonymousUser) -> QuerySet:
    """Groups the user may read: those of their centres, or those they lead as a peer educator."""
    from learners.models import Group

    if is_active_peer_educator(user):
        return groups_led_by_peer(user)
    return Group.objects.filter(centre__in=centres_visible_to(user))


def groups_managed_by(user: User | AnonymousUser) -> QuerySet:
    """Groups the user may change (plan, run and correct sessions for)."""
    from learners.models import Group

    return Group.objects.filter(centre__in=centres_managed_by(user))


def sessions_visible_to(user: User | AnonymousUser) -> QuerySet:
    """Sessions the user may read."""
    from courses.models import Session

    if is_active_peer_educator(user):
        return Session.objects.filter(group__in=groups_led_by_peer(user))
    return Session.objects.filter(group__centre__in=centres_visible_to(user))


def sessions_managed_by(user: User | AnonymousUser) -> QuerySet:
    """Sessions the user may run, correct or cancel."""
    from courses.models import Session

    return Session.objects.filter(group__centre__in=centres_managed_by(user))


def sessions_runnable_by(user: User | AnonymousUser) -> QuerySet:
    """Sessions the user may record attendance and quiz scores for: their centres', or their peer groups'."""
    from courses.models import Session

    if is_active_peer_educator(user):
        return Session.objects.filter(group__in=groups_led_by_peer(user))
    return sessions_managed_by(user)


def can_run_session(user: User | AnonymousUser, session) -> bool:
    """Whether the user may record this session's attendance and scores."""
    return sessions_runnable_by(user).filter(pk=session.pk).exists()


def projects_visible_to(user: User | AnonymousUser) -> QuerySet:
    """Social action projects the user may read: all, their centres', or (peer educators) their own."""
    from peer_educators.models import Project

    if is_active_peer_educator(user):
        return Project.objects.filter(team__learner__peer_educator__user=user)
    return Project.objects.filter(centre__in=centres_visible_to(user))


def projects_managed_by(user: User | AnonymousUser) -> QuerySet:
    """Projects the user may approve or abandon: facilitators of the centre and administrators."""
    from peer_educators.models import Project

    return Project.objects.filter(centre__in=centres_managed_by(user))


def projects_worked_on_by(user: User | AnonymousUser) -> QuerySet:
    """Projects the user may log activities for, plan and complete: their team's (peer educators) or their centres'."""

    if is_active_peer_educator(user):
        return projects_visible_to(user)
    return projects_managed_by(user)


def centres_proposing_projects(user: User | AnonymousUser) -> QuerySet:
    """Centres where the user may propose a social action project: an active peer educator's own centre,
    or the centres the user manages."""
    from learners.models import Centre

    if is_active_peer_educator(user):
        return Centre.objects.filter(learners__peer_educator__user=user)
    return centres_managed_by(user)


def home_centres(user: User | AnonymousUser) -> QuerySet:
    """The centres a user belongs to, for what is local to a centre (its help contacts): a facilitator's assigned
    centres, an active peer educator's own centre; none for anyone else (programme managers, visitors)."""
    from learners.models import Centre

    if is_active_peer_educator(user):
        return Centre.objects.filter(learners__peer_educator__user=user)
    if has_role(user, roles.FACILITATORS):
        return Centre.objects.filter(staff_assignments__user=user)
    return Centre.objects.none()


def peer_educators_visible_to(user: User | AnonymousUser) -> QuerySet:
    """Peer educators whose pathway, sessions and observations the user may read."""
    from peer_educators.models import PeerEducator

    return PeerEducator.objects.filter(learner__centre__in=centres_visible_to(user))


def peer_educators_managed_by(user: User | AnonymousUser) -> QuerySet:
    """Peer educators the user may promote, pause, step down or observe: facilitators of their centre."""
    from peer_educators.models import PeerEducator

    return PeerEducator.objects.filter(learner__centre__in=centres_managed_by(user))


def at_centres_visible_to(user: User | AnonymousUser, queryset: QuerySet, field: str = "centre") -> QuerySet:
    """Records of any kind held at the centres the user may read (the centre is found through `field`)."""
    return queryset.filter(**{f"{field}__in": centres_visible_to(user)})


def at_centres_managed_by(user: User | AnonymousUser, queryset: QuerySet, field: str = "centre") -> QuerySet:
    """Records of any kind held at the centres the user may change (the centre is found through `field`)."""
    return queryset.filter(**{f"{field}__in": centres_managed_by(user)})


def centres_whose_directory_is_kept_by(user: User | AnonymousUser) -> QuerySet:
    """Centres whose directory of service providers the user keeps: every centre for administrators and programme
    managers (who also keep the programme's own providers, with no centre), their own for facilitators."""
    return centres_visible_to(user) if reads_all_centres(user) else centres_managed_by(user)


def providers_kept_by(user: User | AnonymousUser) -> QuerySet:
    """Service providers the user may list, add and change: those of the centres whose directory they keep, and
    the programme's own (no centre) for administrators and programme managers."""
    from learners.models import ServiceProvider

    if reads_all_centres(user):
        return ServiceProvider.objects.all()
    return ServiceProvider.objects.filter(centre__in=centres_managed_by(user))


def at_centres_or_programme_recorded_by(user: User | AnonymousUser, queryset: QuerySet) -> QuerySet:
    """Rows with a `centre` the user may record and correct: those of the centres they manage, and those of the
    whole programme (no centre) for administrators and programme managers (coordination meetings, trainings)."""
    from django.db.models import Q

    rows = Q(centre__in=centres_managed_by(user))
    if reads_all_centres(user):
        rows |= Q(centre__isnull=True)
    return queryset.filter(rows)


def plans_targets(user: User | AnonymousUser) -> bool:
    """Administrators and programme managers set project periods and their targets (facilitators read them)."""
    return reads_all_centres(user)


def project_periods_visible_to(user: User | AnonymousUser) -> QuerySet:
    """Project periods whose targets the user may read: those of the whole programme and of centres they read."""
    from django.db.models import Q

    from reports.models import ProjectPeriod

    if not uses_records(user):
        return ProjectPeriod.objects.none()
    if reads_all_centres(user):
        return ProjectPeriod.objects.all()
    return ProjectPeriod.objects.filter(Q(centre__isnull=True) | Q(centre__in=centres_visible_to(user)))


def project_periods_managed_by(user: User | AnonymousUser) -> QuerySet:
    """Project periods whose dates and targets the user may change: administrators' and programme managers'."""
    from reports.models import ProjectPeriod

    return ProjectPeriod.objects.all() if plans_targets(user) else ProjectPeriod.objects.none()


def target_planners(user: User | AnonymousUser) -> QuerySet:
    """The user's own account when they may create project periods, as a scope for `require_in`."""
    return oneself(user) if plans_targets(user) else User.objects.none()


class OutOfScope(ValidationError):
    """A service refused a user acting outside their scope. A ValidationError, so the form that called the
    service shows it like any other refusal, and callers that already catch ValidationError keep working."""


def require_in(
    user: User | AnonymousUser,
    scope: Callable[[User | AnonymousUser], QuerySet],
    obj: Model | int | None,
    *,
    message: str | None = None,
    field: str | None = None,
) -> None:
    """Refuse (OutOfScope, nothing written) unless `obj` (a record or its key) is in `scope(user)`, one of the
    scope functions above. Services call it first, as the second line of defence behind the views' 404.
    The refusal says `message` (or a general sentence), next to `field` when one is named."""
    pk = obj.pk if isinstance(obj, Model) else obj
    if pk is None or not scope(user).filter(pk=pk).exists():
        message = message or _("You can only change the records of your own centres: this is at another centre.")
        raise OutOfScope({field: message} if field else message)


def accounts_managed_by(user: User | AnonymousUser) -> QuerySet:
    """Accounts whose sign-in the user may manage (reset their two-factor devices): administrators, every one."""
    if not is_admin(user):
        return User.objects.none()
    return User.objects.all()


def oneself(user: User | AnonymousUser) -> QuerySet:
    """The user's own account, as a scope (for what only the account holder may change, like a password)."""
    if not user.is_authenticated or not user.is_active:
        return User.objects.none()
    return User.objects.filter(pk=user.pk)
