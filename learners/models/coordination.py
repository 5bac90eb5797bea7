"""Coordination and advocacy, and trainings: meetings and forums with other organisations and government,
and trainings given to staff, peer educators and stakeholders. A row belongs to a centre, or to the whole
programme when it has no centre. Counted, never named: organisations by name, people by number and sex."""

from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from learners.models.outcomes import RecordedByMixin
from learners.models.registry import Centre
from lms.validators import MAX_PEOPLE, count_constraints, validate_name, validate_plausible_date

PEOPLE = [MaxValueValidator(MAX_PEOPLE)]
MAX_TEXT = 1000


class CoordinationMeeting(RecordedByMixin):
    """A meeting or forum with other organisations or government: the day, the level, who was there, the
    topics and the decisions. No centre: the programme's own coordination (recorded by managers)."""

    class Level(models.TextChoices):
        DISTRICT = "district", _("District")
        PROVINCIAL = "provincial", _("Provincial")
        NATIONAL = "national", _("National")

    centre = models.ForeignKey(
        Centre,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coordination_meetings",
        verbose_name=_("centre"),
        help_text=_("Leave empty for a meeting of the whole programme."),
    )
    date = models.DateField(_("date"), validators=[validate_plausible_date])
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    title = models.CharField(
        _("meeting or forum"),
        max_length=120,
        validators=[validate_name],
        help_text=_("For example: District Child Protection Committee."),
    )
    organisations = models.TextField(
        _("organisations present"), max_length=MAX_TEXT, help_text=_("One per line, for example: Social Welfare.")
    )
    topics = models.TextField(_("topics"), max_length=MAX_TEXT)
    decisions = models.TextField(_("decisions"), max_length=MAX_TEXT, blank=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("coordination meeting")
        verbose_name_plural = _("coordination meetings")
        constraints = [
            models.UniqueConstraint(fields=["centre", "date", "title"], name="coordination_meeting_once"),
            models.UniqueConstraint(
                fields=["date", "title"],
                condition=models.Q(centre__isnull=True),
                name="programme_coordination_meeting_once",
            ),
            models.CheckConstraint(
                condition=models.Q(level__in=["district", "provincial", "national"]), name="coordination_level_known"
            ),
        ]
        indexes = [models.Index(fields=["date"])]

    def __str__(self):
        return f"{self.title} {self.date}"


class TrainingEvent(RecordedByMixin):
    """A training the programme gave: the day, the audience, the topic and the participants by sex. No
    centre: a training of the whole programme (recorded by managers)."""

    class Audience(models.TextChoices):
        STAFF = "staff", _("Staff")
        PEER_EDUCATORS = "peers", _("Peer educators")
        PARENTS = "parents", _("Parents")
        CAREGIVERS = "caregivers", _("Primary caregivers")
        TEACHERS = "teachers", _("Teachers")
        POLICE = "police", _("Law enforcement")
        GOVERNMENT = "government", _("Government officials")
        OTHER_STAKEHOLDERS = "others", _("Other stakeholders")

    centre = models.ForeignKey(
        Centre,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="training_events",
        verbose_name=_("centre"),
        help_text=_("Leave empty for a training of the whole programme."),
    )
    date = models.DateField(_("date"), validators=[validate_plausible_date])
    audience = models.CharField(_("audience"), max_length=10, choices=Audience.choices)
    topic = models.CharField(_("topic"), max_length=200, validators=[validate_name])
    participants_male = models.PositiveIntegerField(_("male participants"), default=0, validators=PEOPLE)
    participants_female = models.PositiveIntegerField(_("female participants"), default=0, validators=PEOPLE)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        constraints = [
            models.UniqueConstraint(fields=["centre", "date", "audience", "topic"], name="training_event_once"),
            models.UniqueConstraint(
                fields=["date", "audience", "topic"],
                condition=models.Q(centre__isnull=True),
                name="programme_training_event_once",
            ),
            *count_constraints(MAX_PEOPLE, "participants_male", "participants_female"),
            models.CheckConstraint(
                condition=models.Q(participants_male__gt=0) | models.Q(participants_female__gt=0),
                name="training_event_has_participants",
            ),
        ]
        indexes = [models.Index(fields=["date"])]

    def __str__(self):
        return f"{self.audience} {self.topic} {self.date}"

    @property
    def participants_total(self) -> int:
        """All participants, male and female."""
        return self.participants_male + self.participants_female
