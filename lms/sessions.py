"""Signed-in sessions on shared phones: signed out after a while without activity, and never kept in a cache.

`IdleSignOutMiddleware` signs a user out after `LMS_SESSION_IDLE_MINUTES` without a request (the time of the
last request is kept in the session, written at most once a minute so that reading a page does not write the
session row each time). `NoStoreMiddleware` marks every response to a signed-in user, pages, downloads and
the admin alike, `Cache-Control: no-store, private`, so neither the phone's browser nor a proxy keeps a copy
of a child's record after the person signs out.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.utils.cache import add_never_cache_headers
from django.utils.translation import ngettext

LAST_ACTIVITY = "lms_last_activity"
# Seconds between two writes of the time of the last request.
REFRESH_EVERY = 60


def touch(request) -> None:
    """Note now as the session's last activity (on sign-in, and at most once a minute after)."""
    request.session[LAST_ACTIVITY] = int(time.time())


def idle_limit() -> int:
    """Seconds without a request after which a signed-in session ends."""
    return settings.LMS_SESSION_IDLE_MINUTES * 60


class IdleSignOutMiddleware:
    """Sign out a user whose last request is older than the idle limit, and send them to sign in again with a
    message saying why; otherwise note the activity (at most once a minute)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            last = request.session.get(LAST_ACTIVITY)
            if last is not None and time.time() - last > idle_limit():
                return self._sign_out(request)
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            last = request.session.get(LAST_ACTIVITY)
            if last is None or time.time() - last >= REFRESH_EVERY:
                touch(request)
        return response

    @staticmethod
    def _sign_out(request):
        request.signed_out_idle = True  # read by the audit entry of the sign-out (home.accounts)
        logout(request)
        minutes = settings.LMS_SESSION_IDLE_MINUTES
        messages.info(
            request,
            ngettext(
                "You were signed out after %(minutes)s minute without activity. Sign in again to go on.",
                "You were signed out after %(minutes)s minutes without activity. Sign in again to go on.",
                minutes,
            )
            % {"minutes": minutes},
        )
        return redirect_to_login(request.get_full_path())


class NoStoreMiddleware:
    """`Cache-Control: no-store, private` (with no-cache, must-revalidate, max-age=0) on every response to a
    request made signed in, or that signed someone in or out; visitors' pages are left as they are."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        signed_in = request.user.is_authenticated
        response = self.get_response(request)
        if signed_in or request.user.is_authenticated:
            add_never_cache_headers(response)
        return response
