"""The form for adding a service provider to a centre's directory (or the programme's) and changing one; it calls
a service."""

from django import forms
from django.utils.translation import gettext_lazy as _

from learners import services
from learners.models import ServiceProvider
from learners.models.help import PHONE_MAX_LENGTH
from lms.forms import ServiceForm, with_blank
from lms.validators import validate_name


class ServiceProviderForm(ServiceForm):
    """A provider of the directory: kind, name, area, phone number, and whether it shows where to get help."""

    kind = forms.ChoiceField(label=_("Kind"), choices=with_blank(ServiceProvider.Kind.choices, _("Choose")))
    name = forms.CharField(label=_("Name"), max_length=120, validators=[validate_name])
    area = forms.CharField(
        label=_("Area"),
        max_length=80,
        required=False,
        validators=[validate_name],
        help_text=_("For example: Satellite Town."),
    )
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=PHONE_MAX_LENGTH,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
        help_text=_("Check the number by calling it before saving."),
    )
    show_in_help = forms.BooleanField(
        label=_("Show where to get help"),
        required=False,
        help_text=_("Also list it in lesson help blocks and the footer for the centre's readers."),
    )
    is_active = forms.BooleanField(
        label=_("Still referring to it"),
        required=False,
        initial=True,
        help_text=_("Untick instead of deleting: past referrals keep it."),
    )

    def __init__(self, *args, centre=None, provider: ServiceProvider | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.centre, self.provider = centre, provider
        if provider is None:
            del self.fields["is_active"]  # a new provider is in use
        else:
            self.initial = {name: getattr(provider, name) for name in self.fields}

    def submit(self, *, acting_user):
        """The service's Result (created, changed or unchanged), or None with the reason on the form."""
        if self.provider is None:
            return self.run(
                services.service_provider_create, centre=self.centre, acting_user=acting_user, **self.cleaned_data
            )
        return self.run(
            services.service_provider_update, provider=self.provider, acting_user=acting_user, **self.cleaned_data
        )
