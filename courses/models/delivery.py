"""Delivery records: the modules a group follows, its sessions, attendance, progress and quiz results.

Every figure about a learner (progress, attendance rate, quiz gain) is read from these rows;
nothing is copied, so nothing drifts.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from courses.blocks import MAX_QUIZ_QUESTIONS
from learners.models import Group, Learner
from lms.validators import validate_plausible_date

PLAUSIBLE = [validate_plausible_date]


class GroupModule(models.Model):
    """A module a group follows, in the order the group takes them."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="group_modules")
    module = models.ForeignKey("courses.ModulePage", on_delete=models.PROTECT, related_name="group_modules")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["group", "module"], name="group_follows_module_once")]

    def __str__(self):
        return f"{self.group} follows {self.module}"


class Session(models.Model):
    """One meeting of a group, delivering one lesson on a date: planned, held or cancelled."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("group"))
    lesson = models.ForeignKey(
        "courses.LessonPage", on_delete=models.PROTECT, related_name="sessions", verbose_name=_("lesson")
    )
    date = models.DateField(_("date"), validators=PLAUSIBLE)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="delivered_sessions",
        verbose_name=_("delivered by"),
    )
    notes = models.TextField(_("notes"), max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.UniqueConstraint(fields=["group", "lesson", "date"], name="one_session_per_group_lesson_day"),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancel_reason=""), name="cancelled_session_has_reason"
            ),
            models.CheckConstraint(
                condition=~Q(status="held") | Q(delivered_by__isnull=False), name="held_session_has_deliverer"
            ),
        ]
        indexes = [models.Index(fields=["group", "status", "date"]), models.Index(fields=["date", "status"])]

    def __str__(self):
        return f"{self.group} · {self.date}"


class Attendance(models.Model):
    """Whether a learner came to a session."""

    class Status(models.TextChoices):
        PRESENT = "present", _("Present")
        ABSENT = "absent", _("Absent")
        EXCUSED = "excused", _("Excused")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendance")
    learner = models.ForeignKey(Learner, on_delete=models.PROTECT, related_name="attendance")
    status = models.CharField(_("attendance"), max_length=8, choices=Status.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["session", "learner"], name="one_attendance_per_session")]
        indexes = [models.Index(fields=["learner", "status"])]

    def __str__(self):
        return f"{self.learner_id} {self.status} @ {self.session_id}"


class LessonProgress(models.Model):
    """A lesson a learner has completed, and the session through which they completed it."""

    learner = models.ForeignKey(Learner, on_delete=models.PROTECT, related_name="progress")
    lesson = models.ForeignKey("courses.LessonPage", on_delete=models.PROTECT, related_name="progress")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="progress")
    completed_on = models.DateField(_("completed on"))

    class Meta:
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        constraints = [models.UniqueConstraint(fields=["learner", "lesson"], name="lesson_completed_once")]
        # Module completion reads a module's lessons for every learner: this index answers it on its own.
        indexes = [models.Index(fields=["lesson", "learner", "completed_on"], name="progress_lesson_learner_day")]

    def __str__(self):
        return f"{self.learner_id} completed {self.lesson_id}"


class QuizResult(models.Model):
    """A learner's pre-test or post-test score for a session's lesson, out of its number of questions."""

    class Kind(models.TextChoices):
        PRE = "pre", _("Pre-test")
        POST = "post", _("Post-test")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="quiz_results")
    learner = models.ForeignKey(Learner, on_delete=models.PROTECT, related_name="quiz_results")
    lesson = models.ForeignKey("courses.LessonPage", on_delete=models.PROTECT, related_name="quiz_results")
    kind = models.CharField(_("test"), max_length=4, choices=Kind.choices)
    score = models.PositiveSmallIntegerField(_("score"), validators=[MaxValueValidator(MAX_QUIZ_QUESTIONS)])
    max_score = models.PositiveSmallIntegerField(
        _("out of"), validators=[MinValueValidator(1), MaxValueValidator(MAX_QUIZ_QUESTIONS)]
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("quiz result")
        constraints = [
            models.UniqueConstraint(fields=["session", "learner", "kind"], name="one_result_per_session_test"),
            models.CheckConstraint(condition=Q(score__lte=F("max_score")), name="score_within_maximum"),
            models.CheckConstraint(condition=Q(max_score__gt=0), name="quiz_has_questions"),
            models.CheckConstraint(
                condition=Q(score__gte=0, max_score__lte=MAX_QUIZ_QUESTIONS), name="score_within_quiz_bounds"
            ),
        ]
        indexes = [models.Index(fields=["learner", "lesson", "kind"])]

    def __str__(self):
        return f"{self.learner_id} {self.kind} {self.score}/{self.max_score}"
