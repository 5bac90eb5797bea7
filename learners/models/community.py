"""Community structures around a centre: Parents' Community Committees and child associations,
their meetings, and sensitisation events for other stakeholders. Counted, never named: members
and participants are numbers by sex (a child association also lists its learner members)."""

from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from learners.models.outcomes import RecordedByMixin
from learners.models.registry import Centre, Learner
from lms.validators import MAX_COMMITTEE_MEMBERS, MAX_PEOPLE, count_constraints, validate_name, validate_plausible_date

MEMBERS = [MaxValueValidator(MAX_COMMITTEE_MEMBERS)]
PEOPLE = [MaxValueValidator(MAX_PEOPLE)]


class CommunityGroup(models.Model):
    """A Parents' Community Committee (PCC) or a child association linked to a centre."""

    class Kind(models.TextChoices):
        PCC = "pcc", _("Parents' Community Committee")
        CHILD_ASSOCIATION = "child_assoc", _("Child association")

    centre = models.ForeignKey(
        Centre, on_delete=models.PROTECT, related_name="community_groups", verbose_name=_("centre")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=120, validators=[validate_name])
    formed_on = models.DateField(_("formed on"), null=True, blank=True, validators=[validate_plausible_date])
    members_male = models.PositiveIntegerField(_("male members"), default=0, validators=MEMBERS)
    members_female = models.PositiveIntegerField(_("female members"), default=0, validators=MEMBERS)
    learner_members = models.ManyToManyField(
        Learner,
        blank=True,
        related_name="associations",
        verbose_name=_("learner members"),
        help_text=_("Child associations only: the learners of the centre who are members."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["centre__name", "kind", "name"]
        verbose_name = _("community group")
        verbose_name_plural = _("community groups")
        constraints = [
            models.UniqueConstraint(fields=["centre", "name"], name="community_group_name_unique_per_centre"),
            *count_constraints(MAX_COMMITTEE_MEMBERS, "members_male", "members_female"),
        ]

    def __str__(self):
        return self.name

    @property
    def members_total(self) -> int:
        """All members, male and female."""
        return self.members_male + self.members_female


class CommunityMeeting(RecordedByMixin):
    """A meeting of a PCC or child association: the day, the topics and how many came."""

    group = models.ForeignKey(
        CommunityGroup, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("group")
    )
    date = models.DateField(_("date"), validators=[validate_plausible_date])
    topics = models.TextField(_("topics"), max_length=1000, help_text=_("One per line, for example: child rights."))
    attendance = models.PositiveIntegerField(_("people who came"), validators=PEOPLE)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("community meeting")
        verbose_name_plural = _("community meetings")
        constraints = [
            models.UniqueConstraint(fields=["group", "date"], name="one_community_meeting_per_day"),
            *count_constraints(MAX_PEOPLE, "attendance"),
        ]
        indexes = [models.Index(fields=["date"])]

    def __str__(self):
        return f"{self.group_id} {self.date}"


class SensitisationEvent(RecordedByMixin):
    """An awareness session on child rights and protection for stakeholders other than learners."""

    class Audience(models.TextChoices):
        PARENTS = "parents", _("Parents")
        CAREGIVERS = "caregivers", _("Primary caregivers")
        ELDERS = "elders", _("Community elders")
        POLICE = "police", _("Law enforcement")
        TEACHERS = "teachers", _("Teachers")
        RELIGIOUS = "religious", _("Religious leaders")
        OTHERS = "others", _("Others")

    centre = models.ForeignKey(
        Centre, on_delete=models.PROTECT, related_name="sensitisation_events", verbose_name=_("centre")
    )
    date = models.DateField(_("date"), validators=[validate_plausible_date])
    audience = models.CharField(_("audience"), max_length=10, choices=Audience.choices)
    participants_male = models.PositiveIntegerField(_("male participants"), default=0, validators=PEOPLE)
    participants_female = models.PositiveIntegerField(_("female participants"), default=0, validators=PEOPLE)
    topics = models.TextField(_("topics"), max_length=1000)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("sensitisation event")
        verbose_name_plural = _("sensitisation events")
        constraints = [
            models.UniqueConstraint(fields=["centre", "date", "audience"], name="one_event_per_centre_day_audience"),
            *count_constraints(MAX_PEOPLE, "participants_male", "participants_female"),
        ]
        indexes = [models.Index(fields=["date"])]

    def __str__(self):
        return f"{self.centre_id} {self.audience} {self.date}"

    @property
    def participants_total(self) -> int:
        """All participants, male and female."""
        return self.participants_male + self.participants_female
