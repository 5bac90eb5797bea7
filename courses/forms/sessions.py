"""Forms for running a session: attendance, quiz scores and cancelling. They call courses.services."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from courses import services
from courses.models import Attendance, QuizResult, Session
from learners.models import Learner
from lms.forms import ServiceForm
from lms.results import Result

# A learner id has at most 19 digits (lms.validators.MAX_ID); a longer one names nobody and is ignored.
STATUS_FIELD = re.compile(r"^status_(\d{1,19})$")


class AttendanceForm(ServiceForm):
    """Attendance for each member of a session's group (present by default), and short notes.

    Radio groups are named `status_<learner id>`. Every learner id posted is passed on, so the
    service refuses attendance for anyone who is not a member on the session date.
    """

    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Optional. Nothing that could identify a child outside this group."),
    )

    def __init__(self, *args, members: list[Learner], recorded: dict[int, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = members
        self.recorded = recorded or {}
        posted = {int(match[1]) for key in (self.data or {}) if (match := STATUS_FIELD.match(key))}
        for learner_id in [m.pk for m in members] + sorted(posted - {m.pk for m in members}):
            self.fields[f"status_{learner_id}"] = forms.ChoiceField(
                choices=Attendance.Status.choices,
                initial=self.recorded.get(learner_id, Attendance.Status.PRESENT),
                error_messages={"required": _("Choose present, absent or excused.")},
            )

    def rows(self) -> list[dict]:
        """One row per member: the learner, the radio group's name, the chosen status and any error."""
        rows = []
        for learner in self.members:
            bound = self[f"status_{learner.pk}"]
            rows.append({"learner": learner, "name": bound.html_name, "value": bound.value(), "errors": bound.errors})
        return rows

    def attendance(self) -> dict[int, str]:
        """The cleaned attendance, by learner id."""
        return {int(name.split("_")[1]): value for name, value in self.cleaned_data.items() if name != "notes"}

    def submit(self, *, session: Session, acting_user) -> Result[Session] | None:
        """Record the session (or correct it) and say what was done; on a refusal show the reason, return None."""
        return self.run(
            services.session_record,
            session=session,
            attendance=self.attendance(),
            notes=self.cleaned_data["notes"],
            delivered_by=acting_user,
            acting_user=acting_user,
        )


class ScoresForm(ServiceForm):
    """Pre- and post-test scores for each member of a session's group. A box posted blank removes that score; a
    box not posted at all (a stale or partial form) leaves the score as it is."""

    def __init__(self, *args, members: list[Learner], maximum: int, existing: list[QuizResult], **kwargs):
        super().__init__(*args, **kwargs)
        self.members = members
        self.maximum = maximum
        current = {(r.learner_id, r.kind): r.score for r in existing}
        message = _("Scores must be between 0 and %(max)s") % {"max": maximum}
        for learner in members:
            for kind in QuizResult.Kind.values:
                self.fields[f"{kind}_{learner.pk}"] = forms.IntegerField(
                    required=False,
                    min_value=0,
                    max_value=maximum,
                    initial=current.get((learner.pk, kind)),
                    error_messages={"min_value": message, "max_value": message, "invalid": message},
                )

    def clean(self):
        """Say above the form that some scores need fixing, so nothing is saved by halves."""
        cleaned = super().clean()
        if any(name != "__all__" for name in self.errors):
            raise forms.ValidationError(
                _("Scores must be between 0 and %(max)s. Nothing was saved.") % {"max": self.maximum}
            )
        return cleaned

    def rows(self) -> list[dict]:
        """One row per member: the learner and the bound pre- and post-test fields."""
        return [
            {"learner": learner, "pre": self[f"pre_{learner.pk}"], "post": self[f"post_{learner.pk}"]}
            for learner in self.members
        ]

    def scores(self) -> dict[int, dict[str, int | None]]:
        """The cleaned scores of the boxes posted, by learner id (a learner with no box posted is left out)."""
        scores = {}
        for learner in self.members:
            row = {
                kind: self.cleaned_data.get(f"{kind}_{learner.pk}")
                for kind in QuizResult.Kind.values
                if f"{kind}_{learner.pk}" in self.data
            }
            if row:
                scores[learner.pk] = row
        return scores

    def submit(self, *, session: Session, acting_user) -> int | None:
        """Record the scores; returns how many changed, or None when refused (the reason is on the form)."""
        return self.run(services.quiz_results_record, session=session, scores=self.scores(), acting_user=acting_user)


class CancelForm(ServiceForm):
    """Cancel a planned session, saying why."""

    error_fields = {"cancel_reason": "reason"}

    reason = forms.CharField(
        label=_("Why is this session cancelled?"),
        max_length=200,
        error_messages={"required": _("Say why the session is cancelled.")},
    )

    def submit(self, *, session: Session, acting_user) -> Result[Session] | None:
        """Cancel the session and say what was done; on a refusal show the reason and return None."""
        return self.run(
            services.session_cancel, session=session, reason=self.cleaned_data["reason"], acting_user=acting_user
        )
