"""Admin screens for the curriculum's own records: topics, as snippets; the translations report."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from courses.models import Topic
from courses.views.translations import TranslationsReportView, may_see_report
from lms import audit


class TopicViewSet(SnippetViewSet):
    """Editors add and rename curriculum topics without code."""

    model = Topic
    icon = "tag"
    menu_label = _("Topics")
    add_to_admin_menu = True
    menu_order = 210
    list_display = ["name", "slug", "sort_order"]
    search_fields = ["name"]


register_snippet(TopicViewSet)


DELIVERY_ACTIONS = {
    "lms.group.modules": (_("Set group modules"), _("Set the modules a group follows")),
    "lms.session.plan": (_("Plan session"), _("Planned session")),
    "lms.session.record": (_("Record session"), _("Recorded session attendance")),
    "lms.session.correct": (_("Correct session"), _("Corrected session attendance")),
    "lms.session.cancel": (_("Cancel session"), _("Cancelled session")),
    "lms.quiz.record": (_("Record quiz scores"), _("Recorded quiz scores")),
    audit.VIEW_LEARNER: (_("Open learner record"), _("Opened the learner's record")),
    audit.VIEW_SHEET: (_("Print sheet"), _("Opened a printable sheet of the session's members")),
}


@hooks.register("register_log_actions")
def register_delivery_actions(actions):
    """Name the delivery actions so the log reads in plain words."""
    for action, (label, message) in DELIVERY_ACTIONS.items():
        actions.register_action(action, label, message)


class TranslationsMenuItem(MenuItem):
    """The report's menu entry, shown to editors and reviewers only."""

    def is_shown(self, request):
        """Whoever may translate sees it."""
        return may_see_report(request.user)


@hooks.register("register_reports_menu_item")
def register_translations_report_menu_item():
    """Reports > Translations."""
    return TranslationsMenuItem(_("Translations"), reverse("translations_report"), icon_name="globe", order=150)


@hooks.register("register_admin_urls")
def register_translations_report_urls():
    """The report and its results (Wagtail refreshes the results alone)."""
    return [
        path("reports/translations/", TranslationsReportView.as_view(), name="translations_report"),
        path(
            "reports/translations/results/",
            TranslationsReportView.as_view(results_only=True),
            name="translations_report_results",
        ),
    ]


OFFLINE_ACTIONS = {
    "lms.offline.conflict": (_("Offline conflict"), _("Kept a phone's submission as a conflict")),
    "lms.offline.resolve": (_("Resolve offline conflict"), _("Resolved a phone's conflicting submission")),
}


@hooks.register("register_log_actions")
def register_offline_actions(actions):
    """Name the offline sessions' actions (courses.offline) in the log."""
    for action, (label, message) in OFFLINE_ACTIONS.items():
        actions.register_action(action, label, message)
