"""`manage.py rebuild_summaries`: recompute the indicator summary tables from the records.

Run it after a restore, a bulk import, or a change of what the summaries hold (reports/summaries.py); the
services keep them exact otherwise. It works one centre per transaction, so the dashboard keeps answering
meanwhile, and prints a progress line after each centre (with --verbosity 0, only the last line)."""

import time

from django.core.management.base import BaseCommand

from reports import summaries


class Command(BaseCommand):
    """Recompute every indicator summary from the records, saying how far it got."""

    help = "Recompute the indicator summary tables from the records (after a restore or an import)."

    def handle(self, *args, **options):
        started = time.perf_counter()
        verbose = options["verbosity"] >= 1

        def progress(message: str) -> None:
            if verbose:
                self.stdout.write(f"  {time.perf_counter() - started:6.1f} s  {message}")
                self.stdout.flush()

        written = summaries.rebuild(log=progress)
        seconds = time.perf_counter() - started
        if verbose:
            self.stdout.write(f"Summaries rebuilt: {written} rows in {seconds:.1f} s.")
