"""Forms for coordination and advocacy meetings, trainings, and follow-ups after placement. They validate input
and call learners.services; the services check everything again."""

from django import forms
from django.utils.translation import gettext_lazy as _

from learners import services
from learners.models import Centre, CoordinationMeeting, PlacementFollowUp, TrainingEvent
from learners.services.coordination import centres_or_programme_recorded_by
from lms.forms import IdChoiceField, ServiceForm, count_field, date_field, with_blank
from lms.validators import MAX_PEOPLE

TEXT_ROWS = {"rows": 3}
MAX_TEXT = 1000


class _PlaceForm(ServiceForm):
    """A form with a centre, or none for the whole programme (programme managers only)."""

    centre = IdChoiceField(label=_("Centre"), queryset=Centre.objects.none(), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        places = centres_or_programme_recorded_by(user)
        programme = None in places
        field = self.fields["centre"]
        field.queryset = Centre.objects.filter(pk__in=[c.pk for c in places if c is not None])
        field.required = not programme
        field.empty_label = _("Whole programme") if programme else _("Choose")
        only = [c for c in places if c is not None]
        if not programme and len(only) == 1:
            field.initial = only[0].pk


class CoordinationMeetingForm(_PlaceForm):
    """Record a coordination or advocacy meeting: day, level, name, organisations present, topics, decisions."""

    date = date_field(_("Date"))
    level = forms.ChoiceField(label=_("Level"), choices=with_blank(CoordinationMeeting.Level.choices, _("Choose")))
    title = forms.CharField(
        label=_("Meeting or forum"), max_length=120, help_text=_("For example: District Child Protection Committee.")
    )
    organisations = forms.CharField(
        label=_("Organisations present"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs=TEXT_ROWS),
        help_text=_("One per line, for example: Social Welfare."),
    )
    topics = forms.CharField(label=_("Topics"), max_length=MAX_TEXT, widget=forms.Textarea(attrs=TEXT_ROWS))
    decisions = forms.CharField(
        label=_("Decisions"), max_length=MAX_TEXT, required=False, widget=forms.Textarea(attrs=TEXT_ROWS)
    )

    def submit(self, *, acting_user):
        """Record the meeting and say what was done; None (with the reason on the form) when refused."""
        return self.run(services.coordination_meeting_record, acting_user=acting_user, **self.cleaned_data)


class TrainingEventForm(_PlaceForm):
    """Record a training: day, audience, topic and participants by sex."""

    date = date_field(_("Date"))
    audience = forms.ChoiceField(label=_("Audience"), choices=with_blank(TrainingEvent.Audience.choices, _("Choose")))
    topic = forms.CharField(label=_("Topic"), max_length=200)
    participants_male = count_field(_("Male participants"), maximum=MAX_PEOPLE)
    participants_female = count_field(_("Female participants"), maximum=MAX_PEOPLE)

    def submit(self, *, acting_user):
        """Record the training and say what was done; None (with the reason on the form) when refused."""
        data = dict(self.cleaned_data)
        for name in ("participants_male", "participants_female"):
            data[name] = data[name] or 0
        return self.run(services.training_event_record, acting_user=acting_user, **data)


class FollowUpForm(ServiceForm):
    """Record a 3- or 6-month follow-up: the day, still there or not, and for a job the earnings band."""

    date = date_field(_("Date of the follow-up"))
    still_there = forms.TypedChoiceField(
        label=_("Still in the job or at school?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    earnings = forms.ChoiceField(
        label=_("Monthly earnings"),
        required=False,
        choices=with_blank(PlacementFollowUp.Earnings.choices, _("Choose")),
        help_text=_("Jobs only, when still in the job: a band, not the amount."),
    )

    def __init__(self, *args, record, point: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.record, self.point = record, point
        if not hasattr(record, "placed_on"):
            del self.fields["earnings"]

    def submit(self, *, acting_user):
        """Record the follow-up and say what was done; None (with the reason on the form) when refused."""
        return self.run(
            services.follow_up_record, of=self.record, point=self.point, acting_user=acting_user, **self.cleaned_data
        )


def _edit_initial(form, row, names) -> None:
    """An edit form: no centre to choose (it stays), the row's values as they are."""
    form.fields.pop("centre", None)
    form.initial = {name: getattr(row, name) for name in names}


class CoordinationMeetingEditForm(CoordinationMeetingForm):
    """Correct a recorded meeting (its centre stays)."""

    def __init__(self, *args, meeting: CoordinationMeeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        _edit_initial(self, meeting, ["date", "level", "title", "organisations", "topics", "decisions"])

    def submit(self, *, acting_user):
        """Save the corrections and say what was done; None (with the reason on the form) when refused."""
        return self.run(
            services.coordination_meeting_update, meeting=self.meeting, acting_user=acting_user, **self.cleaned_data
        )


class TrainingEventEditForm(TrainingEventForm):
    """Correct a recorded training (its centre stays)."""

    def __init__(self, *args, training: TrainingEvent, **kwargs):
        super().__init__(*args, **kwargs)
        self.training = training
        _edit_initial(self, training, ["date", "audience", "topic", "participants_male", "participants_female"])

    def submit(self, *, acting_user):
        """Save the corrections and say what was done; None (with the reason on the form) when refused."""
        data = dict(self.cleaned_data)
        for name in ("participants_male", "participants_female"):
            data[name] = data[name] or 0
        return self.run(services.training_event_update, training=self.training, acting_user=acting_user, **data)


class RowRemoveForm(ServiceForm):
    """Confirm the removal of a meeting or a training recorded by mistake (no fields)."""

    def __init__(self, *args, service, target: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.service, self.target = service, target  # target: the service's keyword for the row, e.g. {"meeting": m}

    def submit(self, *, acting_user):
        """Remove the row through its service; None (with the reason on the form) when refused."""
        return self.run(self.service, acting_user=acting_user, **self.target)


class FollowUpEditForm(FollowUpForm):
    """Correct a recorded follow-up after placement: its day, still there or not, the earnings band."""

    def __init__(self, *args, follow_up: PlacementFollowUp, **kwargs):
        record = follow_up.placement or follow_up.enrolment
        super().__init__(*args, record=record, point=follow_up.point, **kwargs)
        self.follow_up = follow_up
        self.initial = {
            "date": follow_up.date,
            "still_there": "yes" if follow_up.still_there else "no",
            "earnings": follow_up.earnings,
        }

    def submit(self, *, acting_user):
        """Save the corrections and say what was done; None (with the reason on the form) when refused."""
        return self.run(
            services.follow_up_update, follow_up=self.follow_up, acting_user=acting_user, **self.cleaned_data
        )
