"""Admin for learner records: audit action names (Site history), the centres snippets (administrators only) and
the help contacts (programme managers and administrators)."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from learners.models import Centre, HelpContact, ServiceProvider, StaffAssignment, Trade

ACTIONS = {
    "lms.learner.register": (_("Register learner"), _("Registered learner")),
    "lms.learner.update": (_("Change learner"), _("Changed learner")),
    "lms.learner.situation": (_("Record learner's situation"), _("Recorded learner's situation")),
    "lms.membership.add": (_("Add to group"), _("Added to group")),
    "lms.membership.end": (_("Leave group"), _("Left group")),
    "lms.group.create": (_("Create group"), _("Created group")),
    "lms.group.update": (_("Change group"), _("Changed group")),
    "lms.service.record": (_("Record service received"), _("Recorded service received")),
    "lms.training.enrol": (_("Record vocational training"), _("Recorded vocational training")),
    "lms.training.update": (_("Complete or certify training"), _("Completed or certified training")),
    "lms.placement.record": (_("Record job placement"), _("Recorded job placement")),
    "lms.school.record": (_("Record school enrolment"), _("Recorded school enrolment")),
    "lms.learner.transfer": (_("Move learner to another centre"), _("Moved learner to another centre")),
    "lms.outcome.remove": (_("Remove mistaken record"), _("Removed mistaken record")),
    "lms.referral.record": (_("Record referral"), _("Recorded referral")),
    "lms.referral.follow_up": (_("Follow up referral"), _("Followed up referral")),
    "lms.community.create": (_("Record community group"), _("Recorded community group")),
    "lms.community.update": (_("Change community group"), _("Changed community group")),
    "lms.community.meeting": (_("Record community meeting"), _("Recorded community meeting")),
    "lms.community.event": (_("Record sensitisation event"), _("Recorded sensitisation event")),
    "lms.coordination.meeting": (_("Record coordination meeting"), _("Recorded coordination meeting")),
    "lms.coordination.training": (_("Record training"), _("Recorded training")),
    "lms.follow_up.record": (_("Record follow-up after placement"), _("Recorded follow-up after placement")),
    "lms.coordination.meeting_update": (_("Correct coordination meeting"), _("Corrected coordination meeting")),
    "lms.coordination.meeting_remove": (_("Remove coordination meeting"), _("Removed coordination meeting")),
    "lms.coordination.training_update": (_("Correct training"), _("Corrected training")),
    "lms.coordination.training_remove": (_("Remove training"), _("Removed training")),
    "lms.follow_up.update": (_("Correct follow-up after placement"), _("Corrected follow-up after placement")),
    "lms.provider.create": (_("Add service provider"), _("Added service provider")),
    "lms.provider.update": (_("Change service provider"), _("Changed service provider")),
    # reports.retention: a learner's identifying details removed after the retention period
    "lms.learner.anonymise": (_("Anonymise learner"), _("Anonymised learner")),
}


@hooks.register("register_log_actions")
def register_learner_actions(actions):
    """Name the learner-record actions so the log reads in plain words."""
    for action, (label, message) in ACTIONS.items():
        actions.register_action(action, label, message)


class CentreViewSet(SnippetViewSet):
    """Administrators add centres and mark them inactive (model permissions keep everyone else out)."""

    model = Centre
    icon = "home"
    menu_label = _("Centres")
    list_display = ["name", "code", "kind", "area", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "code", "area"]


class StaffAssignmentViewSet(SnippetViewSet):
    """Administrators assign facilitators to the centres whose records they work with."""

    model = StaffAssignment
    icon = "user"
    menu_label = _("Staff assignments")
    list_display = ["user", "centre"]
    list_filter = ["centre"]


class TradeViewSet(SnippetViewSet):
    """Administrators edit the trades taught in vocational training (untick "offered" rather than delete)."""

    model = Trade
    icon = "tag"
    menu_label = _("Trades")
    list_display = ["name", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name"]


class HelpContactViewSet(SnippetViewSet):
    """Programme managers keep each centre's help contacts, and the programme's own (no centre), up to date:
    lesson help blocks and the site footer show them (model permissions keep facilitators out)."""

    model = HelpContact
    icon = "help"
    menu_label = _("Help contacts")
    list_display = ["name", "phone", "kind", "centre", "order"]
    list_filter = ["centre", "kind"]
    search_fields = ["name", "phone"]
    ordering = ["centre__name", "order", "pk"]


class ServiceProviderViewSet(SnippetViewSet):
    """Programme managers keep each centre's directory of service providers that children are referred to;
    a provider marked "show where to get help" is also listed in lesson help blocks and the footer."""

    model = ServiceProvider
    icon = "site"
    menu_label = _("Service providers")
    list_display = ["name", "kind", "area", "phone", "centre", "show_in_help", "is_active"]
    list_filter = ["centre", "kind", "show_in_help", "is_active"]
    search_fields = ["name", "area", "phone"]
    ordering = ["centre__name", "kind", "name"]


class CentresViewSetGroup(SnippetViewSetGroup):
    """The admin menu group for centres, who works at them and where to get help there."""

    items = (CentreViewSet, StaffAssignmentViewSet, TradeViewSet, HelpContactViewSet, ServiceProviderViewSet)
    menu_icon = "home"
    menu_label = _("Centres")
    menu_name = "centres"
    menu_order = 300


register_snippet(CentresViewSetGroup)
