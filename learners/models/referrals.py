"""Referrals and linkages: each centre's directory of outside service providers (health, legal aid, shelter,
education, vocational training, government child protection, the police child desk), and learners referred to
one of them, followed up until the referral is received, refused or the child cannot be reached.

A provider marked "show in help" is also one of the places a reader gets help: `learners.selectors.help_contacts_for`
lists it after the help contacts, so a number is written once, in the directory. Type, dates and outcome only:
the reason for a referral is a kind, never case notes.
"""

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from learners.models.help import PHONE_MAX_LENGTH, PHONE_PATTERN
from learners.models.outcomes import RecordedByMixin
from learners.models.registry import PLAUSIBLE, Centre, Learner


class ServiceProvider(models.Model):
    """An outside organisation a centre refers children to; with no centre, one the whole programme uses."""

    class Kind(models.TextChoices):
        HEALTH = "health", _("Health")
        LEGAL_AID = "legal", _("Legal aid")
        SHELTER = "shelter", _("Shelter")
        EDUCATION = "education", _("Education")
        VOCATIONAL = "vocational", _("Vocational training")
        CHILD_PROTECTION = "protection", _("Government child protection")
        POLICE = "police", _("Police child desk")

    centre = models.ForeignKey(
        Centre,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_providers",
        verbose_name=_("centre"),
        help_text=_("Leave empty for a provider every centre refers to."),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=120)
    area = models.CharField(_("area"), max_length=80, blank=True, help_text=_("For example: Satellite Town."))
    phone = models.CharField(
        _("phone number"),
        max_length=PHONE_MAX_LENGTH,
        validators=[RegexValidator(PHONE_PATTERN, _("Write the number with digits, spaces and dashes only."))],
        help_text=_("Check the number by calling it before saving."),
    )
    show_in_help = models.BooleanField(
        _("show where to get help"),
        default=False,
        help_text=_("Also list it in lesson help blocks and the footer for the centre's readers."),
    )
    is_active = models.BooleanField(
        _("still referring to it"), default=True, help_text=_("Untick instead of deleting: past referrals keep it.")
    )

    class Meta:
        ordering = ["kind", "name", "pk"]
        verbose_name = _("service provider")
        verbose_name_plural = _("service providers")
        constraints = [
            models.CheckConstraint(condition=Q(phone__regex=PHONE_PATTERN), name="provider_phone_format"),
            models.CheckConstraint(condition=~Q(name=""), name="provider_has_name"),
            models.UniqueConstraint(fields=["centre", "kind", "name"], name="provider_listed_once"),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_kind_display()})"

    @property
    def tel(self) -> str:
        """The number as a phone dials it (for a tel: link): the leading + and the digits."""
        return "".join(c for c in self.phone if c.isdigit() or c == "+")


class Outcome(models.TextChoices):
    """Where a referral stands: pending until a follow-up finds it received, refused or the child not reachable."""

    PENDING = "pending", _("Pending")
    RECEIVED = "received", _("Received")
    REFUSED = "refused", _("Refused")
    NOT_REACHABLE = "unreachable", _("Not reachable")


class Referral(RecordedByMixin):
    """A learner referred to a provider on a day for a kind of need. `outcome` is the latest follow-up's
    outcome (pending before any), kept by `learners.services.referral_follow_up`; `follow_up_on` is the day
    the next follow-up is due."""

    class Reason(models.TextChoices):
        HEALTH = "health", _("Health")
        LEGAL = "legal", _("Legal")
        SHELTER = "shelter", _("Shelter")
        EDUCATION = "education", _("Education")
        VOCATIONAL = "vocational", _("Vocational")
        PROTECTION = "protection", _("Protection")
        OTHER = "other", _("Other")

    Outcome = Outcome

    learner = models.ForeignKey(Learner, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("learner"))
    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="+", verbose_name=_("centre"))
    provider = models.ForeignKey(
        ServiceProvider, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("referred to")
    )
    referred_on = models.DateField(_("referred on"), validators=PLAUSIBLE)
    reason = models.CharField(_("reason"), max_length=10, choices=Reason.choices)
    outcome = models.CharField(_("outcome"), max_length=11, choices=Outcome.choices, default=Outcome.PENDING)
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True, validators=PLAUSIBLE)

    class Meta:
        ordering = ["-referred_on", "-id"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        constraints = [
            models.UniqueConstraint(fields=["learner", "provider", "referred_on"], name="referral_recorded_once"),
            models.CheckConstraint(
                condition=Q(follow_up_on__isnull=True) | Q(follow_up_on__gte=F("referred_on")),
                name="referral_follow_up_after_referral",
            ),
            models.CheckConstraint(condition=Q(outcome__in=Outcome.values), name="referral_outcome_known"),
        ]
        indexes = [
            models.Index(fields=["centre", "referred_on"]),
            models.Index(fields=["referred_on"]),
            models.Index(fields=["centre", "outcome", "follow_up_on"]),
        ]

    def __str__(self):
        return f"{self.learner_id} -> {self.provider_id} {self.referred_on}"


class ReferralFollowUp(RecordedByMixin):
    """What a follow-up of a referral found on a day. A referral may be followed up many times; the latest
    follow-up (by day, then by recording) gives its outcome."""

    referral = models.ForeignKey(
        Referral, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("referral")
    )
    on = models.DateField(_("followed up on"), validators=PLAUSIBLE)
    outcome = models.CharField(_("outcome"), max_length=11, choices=Outcome.choices)

    class Meta:
        ordering = ["on", "id"]
        verbose_name = _("referral follow-up")
        verbose_name_plural = _("referral follow-ups")
        constraints = [
            models.UniqueConstraint(fields=["referral", "on"], name="referral_followed_up_once_a_day"),
            models.CheckConstraint(condition=Q(outcome__in=Outcome.values), name="follow_up_outcome_known"),
        ]
        indexes = [models.Index(fields=["referral", "-on", "-id"], name="follow_up_latest")]

    def __str__(self):
        return f"{self.referral_id} {self.on} {self.outcome}"
