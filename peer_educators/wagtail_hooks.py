"""Audit actions of the peer-educator pathway and projects, shown in the admin's Site history."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks

ACTIONS = {
    "lms.peer.nominate": (_("Nominate peer educator"), _("Nominated as peer educator")),
    "lms.peer.promote": (_("Promote peer educator"), _("Promoted to peer educator")),
    "lms.peer.status": (_("Change peer educator status"), _("Changed peer educator status")),
    "lms.peer.observe": (_("Observe peer session"), _("Observed a peer-led session")),
    "lms.peer.password": (_("Choose own password"), _("Replaced the one-time password with their own")),
    "lms.group.peer_leader": (_("Assign peer leader"), _("Assigned a peer educator to lead a group")),
    "lms.project.propose": (_("Propose project"), _("Proposed a social action project")),
    "lms.project.approved": (_("Approve project"), _("Approved a social action project")),
    "lms.project.completed": (_("Complete project"), _("Completed a social action project")),
    "lms.project.abandoned": (_("Abandon project"), _("Abandoned a social action project")),
    "lms.project.log": (_("Log project activity"), _("Logged a project activity")),
    "lms.project.plan": (_("Plan project step"), _("Planned a step of a project")),
}


@hooks.register("register_log_actions")
def register_peer_actions(actions):
    """Name the pathway and project actions so the log reads in plain words."""
    for action, (label, message) in ACTIONS.items():
        actions.register_action(action, label, message)
