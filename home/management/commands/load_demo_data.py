"""Load the demo curriculum and demo accounts. Safe to run again: nothing is duplicated."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from home.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD, ensure_demo_accounts
from home.demo.curriculum import ensure_demo_curriculum


class Command(BaseCommand):
    """`manage.py load_demo_data [--force]`: the demo world for a laptop or a training session."""

    help = "Create the demo curriculum and demo accounts (refuses with DEBUG off unless --force)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Load demo data even though DEBUG is off (never on a live site)."
        )

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off, so this looks like a live site: demo data would mix with real records. "
                "Run with --force only on a training or test copy."
            )
        users = ensure_demo_accounts()
        pages = ensure_demo_curriculum(editor=users["editor"], reviewer=users["reviewer"])
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({pages} curriculum pages added)."))
        self.stdout.write(f"Demo accounts (password: {DEMO_PASSWORD}):")
        for username, _first_name, role in DEMO_ACCOUNTS:
            self.stdout.write(f"  {username:<13} {role or 'Administrator (superuser)'}")
