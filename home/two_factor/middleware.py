"""Send whoever must sign in with a second factor, and has not yet in this session, to give it first."""

from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse

from home.two_factor import rules

# Pages open before the second factor: its own two, signing in and out (site, Wagtail admin, Django admin),
# and choosing the language.
OPEN_VIEWS = frozenset(
    {
        "two_factor_enrol",
        "two_factor_verify",
        "login",
        "logout",
        "wagtailadmin_login",
        "wagtailadmin_logout",
        "admin:logout",
        "set_language",
        "language_choose",
        "language_link",
    }
)


class SecondFactorMiddleware:
    """Every page, the facilitators' site, the Wagtail admin and the Django admin alike, redirects a user who
    needs a second factor (home.two_factor.rules.needs_second_factor) and has not given it in this session:
    to the code page when their app is set up, to set it up otherwise, keeping the page asked for in `next`.
    Costs nothing when LMS_REQUIRE_2FA is off; must come after django_otp's OTPMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if rules.needs_second_factor(user) and not rules.is_verified(user) and not self.is_open(request.path_info):
            target = "two_factor_verify" if rules.is_enrolled(user) else "two_factor_enrol"
            return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def is_open(path: str) -> bool:
        """Whether the address may be opened before the second factor (static files, the pages above)."""
        if path.startswith(settings.STATIC_URL or "/static/"):
            return True
        try:
            return resolve(path).view_name in OPEN_VIEWS
        except Resolver404:
            return False
