"""Follow-up after placement: about 3 and 6 months after a job placement or a school enrolment, whether the
young person is still in the job or at school, and for a job the monthly earnings band (a band, never an
amount). The windows and the due rule are written once here."""

import datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from learners.models.outcomes import JobPlacement, RecordedByMixin, SchoolEnrolment
from learners.models.registry import PLAUSIBLE


class PlacementFollowUp(RecordedByMixin):
    """A 3- or 6-month follow-up of one job placement or one school enrolment (exactly one of the two)."""

    class Point(models.IntegerChoices):
        THREE_MONTHS = 3, _("3 months")
        SIX_MONTHS = 6, _("6 months")

    class Earnings(models.TextChoices):
        UNDER_10K = "lt10k", _("Under 10,000 PKR a month")
        FROM_10K = "10-20k", _("10,000 to 20,000 PKR a month")
        FROM_20K = "20-30k", _("20,000 to 30,000 PKR a month")
        OVER_30K = "gt30k", _("Over 30,000 PKR a month")

    # Days after the start at which each follow-up falls due, and the window in which it may be recorded.
    DUE_AFTER_DAYS = {3: 90, 6: 180}
    WINDOW_DAYS = {3: (75, 150), 6: (165, 270)}
    # Due follow-ups are listed from this many days before they fall due.
    NOTICE_DAYS = 7

    placement = models.ForeignKey(
        JobPlacement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("job placement"),
    )
    enrolment = models.ForeignKey(
        SchoolEnrolment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("school enrolment"),
    )
    point = models.PositiveSmallIntegerField(_("follow-up"), choices=Point.choices)
    date = models.DateField(_("date"), validators=PLAUSIBLE)
    still_there = models.BooleanField(_("still in the job or at school"))
    earnings = models.CharField(_("monthly earnings"), max_length=8, choices=Earnings.choices, blank=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("follow-up after placement")
        verbose_name_plural = _("follow-ups after placement")
        constraints = [
            models.CheckConstraint(
                condition=Q(placement__isnull=False, enrolment__isnull=True)
                | Q(placement__isnull=True, enrolment__isnull=False),
                name="follow_up_of_one_placement",
            ),
            models.CheckConstraint(condition=Q(point__in=[3, 6]), name="follow_up_point_known"),
            models.CheckConstraint(
                condition=Q(placement__isnull=False) | Q(earnings=""), name="follow_up_earnings_only_for_jobs"
            ),
            models.CheckConstraint(condition=Q(still_there=True) | Q(earnings=""), name="follow_up_earnings_if_there"),
            models.UniqueConstraint(
                fields=["placement", "point"], condition=Q(placement__isnull=False), name="job_follow_up_once"
            ),
            models.UniqueConstraint(
                fields=["enrolment", "point"], condition=Q(enrolment__isnull=False), name="school_follow_up_once"
            ),
        ]
        indexes = [models.Index(fields=["date"])]

    def __str__(self):
        return f"{self.placement_id or self.enrolment_id} {self.point} {self.date}"

    @classmethod
    def due_on(cls, start: datetime.date, point: int) -> datetime.date:
        """The day a follow-up of a placement that started on `start` falls due."""
        return start + datetime.timedelta(days=cls.DUE_AFTER_DAYS[point])

    @classmethod
    def window(cls, start: datetime.date, point: int) -> tuple[datetime.date, datetime.date]:
        """The first and last days on which that follow-up may be recorded."""
        first, last = cls.WINDOW_DAYS[point]
        return start + datetime.timedelta(days=first), start + datetime.timedelta(days=last)
