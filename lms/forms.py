"""Form plumbing every app shares: the form that calls a service and shows its refusals, date fields."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone


def date_field(label, *, required: bool = True, initial=timezone.localdate) -> forms.DateField:
    """A date field with the browser's date picker (ISO format), by default today."""
    return forms.DateField(
        label=label,
        required=required,
        initial=initial,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )


def with_blank(choices, label) -> list[tuple[str, str]]:
    """Choices preceded by an empty one, so nothing is chosen by accident."""
    return [("", label), *choices]


class ServiceForm(forms.Form):
    """A form whose submit() calls a service and turns its ValidationError into form errors."""

    # Service error keys that belong to a field with another name on this form.
    error_fields: dict[str, str] = {}

    def add_service_error(self, error: ValidationError) -> None:
        """Show a service's message next to its field when the form has it, otherwise above the form."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for key, messages in error.message_dict.items():
            field = self.error_fields.get(key, key)
            self.add_error(field if field in self.fields else None, messages)

    def run(self, service, **kwargs):
        """Call the service when the form is valid; on ValidationError show it on the form. None when refused."""
        if not self.is_valid():
            return None
        try:
            return service(**kwargs)
        except ValidationError as error:
            self.add_service_error(error)
            return None
