"""Admin for reports: the audit action written when someone downloads figures or records (Site history)."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.log_actions import LogFormatter

from lms import audit


class ExportFormatter(LogFormatter):
    """An export reads in the log as what was downloaded, in which format, for which period."""

    label = _("Export")

    def format_message(self, log_entry):
        """For example: "Exported dashboard (xlsx), 2026-01-01 to 2026-11-29, 2 centres"."""
        data = log_entry.data or {}
        return _("Exported %(what)s (%(format)s), %(start)s to %(end)s, %(centres)s centres") % {
            "what": data.get("what", ""),
            "format": data.get("format", ""),
            "start": data.get("start", ""),
            "end": data.get("end", ""),
            "centres": len(data.get("centres", [])),
        }


@hooks.register("register_log_actions")
def register_report_actions(actions):
    """Name the export action so the log reads in plain words."""
    actions.register_action(audit.EXPORT)(ExportFormatter)
