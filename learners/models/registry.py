"""Centres, the pseudonymous learner registry, consent and assent, staff assignments and groups.

A learner is a generated code and a first name or nickname: no surname, address, phone or photo.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lms.validators import EARLIEST_BIRTH_YEAR, validate_name, validate_plausible_birth_year, validate_plausible_date

PLAUSIBLE = [validate_plausible_date]
MIN_AGE = 5
MAX_AGE = 25


class Centre(models.Model):
    """A drop-in centre or Child Friendly Space where sessions happen."""

    class Kind(models.TextChoices):
        DROP_IN = "drop_in", _("Drop-in centre")
        CFS = "cfs", _("Child Friendly Space")

    name = models.CharField(_("name"), max_length=120, unique=True, validators=[validate_name])
    code = models.CharField(
        _("code"),
        max_length=5,
        unique=True,
        help_text=_("Two to five capital letters that start every learner code here, for example QTA."),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.DROP_IN)
    area = models.CharField(_("area"), max_length=120, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # The last learner number handed out here; codes are never reused, even after a learner leaves.
    last_learner_number = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("centre")
        verbose_name_plural = _("centres")
        constraints = [models.CheckConstraint(condition=Q(code__regex=r"^[A-Z]{2,5}$"), name="centre_code_letters")]

    def __str__(self):
        return self.name


class StaffAssignment(models.Model):
    """A member of staff (facilitator) assigned to work at a centre."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="centre_assignments", verbose_name=_("user")
    )
    centre = models.ForeignKey(
        Centre, on_delete=models.CASCADE, related_name="staff_assignments", verbose_name=_("centre")
    )
    assigned_on = models.DateField(_("assigned on"), auto_now_add=True)

    class Meta:
        verbose_name = _("staff assignment")
        constraints = [models.UniqueConstraint(fields=["user", "centre"], name="one_assignment_per_user_centre")]

    def __str__(self):
        return f"{self.user} @ {self.centre}"


# Both the guardian's consent and the child's assent are on file: the condition `Learner.has_consent` checks.
CONSENT_ON_FILE = Q(guardian_consent_on__isnull=False, child_assent_on__isnull=False)


class LearnerQuerySet(models.QuerySet):
    """Questions asked about many learners at once, each the twin of a property of one learner."""

    def consenting(self):
        """Learners whose guardian's consent and own assent are both on file (`Learner.has_consent`)."""
        return self.filter(CONSENT_ON_FILE)


class Learner(models.Model):
    """A child or young person in the programme, known by a generated code and a first name."""

    class Sex(models.TextChoices):
        MALE = "m", _("Male")
        FEMALE = "f", _("Female")
        OTHER = "x", _("Other or not said")

    class AgeBand(models.TextChoices):
        UNDER_10 = "5-9", _("5 to 9")
        TEN_TO_14 = "10-14", _("10 to 14")
        FIFTEEN_TO_19 = "15-19", _("15 to 19")
        TWENTY_PLUS = "20-25", _("20 to 25")

        @classmethod
        def for_age(cls, age: int) -> str:
            """The band an age in whole years falls in (the SQL twin is reports.indicators.base.age_band_at)."""
            if age < 10:
                return cls.UNDER_10.value
            if age < 15:
                return cls.TEN_TO_14.value
            return cls.FIFTEEN_TO_19.value if age < 20 else cls.TWENTY_PLUS.value

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        MOVED_ON = "moved_on", _("Moved on")
        DROPPED_OUT = "dropped_out", _("Dropped out")

    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="learners", verbose_name=_("centre"))
    number = models.PositiveIntegerField(_("number"), editable=False)
    code = models.CharField(_("code"), max_length=12, unique=True, editable=False)
    first_name = models.CharField(_("first name or nickname"), max_length=40, validators=[validate_name])
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_year = models.PositiveSmallIntegerField(
        _("birth year"), null=True, blank=True, validators=[validate_plausible_birth_year]
    )
    age_band = models.CharField(_("age band"), max_length=5, choices=AgeBand.choices, blank=True)
    joined_on = models.DateField(_("joined on"), validators=PLAUSIBLE)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    guardian_consent_on = models.DateField(_("guardian consent given on"), null=True, blank=True, validators=PLAUSIBLE)
    guardian_consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    child_assent_on = models.DateField(_("child assent given on"), null=True, blank=True, validators=PLAUSIBLE)
    child_assent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Set when the retention period after the learner left has passed and their identifying details were
    # removed (reports.retention): the code and the dated records stay, so past figures do not change.
    anonymised_on = models.DateField(_("anonymised on"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LearnerQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("learner")
        verbose_name_plural = _("learners")
        constraints = [
            models.UniqueConstraint(fields=["centre", "number"], name="learner_number_unique_per_centre"),
            models.CheckConstraint(
                condition=Q(birth_year__isnull=False) | ~Q(age_band=""), name="learner_has_birth_year_or_age_band"
            ),
            models.CheckConstraint(
                condition=Q(birth_year__isnull=True) | Q(birth_year__gte=EARLIEST_BIRTH_YEAR),
                name="learner_birth_year_plausible",
            ),
            models.CheckConstraint(
                condition=Q(guardian_consent_on__isnull=True) | Q(guardian_consent_recorded_by__isnull=False),
                name="learner_consent_has_recorder",
            ),
            models.CheckConstraint(
                condition=Q(child_assent_on__isnull=True) | Q(child_assent_recorded_by__isnull=False),
                name="learner_assent_has_recorder",
            ),
        ]
        indexes = [models.Index(fields=["centre", "status"])]

    def __str__(self):
        return f"{self.code} {self.first_name}"

    @classmethod
    def format_code(cls, centre_code: str, number: int) -> str:
        """The code of a centre's nth registered learner: the centre's code, a dash, four digits (QTA, 7: QTA-0007)."""
        return f"{centre_code}-{number:04d}"

    @property
    def has_consent(self) -> bool:
        """Both the guardian's consent and the child's assent are recorded (`Learner.objects.consenting()`):
        nothing is recorded about a child before that (`learners.services.require_consent`)."""
        return self.guardian_consent_on is not None and self.child_assent_on is not None

    def age_on(self, day) -> int | None:
        """Age in whole years on a day (from the birth year, so give or take one), or None."""
        return day.year - self.birth_year if self.birth_year else None


def default_language() -> str:
    """The site's default language: a new group is taught in it unless the facilitator chooses another."""
    return settings.LANGUAGE_CODE


def validate_language(code: str) -> None:
    """Refuse a language the site does not offer (settings.LANGUAGES; adding one needs no migration)."""
    if code not in dict(settings.LANGUAGES):
        raise ValidationError(_("The site does not offer this language."), code="invalid_language")


class Group(models.Model):
    """Learners who meet together at a centre, led by a facilitator (or later a peer educator)."""

    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="groups", verbose_name=_("centre"))
    name = models.CharField(_("name"), max_length=80, validators=[validate_name])
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="led_groups",
        verbose_name=_("facilitator"),
    )
    peer_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="peer_led_groups",
        verbose_name=_("peer educator"),
        help_text=_("A peer educator who leads this group's sessions, supervised by the facilitator."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    language = models.CharField(
        _("teaching language"),
        max_length=10,
        default=default_language,
        validators=[validate_language],
        help_text=_("Sessions open the lesson in this language when it has been translated."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["centre__name", "name"]
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        constraints = [models.UniqueConstraint(fields=["centre", "name"], name="group_name_unique_per_centre")]

    def __str__(self):
        return self.name

    @property
    def language_name(self) -> str:
        """The teaching language's name, in the reader's language."""
        return str(dict(settings.LANGUAGES).get(self.language, self.language))


class MembershipQuerySet(models.QuerySet):
    """The one definition of "member of a group": asked by every page, service and indicator."""

    def current(self):
        """Memberships still open: the learner has not left the group (whatever the day they joined)."""
        return self.filter(left_on__isnull=True)

    def on(self, day):
        """Memberships that covered a day: joined on or before it, and not left before it."""
        return self.filter(Q(joined_on__lte=day) & (Q(left_on__isnull=True) | Q(left_on__gte=day)))


class Membership(models.Model):
    """A learner's time in a group: the day they joined and, once they leave, the day they left."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("group"))
    learner = models.ForeignKey(
        Learner, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("learner")
    )
    joined_on = models.DateField(_("joined on"), validators=PLAUSIBLE)
    left_on = models.DateField(_("left on"), null=True, blank=True, validators=PLAUSIBLE)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["joined_on"]
        verbose_name = _("membership")
        constraints = [
            models.UniqueConstraint(
                fields=["group", "learner"], condition=Q(left_on__isnull=True), name="one_open_membership_per_group"
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="membership_left_after_joined",
            ),
        ]
        indexes = [models.Index(fields=["group", "left_on"])]

    def __str__(self):
        return f"{self.learner} in {self.group}"

    @property
    def is_current(self) -> bool:
        """Still open: the same rule as `Membership.objects.current()`, for a row already loaded."""
        return self.left_on is None

    def covers(self, day) -> bool:
        """True when the learner was a member on that day: the same rule as `Membership.objects.on(day)`."""
        return self.joined_on <= day and (self.left_on is None or day <= self.left_on)
