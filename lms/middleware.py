"""The signed-in user's language on the facilitators' pages, and the language cookie that outlives the session.

Django's LocaleMiddleware (earlier in MIDDLEWARE) chooses a language from the URL prefix, the cookie or
the browser. After authentication, this middleware puts the account's language on top of that for the
site's own views (dashboard, groups, learners, reports...), but not for Wagtail's page tree, whose
language is its URL (`/ur/...`). The account's language is copied into the session when the user signs
in or chooses it (home.language), so reading it here costs no query.
"""

from django.conf import settings
from django.utils import translation
from wagtail.views import serve as wagtail_serve

SESSION_KEY = "lms_language"


def is_supported(code: str | None) -> bool:
    """Whether the code names one of the site's languages (settings.LANGUAGES)."""
    return bool(code) and code in dict(settings.LANGUAGES)


def remember_in_cookie(request, code: str) -> None:
    """Ask the middleware to set the language cookie on this request's response."""
    request.language_cookie = code


def set_language_cookie(response, code: str) -> None:
    """Write the language cookie with Django's own cookie settings (name, age, path, flags)."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


class UserLanguageMiddleware:
    """Activate a signed-in user's language on the site's own views; set the cookie when asked to."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        code = getattr(request, "language_cookie", None)
        if is_supported(code):
            set_language_cookie(response, code)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        """Switch to the account's language unless the view serves the Wagtail page tree."""
        if view_func is wagtail_serve or not request.user.is_authenticated:
            return None
        code = request.session.get(SESSION_KEY)
        if is_supported(code) and code != translation.get_language():
            translation.activate(code)
            request.LANGUAGE_CODE = code
        return None
