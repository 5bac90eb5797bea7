"""What a learner received and achieved: protective services, vocational training and
certification, job placements, school enrolment, and moves between centres.

Each record names the centre it counts for (the learner's centre when it was recorded), so a
learner who later moves keeps their history where it happened. Type and date only: counselling
notes and case details do not belong in this system.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from learners.models.registry import PLAUSIBLE, Centre, Learner
from lms.validators import validate_name


class RecordedByMixin(models.Model):
    """Who recorded a row and when."""

    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        abstract = True


class ServiceRecord(RecordedByMixin):
    """A protective service a learner received on a day: its kind and who provided it, nothing more."""

    class Kind(models.TextChoices):
        EDUCATION = "education", _("Literacy and education")
        COUNSELLING = "counselling", _("Psychosocial counselling")
        RECREATION = "recreation", _("Recreation")
        MEDICAL = "medical", _("Medical support")
        HEALTH_HYGIENE = "health_hygiene", _("Health and hygiene")
        REFERRAL = "referral", _("Referral to legal aid or another service")

    learner = models.ForeignKey(Learner, on_delete=models.PROTECT, related_name="services", verbose_name=_("learner"))
    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="+", verbose_name=_("centre"))
    kind = models.CharField(_("service"), max_length=16, choices=Kind.choices)
    date = models.DateField(_("date"), validators=PLAUSIBLE)
    provider = models.CharField(
        _("provided by"),
        max_length=120,
        blank=True,
        help_text=_("Leave empty when the centre provided it; otherwise the outside organisation's name."),
    )

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("service received")
        verbose_name_plural = _("services received")
        constraints = [
            models.UniqueConstraint(fields=["learner", "kind", "date", "provider"], name="service_recorded_once")
        ]
        indexes = [models.Index(fields=["centre", "date"]), models.Index(fields=["date"])]

    def __str__(self):
        return f"{self.learner_id} {self.kind} {self.date}"


class Trade(models.Model):
    """A trade taught in vocational training (tailoring, mobile repair, ...); administrators edit the list."""

    name = models.CharField(_("name"), max_length=80, unique=True, validators=[validate_name])
    is_active = models.BooleanField(_("offered"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("trade")
        verbose_name_plural = _("trades")

    def __str__(self):
        return self.name


class TrainingEnrolment(RecordedByMixin):
    """A learner's vocational training in a trade: enrolment, completion and certification."""

    learner = models.ForeignKey(Learner, on_delete=models.PROTECT, related_name="trainings", verbose_name=_("learner"))
    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="+", verbose_name=_("centre"))
    trade = models.ForeignKey(Trade, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("trade"))
    enrolled_on = models.DateField(_("enrolled on"), validators=PLAUSIBLE)
    completed_on = models.DateField(_("completed on"), null=True, blank=True, validators=PLAUSIBLE)
    certified_on = models.DateField(_("certified on"), null=True, blank=True, validators=PLAUSIBLE)
    certifying_board = models.CharField(
        _("certifying board"),
        max_length=120,
        blank=True,
        help_text=_("For example the provincial Technical Education and Vocational Training Authority."),
    )
    certificate_number = models.CharField(_("certificate number"), max_length=40, blank=True)

    class Meta:
        ordering = ["-enrolled_on", "-id"]
        verbose_name = _("vocational training")
        verbose_name_plural = _("vocational training")
        constraints = [
            models.UniqueConstraint(fields=["learner", "trade", "enrolled_on"], name="training_enrolled_once"),
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True) | Q(completed_on__gte=F("enrolled_on")),
                name="training_completed_after_enrolment",
            ),
            models.CheckConstraint(
                condition=Q(certified_on__isnull=True) | Q(certified_on__gte=F("enrolled_on")),
                name="training_certified_after_enrolment",
            ),
            models.CheckConstraint(
                condition=Q(certified_on__isnull=True) | ~Q(certifying_board=""), name="certificate_names_board"
            ),
        ]
        indexes = [models.Index(fields=["certified_on"]), models.Index(fields=["centre", "certified_on"])]

    def __str__(self):
        return f"{self.learner_id} {self.trade_id} {self.enrolled_on}"


class JobPlacement(RecordedByMixin):
    """A learner placed in work: employment, self-employment or an apprenticeship."""

    class Kind(models.TextChoices):
        EMPLOYMENT = "employment", _("Employment")
        SELF_EMPLOYMENT = "self", _("Self-employment")
        APPRENTICESHIP = "apprentice", _("Apprenticeship")

    learner = models.ForeignKey(
        Learner, on_delete=models.PROTECT, related_name="job_placements", verbose_name=_("learner")
    )
    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="+", verbose_name=_("centre"))
    placed_on = models.DateField(_("placed on"), validators=PLAUSIBLE)
    kind = models.CharField(_("kind of work"), max_length=10, choices=Kind.choices)
    trade = models.ForeignKey(
        Trade, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("trade")
    )
    sector = models.CharField(
        _("sector"), max_length=80, blank=True, help_text=_("When it is not one of the trades, for example: bakery.")
    )

    class Meta:
        ordering = ["-placed_on", "-id"]
        verbose_name = _("job placement")
        verbose_name_plural = _("job placements")
        constraints = [
            models.UniqueConstraint(fields=["learner", "placed_on", "kind"], name="placement_recorded_once"),
            models.CheckConstraint(
                condition=Q(trade__isnull=False) | ~Q(sector=""), name="placement_has_trade_or_sector"
            ),
        ]
        indexes = [models.Index(fields=["placed_on"])]

    def __str__(self):
        return f"{self.learner_id} {self.kind} {self.placed_on}"


class SchoolEnrolment(RecordedByMixin):
    """A learner mainstreamed into formal school: the day and the class or grade (not the school's name)."""

    learner = models.ForeignKey(
        Learner, on_delete=models.PROTECT, related_name="school_enrolments", verbose_name=_("learner")
    )
    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="+", verbose_name=_("centre"))
    enrolled_on = models.DateField(_("enrolled on"), validators=PLAUSIBLE)
    grade = models.CharField(_("class or grade"), max_length=20)

    class Meta:
        ordering = ["-enrolled_on", "-id"]
        verbose_name = _("school enrolment")
        verbose_name_plural = _("school enrolments")
        constraints = [models.UniqueConstraint(fields=["learner", "enrolled_on"], name="school_enrolment_once")]
        indexes = [models.Index(fields=["enrolled_on"])]

    def __str__(self):
        return f"{self.learner_id} class {self.grade} {self.enrolled_on}"


class CentreTransfer(RecordedByMixin):
    """A learner's move from one centre to another on a day (their code stays the same)."""

    learner = models.ForeignKey(Learner, on_delete=models.PROTECT, related_name="transfers", verbose_name=_("learner"))
    from_centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="+", verbose_name=_("from"))
    to_centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="+", verbose_name=_("to"))
    moved_on = models.DateField(_("moved on"), validators=PLAUSIBLE)

    class Meta:
        ordering = ["-moved_on", "-id"]
        verbose_name = _("move to another centre")
        verbose_name_plural = _("moves to another centre")
        constraints = [
            models.CheckConstraint(condition=~Q(from_centre=F("to_centre")), name="transfer_changes_centre"),
        ]

    def __str__(self):
        return f"{self.learner_id} {self.from_centre_id}->{self.to_centre_id} {self.moved_on}"
