"""lms.forms, called directly: a service's refusals land on the right field, and date fields refuse bad dates."""

from django import forms
from django.core.exceptions import ValidationError
from django.test import SimpleTestCase

from lms.forms import ServiceForm, date_field, with_blank


class MeetingForm(ServiceForm):
    """A small form that calls whatever service a test gives it."""

    title = forms.CharField()
    on = date_field("On")
    error_fields = {"held_on": "on"}

    def submit(self, service):
        """Call the service with the cleaned data."""
        return self.run(service, **self.cleaned_data)


def refusing(error: ValidationError):
    """A service that always refuses with the given error."""

    def service(**kwargs):
        raise error

    return service


VALID = {"title": "Elders' meeting", "on": "2026-03-31"}


class ServiceFormTests(SimpleTestCase):
    """What a facilitator sees when a service refuses a form's input."""

    def submitted(self, service, data=None):
        form = MeetingForm(data or VALID)
        result = form.submit(service) if form.is_valid() else "not called"
        return form, result

    def test_a_refusal_naming_a_field_is_shown_next_to_that_field(self):
        form, result = self.submitted(refusing(ValidationError({"title": "This title is already used."})))
        self.assertIsNone(result)
        self.assertEqual(form.errors["title"], ["This title is already used."])
        self.assertEqual(form.non_field_errors(), [])

    def test_a_refusal_naming_a_service_key_lands_on_the_field_it_maps_to(self):
        form, _result = self.submitted(refusing(ValidationError({"held_on": "The centre was closed that day."})))
        self.assertEqual(form.errors["on"], ["The centre was closed that day."])
        self.assertNotIn("held_on", form.errors)

    def test_a_refusal_naming_an_unknown_field_is_shown_above_the_form(self):
        form, _result = self.submitted(refusing(ValidationError({"centre": "The centre is closed."})))
        self.assertEqual(form.non_field_errors(), ["The centre is closed."])
        self.assertEqual(list(form.errors), ["__all__"])

    def test_a_refusal_naming_no_field_is_shown_above_the_form(self):
        form, _result = self.submitted(refusing(ValidationError("You may not record at this centre.")))
        self.assertEqual(form.non_field_errors(), ["You may not record at this centre."])

    def test_several_refusals_each_land_in_their_place(self):
        error = ValidationError({"title": "Too long.", "held_on": "Too late.", "other": "Something else."})
        form, _result = self.submitted(refusing(error))
        self.assertEqual(form.errors["title"], ["Too long."])
        self.assertEqual(form.errors["on"], ["Too late."])
        self.assertEqual(form.non_field_errors(), ["Something else."])

    def test_an_accepted_submission_returns_what_the_service_returned(self):
        calls = []

        def service(**kwargs):
            calls.append(kwargs)
            return "saved"

        form, result = self.submitted(service)
        self.assertEqual(result, "saved")
        self.assertEqual(calls[0]["title"], "Elders' meeting")
        self.assertTrue(form.is_valid())

    def test_the_service_is_not_called_when_the_form_is_invalid(self):
        calls = []
        form = MeetingForm({"title": "", "on": "2026-03-31"})
        result = form.run(lambda **kwargs: calls.append(kwargs) or "saved", title="")
        self.assertIsNone(result)
        self.assertEqual(calls, [])
        self.assertEqual(list(form.errors), ["title"])

    def test_date_field_refuses_a_bad_date_with_a_clear_message(self):
        form = MeetingForm({"title": "Elders' meeting", "on": "2026-02-30"})
        self.assertFalse(form.is_valid())
        self.assertEqual(form.errors["on"], ["Enter a valid date."])

    def test_date_field_reads_the_browsers_iso_date_and_defaults_to_today(self):
        field = date_field("On")
        self.assertEqual(field.clean("2026-03-31").isoformat(), "2026-03-31")
        self.assertEqual(field.widget.input_type, "date")
        self.assertTrue(callable(field.initial))
        self.assertFalse(date_field("On", required=False, initial=None).required)

    def test_with_blank_puts_an_empty_choice_first(self):
        self.assertEqual(with_blank([("m", "Male")], "Choose"), [("", "Choose"), ("m", "Male")])
