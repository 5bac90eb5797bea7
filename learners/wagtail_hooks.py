"""Audit actions for learner records, shown in the admin's Site history (administrators only)."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks

ACTIONS = {
    "lms.learner.register": (_("Register learner"), _("Registered learner")),
    "lms.learner.update": (_("Change learner"), _("Changed learner")),
    "lms.membership.add": (_("Add to group"), _("Added to group")),
    "lms.membership.end": (_("Leave group"), _("Left group")),
    "lms.group.create": (_("Create group"), _("Created group")),
    "lms.group.update": (_("Change group"), _("Changed group")),
}


@hooks.register("register_log_actions")
def register_learner_actions(actions):
    """Name the learner-record actions so the log reads in plain words."""
    for action, (label, message) in ACTIONS.items():
        actions.register_action(action, label, message)
