"""Who signs in with a second factor: the one place that answers it."""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django_otp.plugins.otp_totp.models import TOTPDevice

from lms import access, roles


def second_factor_applies_to(user: User | AnonymousUser) -> bool:
    """Every signed-in account except a peer educator's (one holding no other role): administrators, editors,
    reviewers, programme managers, facilitators, and any account given a role or group added later."""
    if not user.is_authenticated:
        return False
    if user.is_superuser or user.is_staff:
        return True
    return access.role_names(user) != frozenset({roles.PEER_EDUCATORS})


def needs_second_factor(user: User | AnonymousUser) -> bool:
    """Whether the user must give a second factor to use the site: settings.LMS_REQUIRE_2FA (always on in
    production, on in development only when LMS_REQUIRE_2FA=1) and an account it applies to."""
    return bool(getattr(settings, "LMS_REQUIRE_2FA", False)) and second_factor_applies_to(user)


def is_enrolled(user: User | AnonymousUser) -> bool:
    """Whether the user has set up an authenticator app (a confirmed TOTP device)."""
    return user.is_authenticated and TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def is_verified(user: User | AnonymousUser) -> bool:
    """Whether this session's sign-in was completed with a second factor (django-otp's OTPMiddleware)."""
    verified = getattr(user, "is_verified", None)
    return bool(verified and verified())
