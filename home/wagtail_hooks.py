"""Admin: the audit actions for signing in and out and for two-factor sign-in, named so that Reports > Site
history reads in plain words; the administrators' two-factor pages (Settings > Two-factor sign-in, and "Reset
two-factor sign-in" on each user in Settings > Users)."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import Button
from wagtail.log_actions import LogFormatter

from home.two_factor import services
from home.two_factor.admin_views import SecondFactorAccountsView, SecondFactorResetView
from lms import access, audit


class SignInFormatter(LogFormatter):
    """Base for the sign-in actions: the message names the client's address when it is known."""

    with_address = ""
    without_address = ""

    def format_message(self, log_entry):
        """For example: "Failed sign-in from 203.0.113.7"."""
        address = (log_entry.data or {}).get("address")
        if not address:
            return self.without_address
        return self.with_address % {"address": address}


class SignInDone(SignInFormatter):
    """A sign-in."""

    label = _("Sign-in")
    with_address = _("Signed in from %(address)s")
    without_address = _("Signed in")


class SignInFailed(SignInFormatter):
    """A wrong user name or password (or a sign-in refused while locked)."""

    label = _("Failed sign-in")
    with_address = _("Failed sign-in from %(address)s")
    without_address = _("Failed sign-in")


class SignOut(SignInFormatter):
    """A sign-out, by the person or after the idle limit."""

    label = _("Sign-out")
    with_address = _("Signed out from %(address)s")
    without_address = _("Signed out")

    def format_message(self, log_entry):
        """The idle sign-out says so."""
        if (log_entry.data or {}).get("reason") == "idle":
            return _("Signed out after a time without activity")
        return super().format_message(log_entry)


@hooks.register("register_log_actions")
def register_sign_in_actions(actions):
    """Name the sign-in, failed sign-in and sign-out actions."""
    actions.register_action(audit.SIGN_IN)(SignInDone)
    actions.register_action(audit.SIGN_IN_FAILED)(SignInFailed)
    actions.register_action(audit.SIGN_OUT)(SignOut)


ACTIONS = {
    services.ENROLLED: (_("Set up two-factor sign-in"), _("Set up an authenticator app and recovery codes")),
    services.RECOVERY_CODES: (_("Make new recovery codes"), _("Made new recovery codes")),
    services.RECOVERY_CODE_USED: (_("Sign in with a recovery code"), _("Signed in with a recovery code")),
    services.RESET: (_("Reset two-factor sign-in"), _("Reset two-factor sign-in (app and recovery codes removed)")),
}


@hooks.register("register_log_actions")
def register_two_factor_actions(actions):
    """Name the two-factor actions so the log reads in plain words."""
    for action, (label, message) in ACTIONS.items():
        actions.register_action(action, label, message)


@hooks.register("register_admin_urls")
def register_two_factor_urls():
    """The accounts' list and the reset page (administrators only)."""
    return [
        path("two-factor/", SecondFactorAccountsView.as_view(), name="two_factor_accounts"),
        path("two-factor/<int:user_id>/reset/", SecondFactorResetView.as_view(), name="two_factor_reset"),
    ]


class AdministratorsMenuItem(MenuItem):
    """A menu entry only administrators see."""

    def is_shown(self, request):
        """Administrators (superusers) only."""
        return access.is_admin(request.user)


@hooks.register("register_settings_menu_item")
def register_two_factor_menu_item():
    """Settings > Two-factor sign-in."""
    return AdministratorsMenuItem(_("Two-factor sign-in"), reverse("two_factor_accounts"), icon_name="key", order=610)


@hooks.register("register_user_listing_buttons")
def two_factor_reset_button(user, request_user):
    """Settings > Users: "Reset two-factor sign-in" in each user's menu, for administrators."""
    if access.is_admin(request_user):
        yield Button(_("Reset two-factor sign-in"), reverse("two_factor_reset", args=[user.pk]), icon_name="key")
