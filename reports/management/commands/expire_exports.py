"""`manage.py expire_exports`: delete the prepared export files whose time (LMS_EXPORT_TTL_HOURS) is up."""

from django.core.management.base import BaseCommand

from reports.export_requests import export_requests_expire


class Command(BaseCommand):
    """Delete expired export files and mark their requests expired (run it hourly, from cron or a systemd timer)."""

    help = "Delete the prepared export files whose time is up (LMS_EXPORT_TTL_HOURS)."

    def handle(self, *args, **options):
        count = export_requests_expire()
        self.stdout.write(f"{count} expired export file(s) deleted.")
