"""What phones send after running a session offline: one row per submission, made unique by the identifier
the phone gave it, so a retry, a replay or a second send of the same submission is recognised and applied
once. A submission that met someone else's change is kept as a conflict until a person resolves it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from courses.models.delivery import Session


class OfflineSubmission(models.Model):
    """Attendance or quiz scores recorded on a phone without a connection, as received by the server.

    `seen` is what the phone showed when it kept the session (the base), `data` what was recorded; both map
    a field key ("<learner id>" for attendance, "<learner id>:pre"/":post" for scores, "notes") to a value.
    `conflicts` holds, for each key where someone else changed the record since the phone kept it, both
    values ({"mine": ..., "theirs": ..., "by": user id}); those keys wait for a resolution.
    """

    class Kind(models.TextChoices):
        ATTENDANCE = "attendance", _("Attendance")
        SCORES = "scores", _("Quiz scores")

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        CONFLICT = "conflict", _("Conflict")
        RESOLVED = "resolved", _("Resolved")

    client_id = models.UUIDField(_("identifier made on the phone"), unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="offline_submissions")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="offline_submissions")
    kind = models.CharField(_("what was recorded"), max_length=10, choices=Kind.choices)
    made_at = models.DateTimeField(_("recorded on the phone at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    seen = models.JSONField(default=dict, blank=True)
    data = models.JSONField(default=dict)
    conflicts = models.JSONField(default=dict, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["received_at", "id"]
        verbose_name = _("offline submission")
        verbose_name_plural = _("offline submissions")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="resolved") | Q(resolved_by__isnull=False), name="resolved_submission_has_resolver"
            ),
        ]
        indexes = [models.Index(fields=["status", "session"], name="offline_status_session")]

    def __str__(self):
        return f"{self.kind} of session {self.session_id} from {self.user_id} ({self.status})"
