"""Forms for what a learner received and achieved, and for moving them to another centre; each calls a service."""

from django import forms
from django.utils.translation import gettext_lazy as _

from learners import services
from learners.models import Centre, Group, JobPlacement, Learner, Membership, ServiceRecord, Trade, TrainingEnrolment
from learners.services.outcomes import TRAINING_FIELDS
from lms.forms import IdChoiceField, IdMultipleChoiceField, ServiceForm, date_field, with_blank


def active_trades():
    """The trades offered now, for choosing (a record keeps its trade even after it is no longer offered)."""
    return Trade.objects.filter(is_active=True)


class LearnerServiceForm(ServiceForm):
    """A form about one learner: submit() calls its service with the learner and the cleaned data."""

    service = None

    def __init__(self, *args, learner: Learner, **kwargs):
        super().__init__(*args, **kwargs)
        self.learner = learner

    def submit(self, *, acting_user):
        """Call the service; the record, or None (with errors on the form) when the service refuses."""
        return self.run(type(self).service, learner=self.learner, acting_user=acting_user, **self.cleaned_data)


class ServiceRecordForm(LearnerServiceForm):
    """Record a service a learner received: its type, the date and who provided it, nothing more."""

    service = staticmethod(services.service_record)

    kind = forms.ChoiceField(
        label=_("Service"),
        choices=with_blank(ServiceRecord.Kind.choices, _("Choose")),
        help_text=_(
            "Record only the type of service, the date and who provided it. Counselling notes and case "
            "details do not belong here: keep them in the case file, not in this system."
        ),
    )
    date = date_field(_("Date"))
    provider = forms.CharField(
        label=_("Provided by"),
        max_length=120,
        required=False,
        help_text=_("Leave empty when the centre provided it; otherwise the outside organisation's name."),
    )


class TrainingEnrolForm(LearnerServiceForm):
    """Record that a learner started vocational training in a trade."""

    service = staticmethod(services.training_enrol)

    trade = IdChoiceField(label=_("Trade"), queryset=Trade.objects.none(), empty_label=_("Choose"))
    enrolled_on = date_field(_("Enrolled on"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trade"].queryset = active_trades()


class TrainingUpdateForm(ServiceForm):
    """Record the completion and/or the certification of a learner's vocational training."""

    completed_on = date_field(_("Completed on"), required=False, initial=None)
    certified_on = date_field(_("Certified on"), required=False, initial=None)
    certifying_board = forms.CharField(
        label=_("Certifying board"),
        max_length=120,
        required=False,
        help_text=_("For example the provincial Technical Education and Vocational Training Authority."),
    )
    certificate_number = forms.CharField(label=_("Certificate number"), max_length=40, required=False)

    def __init__(self, *args, training: TrainingEnrolment, **kwargs):
        self.training = training
        kwargs.setdefault("initial", {name: getattr(training, name) for name in TRAINING_FIELDS})
        super().__init__(*args, **kwargs)
        self.learner = training.learner

    def submit(self, *, acting_user) -> TrainingEnrolment | None:
        """Save through training_update; None (with errors on the form) when refused."""
        return self.run(services.training_update, training=self.training, acting_user=acting_user, **self.cleaned_data)


class PlacementForm(LearnerServiceForm):
    """Record that a learner was placed in work, in one of the trades or another sector."""

    service = staticmethod(services.placement_record)

    placed_on = date_field(_("Placed on"))
    kind = forms.ChoiceField(label=_("Kind of work"), choices=with_blank(JobPlacement.Kind.choices, _("Choose")))
    trade = IdChoiceField(
        label=_("Trade"), queryset=Trade.objects.none(), required=False, empty_label=_("Not one of the trades")
    )
    sector = forms.CharField(
        label=_("Sector"),
        max_length=80,
        required=False,
        help_text=_("When it is not one of the trades, for example: bakery."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trade"].queryset = active_trades()


class SchoolEnrolmentForm(LearnerServiceForm):
    """Record that a learner was enrolled in formal school (mainstreamed)."""

    service = staticmethod(services.school_enrolment_record)

    enrolled_on = date_field(_("Enrolled on"))
    grade = forms.CharField(
        label=_("Class or grade"),
        max_length=20,
        help_text=_("For example: 3. Do not write the name of the school."),
    )


class LearnerTransferForm(LearnerServiceForm):
    """Move a learner to another active centre on a day; their groups here end that day."""

    service = staticmethod(services.learner_transfer)

    to_centre = IdChoiceField(label=_("To centre"), queryset=Centre.objects.none(), empty_label=_("Choose"))
    moved_on = date_field(_("Moved on"))
    error_fields = {"left_on": "moved_on"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any active centre may receive the learner: its staff then keep the record.
        self.fields["to_centre"].queryset = Centre.objects.filter(is_active=True).exclude(pk=self.learner.centre_id)


class OutcomeRemoveForm(ServiceForm):
    """Confirm the removal of a record made by mistake."""

    def __init__(self, *args, record, **kwargs):
        super().__init__(*args, **kwargs)
        self.record = record

    def submit(self, *, acting_user) -> bool:
        """Remove the record through outcome_remove; False (with errors on the form) when refused."""
        self.run(services.outcome_remove, record=self.record, acting_user=acting_user)
        return not self.errors


class GroupServiceForm(ServiceForm):
    """Record one service given to many children of a centre at once: its type, the date, who provided it, and the
    children, ticked one by one or by whole group (a group's current members)."""

    kind = ServiceRecordForm.base_fields["kind"]
    date = date_field(_("Date"))
    provider = ServiceRecordForm.base_fields["provider"]
    groups = IdMultipleChoiceField(
        label=_("Whole groups"), queryset=Group.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    learners = IdMultipleChoiceField(
        label=_("Children"), queryset=Learner.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, centre: Centre, **kwargs):
        super().__init__(*args, **kwargs)
        self.centre = centre
        # Every active learner of the centre may be ticked; the service refuses one without consent, by code.
        self.fields["groups"].queryset = Group.objects.filter(centre=centre, is_active=True)
        self.fields["learners"].queryset = Learner.objects.filter(centre=centre, status=Learner.Status.ACTIVE)

    def chosen_learners(self) -> list[Learner]:
        """The children ticked one by one and the current members of the groups ticked whole."""
        chosen = {learner.pk: learner for learner in self.cleaned_data.get("learners") or []}
        groups = self.cleaned_data.get("groups")
        if groups:
            members = Learner.objects.filter(
                memberships__in=Membership.objects.current().filter(group__in=groups), status=Learner.Status.ACTIVE
            )
            chosen.update({learner.pk: learner for learner in members})
        return list(chosen.values())

    def submit(self, *, acting_user):
        """Record the service for every chosen child; the Result, or None (with the reason on the form)."""
        data = self.cleaned_data
        return self.run(
            services.services_record_for_group,
            centre=self.centre,
            learners=self.chosen_learners(),
            kind=data["kind"],
            date=data["date"],
            provider=data["provider"],
            acting_user=acting_user,
        )
