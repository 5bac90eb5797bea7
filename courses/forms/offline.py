"""The form that resolves an offline submission's conflict: keep mine or keep theirs, line by line."""

from django import forms
from django.utils.translation import gettext_lazy as _

from courses import offline
from courses.models import OfflineSubmission
from lms.forms import ServiceForm
from lms.results import Result


class ConflictForm(ServiceForm):
    """One choice per line of the conflict (named `choice_<key>`); nothing is preselected, so each line is a
    decision someone made."""

    CHOICES = [("mine", _("Keep mine (from the phone)")), ("theirs", _("Keep theirs (recorded now)"))]

    def __init__(self, *args, lines: list[offline.ConflictLine], **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = lines
        for line in lines:
            self.fields[f"choice_{line.key}"] = forms.ChoiceField(
                label=line.label,
                choices=self.CHOICES,
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose which value to keep.")},
            )

    def rows(self) -> list[dict]:
        """Each line with its bound choice."""
        return [{"line": line, "field": self[f"choice_{line.key}"]} for line in self.lines]

    def submit(self, *, submission: OfflineSubmission, acting_user) -> Result[OfflineSubmission] | None:
        """Resolve the conflict; None when refused (the reason is shown on the form)."""
        choices = {line.key: self.cleaned_data[f"choice_{line.key}"] for line in self.lines}
        return self.run(
            offline.offline_conflict_resolve, submission=submission, choices=choices, acting_user=acting_user
        )
