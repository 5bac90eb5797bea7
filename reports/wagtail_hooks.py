"""Admin for reports: the audit actions written when someone downloads figures or records, or opens the records
behind a figure (Site history)."""

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


class ExportRequestFormatter(LogFormatter):
    """Asking for a file prepared in the background reads in the log as what, in which format, for which period."""

    label = _("Ask for an export")

    def format_message(self, log_entry):
        """For example: "Asked for registered (xlsx), 2026-01-01 to 2026-11-29, 2 centres"."""
        data = log_entry.data or {}
        return _("Asked for %(what)s (%(format)s), %(start)s to %(end)s, %(centres)s centres") % {
            "what": data.get("what", ""),
            "format": data.get("format", ""),
            "start": data.get("start", ""),
            "end": data.get("end", ""),
            "centres": len(data.get("centres", [])),
        }


class RecordsViewFormatter(LogFormatter):
    """Opening the records behind a figure reads in the log as which figure, for which period."""

    label = _("Open records behind a figure")

    def format_message(self, log_entry):
        """For example: "Opened the records of protective-services, 2026-01-01 to 2026-11-29, 2 centres"."""
        data = log_entry.data or {}
        return _("Opened the records of %(what)s, %(start)s to %(end)s, %(centres)s centres") % {
            "what": data.get("what", ""),
            "start": data.get("start", ""),
            "end": data.get("end", ""),
            "centres": len(data.get("centres", [])),
        }


@hooks.register("register_log_actions")
def register_report_actions(actions):
    """Name the export and drill-down actions so the log reads in plain words."""
    actions.register_action(audit.EXPORT)(ExportFormatter)
    actions.register_action(audit.EXPORT_REQUESTED)(ExportRequestFormatter)
    actions.register_action(audit.VIEW_RECORDS)(RecordsViewFormatter)
    actions.register_action("lms.period.create", _("Create project period"), _("Created project period"))
    actions.register_action("lms.period.update", _("Change project period"), _("Changed project period"))
    actions.register_action("lms.targets.set", _("Set targets"), _("Set targets"))
