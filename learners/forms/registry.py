"""Forms for the learner registry: they validate input and call learners.services (never .save())."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from learners import selectors, services
from learners.models import RISK_KINDS, Centre, Group, Learner, LearnerSituation, Membership
from lms import access
from lms.forms import IdChoiceField, IdMultipleChoiceField, ServiceForm, date_field, with_blank
from lms.validators import EARLIEST_BIRTH_YEAR


class LearnerFilterForm(forms.Form):
    """Narrow the learner list by centre, status, or words in the code or first name."""

    centre = IdChoiceField(
        label=_("Centre"), queryset=Centre.objects.none(), required=False, empty_label=_("All centres")
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=with_blank(Learner.Status.choices, _("All statuses"))
    )
    q = forms.CharField(label=_("Code or first name"), required=False, max_length=40)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["centre"].queryset = access.centres_visible_to(user)

    def filter(self, learners):
        """The learners matching the valid filters (an invalid filter is ignored)."""
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("centre"):
            learners = learners.filter(centre=data["centre"])
        if data.get("status"):
            learners = learners.filter(status=data["status"])
        words = (data.get("q") or "").strip()
        if words:
            learners = learners.filter(Q(code__icontains=words) | Q(first_name__icontains=words))
        return learners


class LearnerDetailsForm(ServiceForm):
    """The details a facilitator records about a learner: the minimum, and consent and assent."""

    first_name = forms.CharField(
        label=_("First name or nickname"),
        max_length=40,
        help_text=_("Do not write a surname, address or phone number."),
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=with_blank(Learner.Sex.choices, _("Choose")))
    birth_year = forms.IntegerField(
        label=_("Birth year"),
        required=False,
        min_value=EARLIEST_BIRTH_YEAR,
        max_value=9999,
        help_text=_("If the birth year is not known, choose an age band."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    age_band = forms.ChoiceField(
        label=_("Age band"), required=False, choices=with_blank(Learner.AgeBand.choices, _("Not needed"))
    )
    joined_on = date_field(_("Date joined"))
    guardian_consent_on = date_field(
        _("Guardian's consent given on"),
        required=False,
        initial=None,
    )
    child_assent_on = date_field(
        _("Child's assent given on"),
        required=False,
        initial=None,
    )

    def details(self) -> dict:
        """The cleaned learner details, as the services take them."""
        names = ["first_name", "sex", "birth_year", "age_band", "joined_on", "guardian_consent_on", "child_assent_on"]
        return {name: self.cleaned_data[name] for name in names}


def situation_field(*, required: bool) -> forms.ChoiceField:
    """The child's situation, as radio buttons (survivor, at risk, other)."""
    choices = LearnerSituation.Situation.choices
    return forms.ChoiceField(
        label=_("Situation"),
        required=required,
        choices=choices if required else with_blank(choices, _("Not yet: no consent on file")),
        widget=forms.RadioSelect,
        help_text=_("Seen only by the centre's facilitators and programme managers."),
    )


def risk_kinds_field() -> forms.MultipleChoiceField:
    """The risks a child at risk faces (one at least, only for a child at risk)."""
    return forms.MultipleChoiceField(
        label=_("At risk of"),
        required=False,
        choices=[(key, label) for _field, key, label in RISK_KINDS],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick every risk that applies, only for a child at risk."),
    )


class LearnerRegisterForm(LearnerDetailsForm):
    """Register a learner at one of the centres the user manages; when the centre already has a learner with
    the same first name and birth year, list them and register only once "This is a different child" is ticked."""

    centre = IdChoiceField(label=_("Centre"), queryset=Centre.objects.none())
    different_child = forms.BooleanField(
        label=_("This is a different child"),
        required=False,
        help_text=_("Tick only when you have checked that the learners listed above are someone else."),
    )
    situation = situation_field(required=False)
    risk_kinds = risk_kinds_field()
    field_order = ["centre"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        centres = access.centres_managed_by(user).filter(is_active=True)
        self.fields["centre"].queryset = centres
        only = list(centres[:2])
        if len(only) == 1:
            self.fields["centre"].initial = only[0].pk
        self.duplicates: list[Learner] = []

    def clean(self):
        """Hold the registration back, listing their codes, when the centre may already have this child."""
        cleaned = super().clean()
        consented = cleaned.get("guardian_consent_on") and cleaned.get("child_assent_on")
        if consented and not cleaned.get("situation"):
            self.add_error("situation", _("Choose the child's situation."))
        if cleaned.get("situation") and not consented:
            self.add_error(
                "situation",
                _("Record the guardian's consent and the child's assent first, or leave the situation for later."),
            )
        if self.errors or not cleaned.get("centre") or not cleaned.get("first_name"):
            return cleaned
        self.duplicates = list(
            selectors.likely_duplicates(
                centre=cleaned["centre"],
                first_name=cleaned["first_name"],
                birth_year=cleaned.get("birth_year"),
                age_band=cleaned.get("age_band") or "",
            )
        )
        if self.duplicates and not cleaned.get("different_child"):
            codes = ", ".join(learner.code for learner in self.duplicates)
            raise forms.ValidationError(
                _(
                    "This centre already has a learner with this first name and the same birth year or age band: "
                    "%(codes)s. Open their record to check; if this is a different child, tick the box below and "
                    "register again."
                ),
                code="likely_duplicate",
                params={"codes": codes},
            )
        return cleaned

    def submit(self, *, acting_user) -> Learner | None:
        """Register the learner; None (with errors on the form) when the service refuses."""
        return self.run(
            services.learner_register,
            centre=self.cleaned_data["centre"],
            situation=self.cleaned_data["situation"],
            risk_kinds=self.cleaned_data["risk_kinds"],
            acting_user=acting_user,
            **self.details(),
        )


class LearnerSituationForm(ServiceForm):
    """Record a learner's situation as of a day (a change, or a correction of that day's entry)."""

    situation = situation_field(required=True)
    risk_kinds = risk_kinds_field()
    recorded_on = date_field(_("As of"))

    def __init__(self, *args, learner: Learner, current: LearnerSituation | None = None, **kwargs):
        self.learner = learner
        if current is not None:
            kwargs.setdefault("initial", {"situation": current.situation, "risk_kinds": current.risk_kinds})
        super().__init__(*args, **kwargs)

    def submit(self, *, acting_user):
        """Record it through learner_situation_record; the Result, or None (with errors on the form) when refused."""
        return self.run(
            services.learner_situation_record,
            learner=self.learner,
            situation=self.cleaned_data["situation"],
            risk_kinds=self.cleaned_data["risk_kinds"],
            recorded_on=self.cleaned_data["recorded_on"],
            acting_user=acting_user,
        )


class LearnerEditForm(LearnerDetailsForm):
    """Change a learner's details and status (the code and centre never change)."""

    status = forms.ChoiceField(label=_("Status"), choices=Learner.Status.choices)

    def __init__(self, *args, learner: Learner, **kwargs):
        self.learner = learner
        kwargs.setdefault("initial", {name: getattr(learner, name) for name in services.LEARNER_FIELDS})
        super().__init__(*args, **kwargs)

    def submit(self, *, acting_user) -> Learner | None:
        """Save the changes through learner_update; None (with errors on the form) when refused."""
        return self.run(
            services.learner_update,
            learner=self.learner,
            acting_user=acting_user,
            status=self.cleaned_data["status"],
            **self.details(),
        )


class LearnerMoveForm(ServiceForm):
    """Move a learner from one of their current groups to another active group of the centre."""

    from_group = IdChoiceField(label=_("From group"), queryset=Group.objects.none())
    to_group = IdChoiceField(label=_("To group"), queryset=Group.objects.none())
    on = date_field(_("On"))
    error_fields = {"left_on": "on", "joined_on": "on"}

    def __init__(self, *args, learner: Learner, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.learner = learner
        managed = access.groups_managed_by(user).filter(centre=learner.centre_id)
        current = selectors.current_groups_of(learner, managed)
        self.fields["from_group"].queryset = current
        self.fields["to_group"].queryset = managed.filter(is_active=True).exclude(pk__in=current.values("pk"))
        only = list(current[:2])
        if len(only) == 1:
            self.fields["from_group"].initial = only[0].pk

    def submit(self, *, acting_user) -> Membership | None:
        """Move the learner through learner_move; None (with errors on the form) when refused."""
        return self.run(
            services.learner_move,
            learner=self.learner,
            from_group=self.cleaned_data["from_group"],
            to_group=self.cleaned_data["to_group"],
            on=self.cleaned_data["on"],
            acting_user=acting_user,
        )


class MembersAddForm(ServiceForm):
    """Add several learners of the group's centre to a group from one date, all or none."""

    learners = IdMultipleChoiceField(
        label=_("Learners"), queryset=Learner.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    joined_on = date_field(_("Joined on"))

    def __init__(self, *args, group: Group, **kwargs):
        super().__init__(*args, **kwargs)
        self.group = group
        # Any learner of the centre may be posted, so the service explains why one cannot join.
        self.fields["learners"].queryset = Learner.objects.filter(centre=group.centre_id)

    def candidates(self):
        """Active learners of the centre who are not current members, for the checklist."""
        return selectors.membership_candidates(self.group)

    def chosen_ids(self) -> set[str]:
        """The learner ids ticked in the submitted data, to keep them ticked when the form is shown again."""
        return set(self.data.getlist("learners")) if self.is_bound else set()

    def submit(self, *, acting_user) -> list[Membership] | None:
        """Add every chosen learner through memberships_add (all or none); None (nothing saved) when one is refused."""
        return self.run(
            services.memberships_add,
            group=self.group,
            learners=self.cleaned_data["learners"],
            joined_on=self.cleaned_data["joined_on"],
            acting_user=acting_user,
        )


class MembershipEndForm(ServiceForm):
    """Record the day a learner left a group."""

    left_on = date_field(_("Left on"))

    def __init__(self, *args, membership: Membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.membership = membership

    def submit(self, *, acting_user) -> Membership | None:
        """End the membership through membership_end; None (with errors on the form) when refused."""
        return self.run(
            services.membership_end,
            membership=self.membership,
            left_on=self.cleaned_data["left_on"],
            acting_user=acting_user,
        )
