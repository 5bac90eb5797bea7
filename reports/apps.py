from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Programme indicators computed from records, the dashboard, drill-down lists and exports."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        """Connect the summary tables' receiver to `lms.summaries.records_changed`."""
        from reports import summaries  # noqa: F401  (connects its receiver)
