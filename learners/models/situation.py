"""Who the child is, for the programme: a survivor of commercial sexual exploitation, a child at risk (and of
what), or other. The most sensitive field in the system (`lms.access.may_see_situation` says who reads it).

A child's situation can change (a child at risk is later found to be a survivor), so it is a history: one row
per day it was recorded, and a figure counts each child by their latest situation on or before the last day of
the period (`learners.selectors.situation_on`, `situation_at`).
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from learners.models.outcomes import RecordedByMixin
from learners.models.registry import PLAUSIBLE, Learner

# The risk kinds, as (field name, key, label): one boolean column per kind (portable to SQLite and PostgreSQL,
# and a database check can hold the rule "kinds only when at risk, at least one when at risk").
RISK_KINDS = [
    ("risk_street", "street", _("Working on the street")),
    ("risk_hotels", "hotels", _("Working in hotels")),
    ("risk_bus_stands", "bus_stands", _("Working at bus stands")),
    ("risk_workshops", "workshops", _("Working in workshops")),
    ("risk_out_of_school", "out_of_school", _("Out of school")),
    ("risk_forced_by_family", "forced_by_family", _("Forced to work by the family")),
]
RISK_FIELDS = {key: field for field, key, _label in RISK_KINDS}


class LearnerSituation(RecordedByMixin):
    """A learner's situation as recorded on a day (at most one row per learner and day)."""

    class Situation(models.TextChoices):
        SURVIVOR = "survivor", _("Survivor of commercial sexual exploitation")
        AT_RISK = "at_risk", _("At risk")
        OTHER = "other", _("Other")

    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="situations", verbose_name=_("learner"))
    situation = models.CharField(_("situation"), max_length=10, choices=Situation.choices)
    risk_street = models.BooleanField(_("working on the street"), default=False)
    risk_hotels = models.BooleanField(_("working in hotels"), default=False)
    risk_bus_stands = models.BooleanField(_("working at bus stands"), default=False)
    risk_workshops = models.BooleanField(_("working in workshops"), default=False)
    risk_out_of_school = models.BooleanField(_("out of school"), default=False)
    risk_forced_by_family = models.BooleanField(_("forced to work by the family"), default=False)
    recorded_on = models.DateField(_("recorded on"), validators=PLAUSIBLE)

    class Meta:
        ordering = ["learner", "-recorded_on"]
        verbose_name = _("learner's situation")
        verbose_name_plural = _("learners' situations")
        constraints = [
            # Also the index for "the latest row on or before a day, per learner".
            models.UniqueConstraint(fields=["learner", "recorded_on"], name="situation_one_per_learner_day"),
            models.CheckConstraint(
                condition=Q(situation__in=["survivor", "at_risk", "other"]), name="situation_known_choice"
            ),
            models.CheckConstraint(
                condition=Q(situation="at_risk") | Q(**{field: False for field, _key, _label in RISK_KINDS}),
                name="situation_risk_kinds_only_at_risk",
            ),
            models.CheckConstraint(
                condition=~Q(situation="at_risk")
                | Q(risk_street=True)
                | Q(risk_hotels=True)
                | Q(risk_bus_stands=True)
                | Q(risk_workshops=True)
                | Q(risk_out_of_school=True)
                | Q(risk_forced_by_family=True),
                name="situation_at_risk_has_a_kind",
            ),
        ]

    def __str__(self):
        return f"{self.learner_id} {self.situation} {self.recorded_on}"

    @property
    def risk_kinds(self) -> list[str]:
        """The keys of the risk kinds ticked (empty unless at risk)."""
        return [key for field, key, _label in RISK_KINDS if getattr(self, field)]

    @property
    def risk_labels(self) -> list[str]:
        """The risk kinds ticked, in words."""
        return [str(label) for field, _key, label in RISK_KINDS if getattr(self, field)]
