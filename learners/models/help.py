"""Where to get help: each centre's help contacts (helplines, the child protection unit, the centre's own
number), and the programme's own contacts (no centre) shown to everyone, visitors included.

Programme managers edit them in the admin (Centres > Help contacts); lesson help blocks and the site footer
show them to each reader (`learners.selectors.help_contacts_for`).
"""

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from learners.models.registry import Centre

# Digits, spaces and dashes, with an optional leading +; two to twenty characters (15 and 1121 are numbers too).
PHONE_PATTERN = r"^\+?[0-9]([0-9 -]{0,18}[0-9])?$"
PHONE_MAX_LENGTH = 20


class HelpContact(models.Model):
    """One place a child or a worried adult can call for help: a helpline, the child protection unit, a centre."""

    class Kind(models.TextChoices):
        HELPLINE = "helpline", _("Child helpline")
        CHILD_PROTECTION_UNIT = "cpu", _("Child protection unit")
        CENTRE = "centre", _("The centre")
        HEALTH = "health", _("Health centre")
        POLICE = "police", _("Police child desk")
        OTHER = "other", _("Other")

    centre = models.ForeignKey(
        Centre,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="help_contacts",
        verbose_name=_("centre"),
        help_text=_("Leave empty for a contact of the whole programme, shown to everyone, visitors included."),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.HELPLINE)
    name = models.CharField(_("name"), max_length=120, help_text=_("For example: Child protection helpline."))
    phone = models.CharField(
        _("phone number"),
        max_length=PHONE_MAX_LENGTH,
        validators=[RegexValidator(PHONE_PATTERN, _("Write the number with digits, spaces and dashes only."))],
        help_text=_("Check the number by calling it before saving."),
    )
    hours = models.CharField(
        _("when to call"), max_length=120, blank=True, help_text=_("Optional, for example: every day, 9 am to 5 pm.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0, help_text=_("Lower numbers are shown first."))

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("help contact")
        verbose_name_plural = _("help contacts")
        constraints = [
            models.CheckConstraint(condition=Q(phone__regex=PHONE_PATTERN), name="help_contact_phone_format"),
            models.CheckConstraint(condition=~Q(name=""), name="help_contact_has_name"),
        ]

    def __str__(self):
        return f"{self.name} ({self.centre or _('whole programme')})"

    @property
    def tel(self) -> str:
        """The number as a phone dials it (for a tel: link): the leading + and the digits."""
        return "".join(c for c in self.phone if c.isdigit() or c == "+")
