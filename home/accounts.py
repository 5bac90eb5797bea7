"""Signing in and out: every sign-in, sign-out and failed sign-in is written to the audit log (admin: Reports >
Site history), and the password reset pages refuse to be hammered.

A failed sign-in names the account only when the user name typed is one (otherwise "unknown user": what was
typed may be a password in the wrong box); the password is never written. The address is the client's, read
through the trusted proxies (lms.throttling.client_address).
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpResponseRedirect
from django.shortcuts import render
from wagtail.admin.views import account as wagtail_account

from lms import audit, sessions
from lms.throttling import allow, client_address

UNKNOWN_USER = "unknown user"


@receiver(user_logged_in, dispatch_uid="home.accounts.on_sign_in")
def on_sign_in(sender, request, user, **kwargs) -> None:
    """Audit the sign-in and start the idle clock of the new session."""
    if request is None:
        return
    sessions.touch(request)
    audit.record(user, audit.SIGN_IN, user=user, data={"address": client_address(request)})


@receiver(user_logged_out, dispatch_uid="home.accounts.on_sign_out")
def on_sign_out(sender, request, user, **kwargs) -> None:
    """Audit the sign-out, saying when it came from the idle limit rather than the person."""
    if user is None or request is None:
        return
    data = {"address": client_address(request)}
    if getattr(request, "signed_out_idle", False):
        data["reason"] = "idle"
    audit.record(user, audit.SIGN_OUT, user=user, data=data)


@receiver(user_login_failed, dispatch_uid="home.accounts.on_sign_in_failed")
def on_sign_in_failed(sender, credentials, request=None, **kwargs) -> None:
    """Audit a failed sign-in against the account named, or as "unknown user"; never the password."""
    model = get_user_model()
    username = (credentials or {}).get(model.USERNAME_FIELD) or ""
    data = {"address": client_address(request) if request is not None else None}
    account = model._default_manager.filter(**{model.USERNAME_FIELD: username}).first() if username else None
    if account is None:
        audit.record_without_object(model, audit.SIGN_IN_FAILED, label=UNKNOWN_USER, data=data)
    else:
        audit.record(account, audit.SIGN_IN_FAILED, user=None, data=data)


class ThrottledResetMixin:
    """At most LMS_PASSWORD_RESET_PER_ADDRESS requests an hour from one address (then 429, with a page saying
    so) and LMS_PASSWORD_RESET_PER_EMAIL for one e-mail address (then the usual "check your e-mail" page, and
    no e-mail: whether an account has that address is never revealed)."""

    def post(self, request, *args, **kwargs):
        """Refuse when the address has asked too often; otherwise Django's own handling."""
        address = client_address(request)
        if not allow("password-reset-address", address, limit=settings.LMS_PASSWORD_RESET_PER_ADDRESS):
            return render(request, "registration/too_many_requests.html", status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        """Send the e-mail unless this e-mail address has had its share this hour."""
        email = form.cleaned_data["email"].strip().casefold()
        if not allow("password-reset-email", email, limit=settings.LMS_PASSWORD_RESET_PER_EMAIL):
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


class PasswordResetView(ThrottledResetMixin, auth_views.PasswordResetView):
    """The site's password reset page (/accounts/password_reset/), throttled."""


class AdminPasswordResetView(ThrottledResetMixin, wagtail_account.PasswordResetView):
    """The Wagtail admin's password reset page (/admin/password_reset/), throttled the same way."""
