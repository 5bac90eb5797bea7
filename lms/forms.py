"""Form plumbing every app shares: the form that calls a service and shows its refusals, date and count
fields, and choices of records that refuse ids no record can have."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms.validators import parse_id, validate_plausible_date


def date_field(label, *, required: bool = True, initial=timezone.localdate) -> forms.DateField:
    """A date field with the browser's date picker (ISO format), by default today; a date before 1990 or more
    than a few years ahead is refused with a message (lms.validators)."""
    return forms.DateField(
        label=label,
        required=required,
        initial=initial,
        validators=[validate_plausible_date],
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )


def count_field(label, *, maximum: int, required: bool = False, negative_message=None) -> forms.IntegerField:
    """A count of people: a whole number from 0 to `maximum` (blank is 0 unless required)."""
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=0,
        max_value=maximum,
        initial=None if required else 0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": maximum}),
        error_messages={
            "min_value": negative_message or _("A count cannot be negative."),
            "max_value": _("Write a number no bigger than %(limit_value)s."),
            "invalid": _("Write a whole number."),
        },
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


class IdChoiceField(forms.ModelChoiceField):
    """A choice of one record that answers "Select a valid choice" for a posted id no record can have
    (not a whole number, zero, negative, or beyond 2**63 - 1), before asking the database."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if self.to_field_name is None and not isinstance(value, self.queryset.model) and parse_id(value) is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A choice of several records that answers "Select a valid choice" for any posted id no record can have,
    before asking the database (SQLite cannot compare a number beyond 2**63 - 1 and fails the page)."""

    def _check_values(self, value):
        if self.to_field_name is None:
            for item in value:
                if parse_id(item) is None:
                    raise ValidationError(
                        self.error_messages["invalid_choice"], code="invalid_choice", params={"value": item}
                    )
        return super()._check_values(value)
