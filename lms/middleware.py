"""The language of a request.

`LocaleMiddleware` (in place of Django's): the address's language for pages of the curriculum (`/ur/...`),
the visitor's choice (cookie, then the browser) for the facilitators' pages, which have one address for
every language. `UserLanguageMiddleware` (after authentication): on the site's own views, a signed-in
user's account language on top of that (copied into the session at sign-in by home.language, so reading it
costs no query), never on Wagtail's page tree; and the language cookie that outlives the session.
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.urls import Resolver404, resolve
from django.utils import translation

PAGE_VIEW = "wagtail_serve"


def is_page(match) -> bool:
    """True when a resolved address (a ResolverMatch) serves Wagtail's page tree, the only addresses with a
    language prefix."""
    return match is not None and match.url_name == PAGE_VIEW


def serves_page(path: str) -> bool:
    """True when the address is one of the Wagtail page tree's."""
    try:
        return is_page(resolve(path))
    except Resolver404:
        return False


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Django's LocaleMiddleware, except for unprefixed addresses outside the page tree.

    The page tree is served under `i18n_patterns(prefix_default_language=False)`, and with it Django
    gives every unprefixed address the default language. That is right for /modules/... (the English
    page), but the facilitators' pages (/dashboard/, /groups/...) have one address for every language:
    there the visitor's choice (cookie, then the browser's languages) decides, as before.
    """

    def process_request(self, request):
        """Activate the address's language on pages, the visitor's language elsewhere."""
        super().process_request(request)
        if translation.get_language_from_path(request.path_info) or serves_page(request.path_info):
            return
        translation.activate(translation.get_language_from_request(request, check_path=False))
        request.LANGUAGE_CODE = translation.get_language()


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
        if is_page(request.resolver_match) or not request.user.is_authenticated:
            return None
        code = request.session.get(SESSION_KEY)
        if is_supported(code) and code != translation.get_language():
            translation.activate(code)
            request.LANGUAGE_CODE = code
        return None
