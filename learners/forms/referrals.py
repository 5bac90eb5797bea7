"""Forms for referring a learner to a provider of the directory and for following a referral up; each calls a
service."""

from django import forms
from django.utils.translation import gettext_lazy as _

from learners import services
from learners.forms.outcomes import LearnerServiceForm
from learners.models import Referral, ReferralOutcome, ServiceProvider
from learners.selectors import providers_for
from lms.forms import IdChoiceField, ServiceForm, date_field, with_blank


class ReferralForm(LearnerServiceForm):
    """Refer a learner to a provider of their centre's directory (or the programme's) for a kind of need."""

    service = staticmethod(services.referral_record)

    provider = IdChoiceField(label=_("Referred to"), queryset=ServiceProvider.objects.none(), empty_label=_("Choose"))
    referred_on = date_field(_("Referred on"))
    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=with_blank(Referral.Reason.choices, _("Choose")),
        help_text=_("The kind of need only: case details stay in the case file, not in this system."),
    )
    follow_up_on = date_field(_("Follow up on"), required=False, initial=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers_for(self.learner)
        self.fields["follow_up_on"].help_text = _("Optional: the day to check whether the child received the service.")

    def submit(self, *, acting_user):
        """The referral recorded (or already there), or None with errors on the form."""
        result = super().submit(acting_user=acting_user)
        return None if result is None else result.record


class ReferralFollowUpForm(ServiceForm):
    """Record what following up a referral found; pending needs the day of the next follow-up."""

    on = date_field(_("Followed up on"))
    outcome = forms.ChoiceField(label=_("Outcome"), choices=with_blank(ReferralOutcome.choices, _("Choose")))
    next_follow_up_on = date_field(_("Next follow-up on"), required=False, initial=None)

    def __init__(self, *args, referral: Referral, **kwargs):
        super().__init__(*args, **kwargs)
        self.referral = referral
        self.fields["next_follow_up_on"].help_text = _("Only when it is still pending.")

    def submit(self, *, acting_user):
        """The follow-up's Result, or None with errors on the form."""
        return self.run(
            services.referral_follow_up, referral=self.referral, acting_user=acting_user, **self.cleaned_data
        )
