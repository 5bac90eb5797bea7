"""Peer educators: the pathway from learner to group leader, supervision, and social action projects.

A peer educator has two faces: their learner record (their history stays theirs) and a staff
account with the Peer educators role, linked here.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from learners.models import Centre, Learner
from lms.storage import private_storage
from lms.validators import MAX_PEOPLE, count_constraints, validate_name, validate_plausible_date

PLAUSIBLE = [validate_plausible_date]
PEOPLE = [MaxValueValidator(MAX_PEOPLE)]


@register_setting(icon="user")
class EligibilitySettings(BaseSiteSetting):
    """The rule for becoming a peer educator; programme managers change it in the admin (Settings)."""

    min_age = models.PositiveSmallIntegerField(
        _("minimum age"), default=14, validators=[MinValueValidator(10), MaxValueValidator(25)]
    )
    required_modules = models.ManyToManyField(
        "courses.ModulePage",
        verbose_name=_("modules to complete"),
        blank=True,
        help_text=_("Leave empty to require the modules of the Peer education topic."),
    )
    min_attendance_rate = models.PositiveSmallIntegerField(
        _("minimum attendance rate (%)"), default=75, validators=[MaxValueValidator(100)]
    )
    min_post_test = models.PositiveSmallIntegerField(
        _("minimum average post-test score (%)"),
        default=70,
        validators=[MaxValueValidator(100)],
        help_text=_("Over the post-tests of the modules to complete."),
    )

    panels = [
        FieldPanel("min_age"),
        FieldPanel("required_modules"),
        FieldPanel("min_attendance_rate"),
        FieldPanel("min_post_test"),
    ]

    class Meta:
        verbose_name = _("peer educator eligibility")


class PeerEducator(models.Model):
    """A learner on the peer-educator pathway, with the staff account they use once promoted."""

    class Status(models.TextChoices):
        NOMINATED = "nominated", _("Nominated")
        IN_TRAINING = "in_training", _("In training")
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        STEPPED_DOWN = "stepped_down", _("Stepped down")

    learner = models.OneToOneField(
        Learner, on_delete=models.PROTECT, related_name="peer_educator", verbose_name=_("learner")
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="peer_educator",
        verbose_name=_("account"),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NOMINATED)
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mentees", verbose_name=_("mentor")
    )
    endorsement = models.TextField(_("endorsement"), max_length=1000, blank=True)
    endorsed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    must_change_password = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("peer educator")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="active") | Q(user__isnull=False), name="active_peer_educator_has_account"
            )
        ]

    def __str__(self):
        return f"{self.learner.code} {self.learner.first_name}"


class StatusChange(models.Model):
    """One step on a peer educator's pathway: the new status, when, who, and why."""

    peer_educator = models.ForeignKey(PeerEducator, on_delete=models.CASCADE, related_name="status_changes")
    status = models.CharField(_("status"), max_length=12, choices=PeerEducator.Status.choices)
    changed_on = models.DateField(_("date"))
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["changed_on", "id"]
        verbose_name = _("status change")

    def __str__(self):
        return f"{self.peer_educator_id} {self.status} {self.changed_on}"


class Observation(models.Model):
    """A mentor's observation of a peer-led session: ratings from 1 (needs help) to 4 (very good)."""

    RATING = [MinValueValidator(1), MaxValueValidator(4)]

    peer_educator = models.ForeignKey(PeerEducator, on_delete=models.PROTECT, related_name="observations")
    session = models.ForeignKey(
        "courses.Session", on_delete=models.PROTECT, null=True, blank=True, related_name="observations"
    )
    observed_on = models.DateField(_("date"), validators=PLAUSIBLE)
    observer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    preparation = models.PositiveSmallIntegerField(_("preparation"), validators=RATING)
    participation = models.PositiveSmallIntegerField(_("participation"), validators=RATING)
    child_safe = models.PositiveSmallIntegerField(_("child-safe behaviour"), validators=RATING)
    key_messages = models.PositiveSmallIntegerField(_("key messages delivered"), validators=RATING)
    feedback = models.TextField(_("feedback"), max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-observed_on", "-id"]
        verbose_name = _("observation")
        constraints = [
            models.CheckConstraint(
                condition=Q(preparation__range=(1, 4))
                & Q(participation__range=(1, 4))
                & Q(child_safe__range=(1, 4))
                & Q(key_messages__range=(1, 4)),
                name="observation_ratings_1_to_4",
            )
        ]

    def __str__(self):
        return f"{self.peer_educator_id} observed {self.observed_on}"


class Project(models.Model):
    """A social action project planned and run by peer educators and learners."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        APPROVED = "approved", _("Approved")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")
        ABANDONED = "abandoned", _("Abandoned")

    # The life cycle, defined once: from each status, the statuses a project may move to. Logging the first
    # activity moves an approved project to in progress; completed and abandoned are final.
    TRANSITIONS = {
        Status.PROPOSED: frozenset({Status.APPROVED, Status.ABANDONED}),
        Status.APPROVED: frozenset({Status.IN_PROGRESS, Status.COMPLETED, Status.ABANDONED}),
        Status.IN_PROGRESS: frozenset({Status.COMPLETED, Status.ABANDONED}),
        Status.COMPLETED: frozenset(),
        Status.ABANDONED: frozenset(),
    }

    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="projects", verbose_name=_("centre"))
    title = models.CharField(_("title"), max_length=120, validators=[validate_name])
    problem = models.TextField(_("community problem"), max_length=1000)
    goal = models.TextField(_("goal"), max_length=1000)
    place = models.CharField(
        _("place"), max_length=120, help_text=_("A neighbourhood or landmark. Never a child's address.")
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PROPOSED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    approval_comment = models.TextField(_("approval comment"), max_length=1000, blank=True)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    abandoned_reason = models.TextField(_("why it was abandoned"), max_length=1000, blank=True)
    reflection_changed = models.TextField(_("what changed"), max_length=2000, blank=True)
    reflection_learned = models.TextField(_("what the team learned"), max_length=2000, blank=True)
    created_on = models.DateField(_("proposed on"))

    class Meta:
        ordering = ["-created_on", "title"]
        verbose_name = _("social action project")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="completed")
                | (Q(completed_on__isnull=False) & ~Q(reflection_changed="") & ~Q(reflection_learned="")),
                name="completed_project_has_reflection",
            ),
            models.CheckConstraint(
                condition=~Q(status="abandoned") | ~Q(abandoned_reason=""), name="abandoned_project_has_reason"
            ),
            models.CheckConstraint(
                condition=Q(status="proposed") | Q(status="abandoned") | Q(approved_by__isnull=False),
                name="project_past_proposal_was_approved",
            ),
        ]

    def __str__(self):
        return self.title

    def can_become(self, status: str) -> bool:
        """Whether the life cycle lets the project move from its status to `status` now."""
        return status in self.TRANSITIONS[self.status]

    def is_open(self) -> bool:
        """Whether the project can still change status (it is neither completed nor abandoned)."""
        return bool(self.TRANSITIONS[self.status])

    def takes_activities(self) -> bool:
        """Whether the team may log activities and plan steps: once approved, until completed or abandoned."""
        return self.status == self.Status.IN_PROGRESS or self.can_become(self.Status.IN_PROGRESS)


class ProjectMember(models.Model):
    """A member of a project's team: a peer educator or a learner (both have learner records)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="team")
    learner = models.ForeignKey(Learner, on_delete=models.PROTECT, related_name="projects")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "learner"], name="one_team_place_per_learner")]

    def __str__(self):
        return f"{self.learner_id} on {self.project_id}"


class PlannedActivity(models.Model):
    """A step the team plans, with a target date."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="planned_activities")
    title = models.CharField(_("activity"), max_length=200)
    target_date = models.DateField(_("target date"), validators=PLAUSIBLE)

    class Meta:
        ordering = ["target_date", "id"]
        verbose_name = _("planned activity")
        verbose_name_plural = _("planned activities")

    def __str__(self):
        return self.title


# The counts of people an activity reached, by kind and sex.
REACH_FIELDS = [
    f"{kind}_{sex}" for kind in ("children", "parents", "community", "officials") for sex in ("male", "female")
]


class ActivityLog(models.Model):
    """What the team did on a day, and how many people it reached, by kind and sex."""

    REACH_FIELDS = REACH_FIELDS

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="activity_logs")
    date = models.DateField(_("date"), validators=PLAUSIBLE)
    description = models.TextField(_("what was done"), max_length=2000)
    children_male = models.PositiveIntegerField(_("boys reached"), default=0, validators=PEOPLE)
    children_female = models.PositiveIntegerField(_("girls reached"), default=0, validators=PEOPLE)
    parents_male = models.PositiveIntegerField(_("fathers and male carers reached"), default=0, validators=PEOPLE)
    parents_female = models.PositiveIntegerField(_("mothers and female carers reached"), default=0, validators=PEOPLE)
    community_male = models.PositiveIntegerField(_("men of the community reached"), default=0, validators=PEOPLE)
    community_female = models.PositiveIntegerField(_("women of the community reached"), default=0, validators=PEOPLE)
    officials_male = models.PositiveIntegerField(_("male officials reached"), default=0, validators=PEOPLE)
    officials_female = models.PositiveIntegerField(_("female officials reached"), default=0, validators=PEOPLE)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("activity log entry")
        verbose_name_plural = _("activity log")
        constraints = count_constraints(MAX_PEOPLE, *REACH_FIELDS)

    def __str__(self):
        return f"{self.project_id} {self.date}"

    @property
    def people_reached(self) -> int:
        """Everyone reached on that day."""
        return sum(getattr(self, name) for name in self.REACH_FIELDS)


class ActivityPhoto(models.Model):
    """A photo of a project activity, uploaded only after confirming no child can be identified in it.

    Kept in private storage (LMS_PRIVATE_MEDIA_ROOT), re-encoded as JPEG without metadata under random
    names, in two sizes made at upload; only the project photo view, which checks who may see the project,
    serves them.
    """

    SIZES = ("photo", "thumbnail")

    log = models.ForeignKey(ActivityLog, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("photo"), upload_to="activity-photos/", storage=private_storage, max_length=200)
    thumbnail = models.FileField(_("thumbnail"), upload_to="activity-photos/", storage=private_storage, max_length=200)
    thumbnail_width = models.PositiveSmallIntegerField(default=0)
    thumbnail_height = models.PositiveSmallIntegerField(default=0)
    no_child_identifiable = models.BooleanField(_("no child can be identified in this photo"))

    class Meta:
        verbose_name = _("activity photo")
        constraints = [
            models.CheckConstraint(condition=Q(no_child_identifiable=True), name="photo_confirmed_child_safe")
        ]

    def __str__(self):
        return f"photo {self.pk} of {self.log_id}"

    def file_of(self, size: str):
        """The stored file of one of SIZES."""
        return self.thumbnail if size == "thumbnail" else self.file

    def delete_files(self) -> None:
        """Delete the photo's files from private storage (the record is the caller's business)."""
        for field in (self.file, self.thumbnail):
            if field.name:
                field.storage.delete(field.name)


@receiver(post_delete, sender=ActivityPhoto, dispatch_uid="peer_educators.activity_photo.delete_files")
def _delete_photo_files(sender, instance: ActivityPhoto, **kwargs) -> None:
    """A deleted photo's files go too, once the deletion is committed: nothing is kept that no page shows."""
    transaction.on_commit(instance.delete_files)
