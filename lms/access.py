"""The one place that answers what a user may see.

Views ask these functions instead of filtering by hand, so a rule changes in one place.
"""

from django.contrib.auth.models import AnonymousUser, User

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


def can_see_facilitator_content(user: User | AnonymousUser) -> bool:
    """Facilitator notes and quiz answers: only for people who deliver sessions (and admins)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or has_role(user, *roles.DELIVERY_ROLES)
