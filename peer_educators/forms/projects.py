"""Forms for social action projects: they validate input and call peer_educators.services (never .save())."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from learners.models import Centre, Learner
from lms.forms import IdMultipleChoiceField, ServiceForm, count_field, date_field, with_blank
from lms.results import Result
from lms.validators import MAX_PEOPLE
from peer_educators import services
from peer_educators.models import ActivityLog, PlannedActivity, Project

PLANNED_ROWS = 3
TEXTAREA = {"rows": 3}

REACH_KINDS = [
    ("children", _("Children")),
    ("parents", _("Parents and carers")),
    ("community", _("Community members")),
    ("officials", _("Officials")),
]
REACH_SEXES = [("male", _("Male")), ("female", _("Female"))]
NEGATIVE_REACH = _("The number of people reached cannot be negative.")
TOO_MANY_REACHED = _("Each number of people reached must be a whole number no bigger than %(max)s.")


class ProjectFilterForm(forms.Form):
    """Narrow the project list by status."""

    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=with_blank(Project.Status.choices, _("All statuses"))
    )

    def filter(self, projects):
        """The projects with the chosen status (an invalid choice is ignored)."""
        status = self.cleaned_data.get("status") if self.is_valid() else None
        return projects.filter(status=status) if status else projects


class ProjectProposeForm(ServiceForm):
    """Propose a project at one centre: what, why, where, who, and up to three planned activities."""

    title = forms.CharField(label=_("Title"), max_length=120)
    problem = forms.CharField(
        label=_("Community problem"),
        max_length=1000,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("What problem in the community will the project address?"),
    )
    goal = forms.CharField(label=_("Goal"), max_length=1000, widget=forms.Textarea(attrs=TEXTAREA))
    place = forms.CharField(
        label=_("Place"),
        max_length=120,
        help_text=_("A neighbourhood or landmark. Never a child's address."),
    )
    team = IdMultipleChoiceField(
        label=_("Team"),
        queryset=Learner.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose the team: at least one peer educator or learner.")},
    )

    def __init__(self, *args, centre: Centre, candidates, team_initial=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.centre = centre
        self.fields["team"].queryset = candidates
        self.fields["team"].initial = [learner.pk for learner in team_initial]
        for n in range(1, PLANNED_ROWS + 1):
            self.fields[f"activity_{n}"] = forms.CharField(label=_("Activity"), max_length=200, required=False)
            self.fields[f"activity_{n}_date"] = date_field(_("Target date"), required=False, initial=None)

    def planned_rows(self) -> list[dict]:
        """The planned-activity rows: the bound title and target date fields of each."""
        return [
            {"number": n, "title": self[f"activity_{n}"], "date": self[f"activity_{n}_date"]}
            for n in range(1, PLANNED_ROWS + 1)
        ]

    def team_rows(self) -> list[dict]:
        """One row per candidate (code and first name only) and whether it is ticked."""
        initial = {str(pk) for pk in self.fields["team"].initial}
        chosen = set(self.data.getlist("team")) if self.is_bound else initial
        return [{"learner": learner, "checked": str(learner.pk) in chosen} for learner in self.fields["team"].queryset]

    def clean(self):
        """A planned activity needs both a title and a target date."""
        cleaned = super().clean()
        for n in range(1, PLANNED_ROWS + 1):
            title, target = cleaned.get(f"activity_{n}"), cleaned.get(f"activity_{n}_date")
            if title and not target and f"activity_{n}_date" not in self.errors:
                self.add_error(f"activity_{n}_date", _("Give the target date of this activity."))
            if target and not title:
                self.add_error(f"activity_{n}", _("Say what the activity is."))
        return cleaned

    def planned(self) -> list[tuple[str, datetime.date]]:
        """The filled-in planned activities, as (title, target date)."""
        rows = [
            (self.cleaned_data.get(f"activity_{n}"), self.cleaned_data.get(f"activity_{n}_date"))
            for n in range(1, PLANNED_ROWS + 1)
        ]
        return [(title, target) for title, target in rows if title and target]

    def submit(self, *, acting_user) -> Project | None:
        """Propose the project (project_propose returns the project already made for a resubmission today)."""
        data = self.cleaned_data
        return self.run(
            services.project_propose,
            centre=self.centre,
            title=data["title"],
            problem=data["problem"],
            goal=data["goal"],
            place=data["place"],
            team=list(data["team"]),
            planned=self.planned(),
            acting_user=acting_user,
        )


class ProjectApproveForm(ServiceForm):
    """A facilitator approves a proposed project with a comment for the team."""

    comment = forms.CharField(
        label=_("Comment for the team"),
        max_length=1000,
        widget=forms.Textarea(attrs=TEXTAREA),
        error_messages={"required": _("Write a comment for the team.")},
    )

    def submit(self, *, project: Project, acting_user) -> Result[Project] | None:
        """Approve the project and say what was done; None (with the reason on the form) when refused."""
        return self.run(
            services.project_approve, project=project, comment=self.cleaned_data["comment"], acting_user=acting_user
        )


def reach_field(label) -> forms.IntegerField:
    """A count of people reached: blank means none; negative or more than MAX_PEOPLE is refused with a plain
    message."""
    return count_field(label, maximum=MAX_PEOPLE, negative_message=NEGATIVE_REACH)


class ActivityLogForm(ServiceForm):
    """What the team did on a day, whom it reached by kind and sex, and an optional photo."""

    date = date_field(_("Date"))
    description = forms.CharField(label=_("What was done"), max_length=2000, widget=forms.Textarea(attrs=TEXTAREA))
    photo = forms.FileField(
        label=_("Photo (optional)"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/*"}),
        help_text=_("A photo of the activity, not of faces. JPEG, PNG, GIF or WebP."),
    )
    no_child_identifiable = forms.BooleanField(
        label=_("No child can be identified in this photo"),
        required=False,
        help_text=_("Required when you add a photo."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, kind_label in REACH_KINDS:
            for sex, sex_label in REACH_SEXES:
                self.fields[f"{kind}_{sex}"] = reach_field(f"{kind_label}: {sex_label}")

    def clean(self):
        """Say once, above the form, which numbers are refused (negative, or too big), so nothing is saved by
        halves."""
        cleaned = super().clean()
        refused = [error for name in ActivityLog.REACH_FIELDS for error in self.errors.get(name, [])]
        if NEGATIVE_REACH in refused:
            raise ValidationError(NEGATIVE_REACH)
        if refused:
            raise ValidationError(TOO_MANY_REACHED, params={"max": MAX_PEOPLE})
        return cleaned

    def reach_rows(self) -> list[dict]:
        """One row per kind of person, with the bound male and female fields."""
        return [
            {"label": label, "male": self[f"{kind}_male"], "female": self[f"{kind}_female"]}
            for kind, label in REACH_KINDS
        ]

    def reach(self) -> dict[str, int]:
        """The cleaned counts by field name (blank is 0)."""
        return {name: self.cleaned_data.get(name) or 0 for name in ActivityLog.REACH_FIELDS}

    def submit(self, *, project: Project, acting_user) -> Result[ActivityLog] | None:
        """Log the activity and say what was done (the same entry posted twice is saved once); None (with the
        reason on the form) when refused."""
        data = self.cleaned_data
        return self.run(
            services.activity_log_add,
            project=project,
            date=data["date"],
            description=data["description"],
            reach=self.reach(),
            photo=data.get("photo") or None,
            no_child_identifiable=data["no_child_identifiable"],
            acting_user=acting_user,
        )


class PlannedActivityForm(ServiceForm):
    """A step the team plans, with a target date."""

    title = forms.CharField(label=_("Activity"), max_length=200)
    target_date = date_field(_("Target date"), initial=None)

    def submit(self, *, project: Project, acting_user) -> Result[PlannedActivity] | None:
        """Add the step and say what was done (the same step posted twice is saved once); None (with the reason
        on the form) when refused."""
        data = self.cleaned_data
        return self.run(
            services.planned_activity_add,
            project=project,
            title=data["title"],
            target_date=data["target_date"],
            acting_user=acting_user,
        )


class ProjectCompleteForm(ServiceForm):
    """Complete a project with the team's reflection: what changed, what the team learned."""

    error_fields = {"reflection_changed": "changed", "reflection_learned": "learned"}

    changed = forms.CharField(
        label=_("What changed?"),
        max_length=2000,
        widget=forms.Textarea(attrs=TEXTAREA),
        error_messages={"required": _("Write what changed in the community.")},
    )
    learned = forms.CharField(
        label=_("What did the team learn?"),
        max_length=2000,
        widget=forms.Textarea(attrs=TEXTAREA),
        error_messages={"required": _("Write what the team learned.")},
    )

    def submit(self, *, project: Project, acting_user) -> Result[Project] | None:
        """Complete the project and say what was done; None (with the reason on the form) when refused."""
        return self.run(
            services.project_complete,
            project=project,
            changed=self.cleaned_data["changed"],
            learned=self.cleaned_data["learned"],
            acting_user=acting_user,
        )


class ProjectAbandonForm(ServiceForm):
    """Abandon a project, saying why."""

    error_fields = {"abandoned_reason": "reason"}

    reason = forms.CharField(
        label=_("Why is the project abandoned?"),
        max_length=1000,
        widget=forms.Textarea(attrs=TEXTAREA),
        error_messages={"required": _("Say why the project was abandoned.")},
    )

    def submit(self, *, project: Project, acting_user) -> Result[Project] | None:
        """Abandon the project and say what was done; None (with the reason on the form) when refused."""
        return self.run(
            services.project_abandon, project=project, reason=self.cleaned_data["reason"], acting_user=acting_user
        )
