"""The forms of two-factor sign-in: a code typed from the app (or a recovery code), and renewing the codes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from home.two_factor import services
from lms.forms import ServiceForm


def code_field(*, label, help_text, numeric: bool) -> forms.CharField:
    """A short code field that phones fill from the authenticator app or an SMS-like prompt, without autocorrect."""
    attrs = {"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false", "autofocus": True}
    if numeric:
        attrs.update({"inputmode": "numeric", "pattern": "[0-9 ]*"})
    return forms.CharField(label=label, help_text=help_text, max_length=32, widget=forms.TextInput(attrs=attrs))


class EnrolForm(ServiceForm):
    """The first code from a newly added authenticator app, proving it was added."""

    code = code_field(
        label=_("Code from the app"),
        help_text=_("The six digits the app shows for this site now."),
        numeric=True,
    )

    def submit(self, *, acting_user, user) -> services.Enrolment | None:
        """Confirm the app and make the recovery codes; None (with the reason on the form) when refused."""
        code = self.cleaned_data["code"]
        return self.run(services.second_factor_enrol, acting_user=acting_user, user=user, code=code)


class VerifyForm(ServiceForm):
    """The second step of signing in: a code from the app, or one of the recovery codes."""

    code = code_field(
        label=_("Code"),
        help_text=_("The six digits your authenticator app shows now, or one of your recovery codes."),
        numeric=False,
    )

    def submit(self, *, acting_user, user) -> services.Verification | None:
        """Check the code; the verification, or None (with the reason on the form) when refused."""
        code = self.cleaned_data["code"]
        return self.run(services.second_factor_verify, acting_user=acting_user, user=user, code=code)


class RecoveryCodesForm(ServiceForm):
    """Renew the recovery codes (one button: the old codes stop working)."""

    def submit(self, *, acting_user, user) -> list[str] | None:
        """The new codes; None (with the reason on the form) when refused."""
        return self.run(services.recovery_codes_regenerate, acting_user=acting_user, user=user)
