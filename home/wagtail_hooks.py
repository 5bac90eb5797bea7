"""Admin: the audit actions for signing in and out, named so that Reports > Site history reads in plain words."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.log_actions import LogFormatter

from lms import audit


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
