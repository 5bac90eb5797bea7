"""Load the demo curriculum, accounts, centre records, help contacts, peer educator, a year of programme evidence,
referrals, and a project period with its targets.

Safe to run again: nothing is duplicated.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.data.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD, ensure_demo_accounts
from demo.data.coordination import ensure_demo_coordination
from demo.data.curriculum import ensure_demo_curriculum
from demo.data.evidence import ensure_demo_evidence
from demo.data.help import ensure_demo_help_contacts
from demo.data.peers import ensure_demo_peers
from demo.data.records import ensure_demo_records
from demo.data.referrals import ensure_demo_referrals
from demo.data.targets import ensure_demo_targets
from reports import summaries


class Command(BaseCommand):
    """`manage.py load_demo_data [--force]`: the demo world for a laptop or a training session."""

    help = (
        "Create the demo curriculum, accounts, centre records, peer educator, a year of programme "
        "evidence and a project period with targets (refuses with DEBUG off unless --force)."
    )

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
        records = ensure_demo_records(facilitators={name: users[name] for name in ("facilitator1", "facilitator2")})
        contacts = ensure_demo_help_contacts()
        peers = ensure_demo_peers(users=users)
        evidence = ensure_demo_evidence(users=users)
        coordination = ensure_demo_coordination(users=users)
        providers, referrals = ensure_demo_referrals(users=users)
        targets = ensure_demo_targets(users=users)  # last: targets follow what the demo achieves
        # The services kept the indicator summaries; a rebuild also records the curriculum's modules, so module
        # completion is summarised from now on (reports/summaries.py).
        summaries.rebuild()
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({pages} curriculum pages added)."))
        if records is None:
            self.stdout.write("Demo centre records already exist: none added.")
        else:
            self.stdout.write(f"Demo centre records added: {records}.")
        self.stdout.write(f"Demo help contacts added: {contacts}.")
        if peers is None:
            self.stdout.write("Demo peer educator already exists: none added.")
        else:
            self.stdout.write(f"Demo peer educator added: {peers}.")
        if evidence is None:
            self.stdout.write("Demo programme evidence already exists: none added.")
        else:
            self.stdout.write(f"Demo programme evidence added: {evidence}.")
        if coordination is None:
            self.stdout.write("Demo coordination and follow-ups already exist: none added.")
        else:
            self.stdout.write(f"Demo coordination and follow-ups added: {coordination}.")
        if targets is None:
            self.stdout.write("Demo project period already exists: no targets added.")
        else:
            self.stdout.write(f"Demo project period added with {targets} targets.")
        self.stdout.write(f"Demo service providers added: {providers}.")
        if referrals is None:
            self.stdout.write("Demo referrals already exist: none added.")
        else:
            self.stdout.write(
                f"Demo referrals added: {referrals['referrals']}, followed up {referrals['follow-ups']} times."
            )
        self.stdout.write(f"Demo accounts (password: {DEMO_PASSWORD}):")
        for username, _first_name, role in DEMO_ACCOUNTS:
            self.stdout.write(f"  {username:<13} {role or 'Administrator (superuser)'}")
