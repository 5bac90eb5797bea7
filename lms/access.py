"""The one place that answers what a user may see and change.

Views ask these functions instead of filtering by hand, so a rule changes in one place. Anything
outside a user's scope is answered with 404 by the views (its existence is not revealed).

- administrators (superusers): everything;
- programme managers: read every centre, change nothing here;
- facilitators: read and change the centres they are assigned to;
- content editors and reviewers, peer educators (for now) and anyone else: no learner data.
"""

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet

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


def learners_visible_to(user: User | AnonymousUser) -> QuerySet:
    """Learners the user may read."""
    from learners.models import Learner

    return Learner.objects.filter(centre__in=centres_visible_to(user))


def learners_managed_by(user: User | AnonymousUser) -> QuerySet:
    """Learners the user may change."""
    from learners.models import Learner

    return Learner.objects.filter(centre__in=centres_managed_by(user))


def groups_visible_to(user: User | AnonymousUser) -> QuerySet:
    """Groups the user may read."""
    from learners.models import Group

    return Group.objects.filter(centre__in=centres_visible_to(user))


def groups_managed_by(user: User | AnonymousUser) -> QuerySet:
    """Groups the user may change (plan, run and correct sessions for)."""
    from learners.models import Group

    return Group.objects.filter(centre__in=centres_managed_by(user))


def sessions_visible_to(user: User | AnonymousUser) -> QuerySet:
    """Sessions the user may read."""
    from courses.models import Session

    return Session.objects.filter(group__centre__in=centres_visible_to(user))


def sessions_managed_by(user: User | AnonymousUser) -> QuerySet:
    """Sessions the user may run, correct or cancel."""
    from courses.models import Session

    return Session.objects.filter(group__centre__in=centres_managed_by(user))
