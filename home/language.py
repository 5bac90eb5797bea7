"""Choosing the site's language: saved on the account for signed-in users, in a cookie for everyone.

Signed-in users choose with a small form (POST, CSRF) that saves the account's language; visitors
follow plain links (`/language/ur/?next=/modules/`) that only set the cookie, so a page for visitors
needs no form or token. On sign-in the account's language is copied into the session and the cookie,
so it survives signing out and signing in again, on this phone or another.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST
from wagtail.models import Locale, Site

from home.models import UserLanguage
from lms.middleware import PAGE_VIEW, SESSION_KEY, is_page, is_supported, remember_in_cookie


def account_language(user) -> str | None:
    """The language saved on the user's account, or None when they never chose one."""
    return UserLanguage.objects.filter(user=user).values_list("language", flat=True).first()


def user_language_save(*, user, language: str) -> UserLanguage:
    """Save the user's language on their account (a supported code only)."""
    if not is_supported(language):
        raise ValueError(f"Not one of settings.LANGUAGES: {language!r}")
    choice, _created = UserLanguage.objects.update_or_create(user=user, defaults={"language": language})
    return choice


@receiver(user_logged_in, dispatch_uid="home.language.on_sign_in")
def on_sign_in(sender, request, user, **kwargs) -> None:
    """Copy the account's language into the new session and the cookie (nothing when none was chosen)."""
    code = account_language(user)
    if request is None or not is_supported(code):
        return
    request.session[SESSION_KEY] = code
    remember_in_cookie(request, code)
    translation.activate(code)


def safe_next(request: HttpRequest, fallback: str = "/") -> str:
    """The `next` address from the form or the query, if it points at this site; otherwise the fallback."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    hosts = {request.get_host()}
    allowed = url_has_allowed_host_and_scheme(target, allowed_hosts=hosts, require_https=request.is_secure())
    return target if allowed else fallback


def address_in(request: HttpRequest, path: str, code: str) -> str:
    """The address of `path` in another language. A page of the curriculum has one address per language
    (/modules/... and /ur/modules/..., slugs may differ): its live translation's, else that language's home
    page. The facilitators' pages have one address for every language and come back unchanged."""
    address = urlsplit(path).path
    # The address's own language: its prefix (/ur/...), or the default language's when it has none.
    with translation.override(translation.get_language_from_path(address) or settings.LANGUAGE_CODE):
        try:
            match = resolve(address)
        except Resolver404:
            return path
        if not is_page(match):
            return path
        site = Site.find_for_request(request)
        parts = [part for part in match.args[0].split("/") if part]
        try:
            page = site.root_page.localized.specific.route(request, parts)
        except (AttributeError, Http404):
            page = None
    with translation.override(code):
        translated = page.page.get_translation_or_none(Locale.get_active()) if page else None
        if translated is not None and translated.live:
            return translated.url
        return reverse(PAGE_VIEW, args=[""])


def switch_to(request: HttpRequest, code: str) -> HttpResponse:
    """Redirect to `next` in the chosen language, and remember it in the cookie (and the session if signed in)."""
    if request.user.is_authenticated:
        request.session[SESSION_KEY] = code
    target = address_in(request, safe_next(request), code)
    remember_in_cookie(request, code)
    translation.activate(code)
    return redirect(target)


@require_POST
@login_required
def language_choose(request: HttpRequest) -> HttpResponse:
    """The signed-in user's language form: saved on their account, then back to the page they were on."""
    code = request.POST.get("language", "")
    if not is_supported(code):
        return HttpResponseBadRequest()
    user_language_save(user=request.user, language=code)
    return switch_to(request, code)


@require_GET
def language_link(request: HttpRequest, code: str) -> HttpResponse:
    """A visitor's language link: sets the cookie only (no form, no token), then back to a safe `next`."""
    if not is_supported(code):
        return HttpResponseBadRequest()
    return switch_to(request, code)
