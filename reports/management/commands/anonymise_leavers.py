"""`manage.py anonymise_leavers --as ADMIN [--years N] [--dry-run]`: retention, run monthly from cron.

It lives in `reports` because anonymising reaches every app's records about a child (learners, courses,
peer_educators), and only `reports` may import them all (ARCHITECTURE.md, "Rooms")."""

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from lms import access
from reports.retention import learner_anonymise, leavers, years_before


class Command(BaseCommand):
    """Anonymise every learner who left more than the retention period ago, as an administrator."""

    help = "Anonymise learners who left more than LMS_RETENTION_YEARS (or --years) ago: first name and notes removed."

    def add_arguments(self, parser):
        parser.add_argument("--as", dest="username", help="The administrator's username (written in the audit log).")
        parser.add_argument(
            "--years", type=int, default=None, help="Years since leaving (default LMS_RETENTION_YEARS)."
        )
        parser.add_argument("--dry-run", action="store_true", help="Only list the learners who would be anonymised.")

    def handle(self, *args, username=None, years=None, dry_run=False, **options):
        years = settings.LMS_RETENTION_YEARS if years is None else years
        if years < 1:
            raise CommandError("--years must be 1 or more.")
        today = timezone.localdate()
        due = list(leavers(left_before=years_before(today, years)))
        if dry_run:
            for learner in due:
                self.stdout.write(learner.code)
            self.stdout.write(f"{len(due)} learner(s) left more than {years} year(s) ago (dry run: nothing changed).")
            return
        user = User.objects.filter(username=username).first() if username else None
        if user is None or not access.is_admin(user):
            raise CommandError("Give an active administrator's username with --as (it is written in the audit log).")
        done = 0
        for learner in due:
            try:
                done += learner_anonymise(acting_user=user, learner=learner, today=today).changed_anything
            except ValidationError as error:
                raise CommandError(f"{learner.code}: {'; '.join(error.messages)}") from None
        self.stdout.write(f"Anonymised {done} learner(s) who left more than {years} year(s) ago.")
