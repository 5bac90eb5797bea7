"""Project periods and their targets: what the programme promised a donor, per indicator.

A project period has a name, a donor, its first and last day and, optionally, one centre (no centre: the
whole programme). Each of its targets names an indicator by key (a key of `reports.indicators.indicators()`,
checked by the service) and the value promised for the whole period: a count for counted indicators, a
percent or a number of percentage points for rates and gains (at most 100).
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from learners.models import Centre
from lms.validators import MAX_PEOPLE, validate_name, validate_plausible_date

# A target is positive: at most MAX_PEOPLE for a count, at most 100 for a percent or points (the service checks
# the unit; the database checks the wider bound).
MAX_TARGET = MAX_PEOPLE
MAX_RATE_TARGET = 100


class ProjectPeriod(models.Model):
    """A donor's project period, for the whole programme (no centre) or one centre."""

    name = models.CharField(_("name"), max_length=120, validators=[validate_name])
    donor = models.CharField(_("donor"), max_length=120, validators=[validate_name])
    starts_on = models.DateField(_("first day"), validators=[validate_plausible_date])
    ends_on = models.DateField(_("last day"), validators=[validate_plausible_date])
    centre = models.ForeignKey(
        Centre,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="project_periods",
        verbose_name=_("centre"),
        help_text=_("Leave empty for a period of the whole programme."),
    )

    class Meta:
        ordering = ["-starts_on", "name", "id"]
        verbose_name = _("project period")
        verbose_name_plural = _("project periods")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="period_ends_after_start"
            ),
            models.UniqueConstraint(fields=["name", "centre"], name="period_name_unique_per_centre"),
            models.UniqueConstraint(
                fields=["name"], condition=models.Q(centre__isnull=True), name="period_name_unique_programme_wide"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.starts_on.isoformat()} – {self.ends_on.isoformat()})"

    def clean(self):
        """The last day is on or after the first."""
        from django.core.exceptions import ValidationError

        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The last day must be on or after the first day.")})


class Target(models.Model):
    """The value promised for one indicator over one project period."""

    period = models.ForeignKey(
        ProjectPeriod, on_delete=models.CASCADE, related_name="targets", verbose_name=_("period")
    )
    indicator_key = models.SlugField(_("indicator"), max_length=200)
    value = models.DecimalField(
        _("target"),
        max_digits=9,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(MAX_TARGET)],
    )

    class Meta:
        ordering = ["period", "indicator_key"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.UniqueConstraint(fields=["period", "indicator_key"], name="one_target_per_indicator_and_period"),
            models.CheckConstraint(
                condition=models.Q(value__gt=0, value__lte=MAX_TARGET), name="target_value_positive_and_bounded"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_key}: {self.value}"


class ExportRequest(models.Model):
    """A file someone asked for, prepared in the background (reports.tasks) and kept for its owner until it expires.

    `what` is "dashboard" or an indicator's key (the records behind it); `parameters` is the scope the user chose,
    already checked against what they may see, and the language of the file; the task checks the scope again when
    it runs. The file lives in private storage (lms.storage) under `file_name`, served only to its owner or an
    administrator.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        RUNNING = "running", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    WAITING = (Status.PENDING, Status.RUNNING)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_requests", verbose_name=_("user")
    )
    what = models.SlugField(_("what"), max_length=200)
    fmt = models.CharField(_("format"), max_length=8, default="xlsx")
    parameters = models.JSONField(_("parameters"), default=dict)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    title = models.CharField(_("title"), max_length=300, blank=True)
    download_name = models.CharField(_("file name"), max_length=300, blank=True)
    file_name = models.CharField(_("stored file"), max_length=300, blank=True)
    rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    task_id = models.CharField(_("task"), max_length=64, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("asked at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("export request")
        verbose_name_plural = _("export requests")
        indexes = [models.Index(fields=["user", "status"], name="export_user_status")]

    def __str__(self) -> str:
        return f"{self.title or self.what} ({self.fmt}, {self.created_at:%Y-%m-%d %H:%M})"

    @property
    def waiting(self) -> bool:
        """Asked for and not finished yet."""
        return self.status in self.WAITING


# ---- indicator summary tables (reports/summaries.py keeps them; see its docstring) ---------------------------


class DerivedFromRecords(models.Model):
    """A summary table: rebuilt from the records (`manage.py rebuild_summaries`), so a backup leaves it out and
    restore rebuilds it (home/backup/tables.py reads `derived_from_records`)."""

    derived_from_records = True

    class Meta:
        abstract = True


class SessionSummary(DerivedFromRecords):
    """Sessions held by a centre's groups in one month, with the first and last day one was held: a slice of the
    month wholly inside a period is read from here, one cut by the period's edge from the records."""

    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    held = models.PositiveIntegerField()
    first_day = models.DateField()
    last_day = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["centre", "month"], name="one_session_summary_per_slice")]

    def __str__(self) -> str:
        return f"{self.centre_id} {self.month:%Y-%m}: {self.held}"


class AttendanceSummary(DerivedFromRecords):
    """Places and presences at sessions held by a centre's groups in one month, per kind of learner (sex, birth
    year, and the recorded age band when the birth year is not known): additive, so any set of slices sums."""

    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    sex = models.CharField(max_length=1)
    birth_year = models.PositiveSmallIntegerField(null=True)
    age_band = models.CharField(max_length=5)  # empty when the birth year is known (the band follows from it)
    places = models.PositiveIntegerField()
    present = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["centre", "month"], name="attendance_summary_slice")]

    def __str__(self) -> str:
        return f"{self.centre_id} {self.month:%Y-%m} {self.sex} {self.birth_year}: {self.present}/{self.places}"


class QuizSummary(DerivedFromRecords):
    """Pairs of pre- and post-tests (`courses.selectors.quiz_pairs`) taken at sessions held by a centre's groups in
    one month, per lesson and kind of learner: how many pairs, and the sum of their gains in percentage points."""

    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    lesson_id = models.IntegerField()  # a lesson page's id; no key, so a page's deletion never waits on this
    sex = models.CharField(max_length=1)
    birth_year = models.PositiveSmallIntegerField(null=True)
    age_band = models.CharField(max_length=5)  # empty when the birth year is known
    pairs = models.PositiveIntegerField()
    gain = models.FloatField()

    class Meta:
        indexes = [models.Index(fields=["centre", "month"], name="quiz_summary_slice")]

    def __str__(self) -> str:
        return f"{self.centre_id} {self.month:%Y-%m} lesson {self.lesson_id}: {self.pairs} pairs"


class CompletionSummary(DerivedFromRecords):
    """A child who completed every lesson of a module (as `SummarisedModule` lists them): the day of the last one,
    the centre they were at on that day, and their sex and birth year. One row per child and module, so counting
    rows counts children."""

    module_id = models.IntegerField()  # a module page's id; no key, so a page's deletion never waits on this
    learner_id = models.IntegerField()
    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    sex = models.CharField(max_length=1)
    birth_year = models.PositiveSmallIntegerField(null=True)
    age_band = models.CharField(max_length=5)  # empty when the birth year is known

    class Meta:
        indexes = [
            models.Index(fields=["module_id", "day"], name="completion_summary_day"),
            models.Index(fields=["learner_id"], name="completion_summary_learner"),
        ]

    def __str__(self) -> str:
        return f"module {self.module_id}: learner {self.learner_id} on {self.day}"


class SummarisedModule(DerivedFromRecords):
    """The lessons a module had when its completions were summarised: a module whose lessons have changed since
    is counted from the records until `manage.py rebuild_summaries` runs."""

    module_id = models.IntegerField(unique=True)
    lesson_ids = models.JSONField()

    def __str__(self) -> str:
        return f"module {self.module_id}: {len(self.lesson_ids)} lessons"


class SelfProtectionSummary(DerivedFromRecords):
    """The days of one month on which a centre's groups held sessions of the self-protection lessons that
    `SummarisedTopic` lists: bit d - 1 of `days` is set when one was held on day d, so a period that cuts the month
    still finds exactly its days."""

    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    days = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["centre", "month"], name="self_protection_summary_slice")]

    def __str__(self) -> str:
        return f"{self.centre_id} {self.month:%Y-%m}: days {self.days:b}"


class SelfProtectionPresence(DerivedFromRecords):
    """A child present at sessions of the self-protection lessons a centre's groups held in one month: the days
    they were present (bit d - 1 of `days` for day d), and their sex and birth year. One row per child, centre and
    month, so the children reached in any period are counted once, exactly."""

    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    learner_id = models.IntegerField()
    sex = models.CharField(max_length=1)
    birth_year = models.PositiveSmallIntegerField(null=True)
    age_band = models.CharField(max_length=5)  # empty when the birth year is known
    days = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["centre", "month", "learner_id"], name="self_protection_presence_child")
        ]

    def __str__(self) -> str:
        return f"{self.centre_id} {self.month:%Y-%m} learner {self.learner_id}: days {self.days:b}"


class SummarisedTopic(DerivedFromRecords):
    """The lessons of a topic its summary rows are computed for (`SelfProtectionSummary`, `SelfProtectionPresence`):
    a topic whose live lessons differ is counted from the records until `manage.py rebuild_summaries` runs, and
    so is one being rebuilt for new lessons (`complete` off until every centre is done)."""

    slug = models.SlugField(unique=True)
    lesson_ids = models.JSONField()
    complete = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"{self.slug}: {len(self.lesson_ids)} lessons"


class SummaryState(DerivedFromRecords):
    """One row once the summary tables hold every record (after `rebuild_summaries`, or from the start on a
    database created empty): without it, the indicators read the records, so an upgraded site's figures are never
    taken from tables not yet filled."""

    built_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"summaries built {self.built_at:%Y-%m-%d %H:%M}"
