"""`manage.py bench`: build a large data set in its own database and time the facilitators' and peer
educators' pages (the peer educator's home as the peer educator; the others as the grid group's facilitator).

`make bench` runs it with `DATABASE_URL=sqlite:///.../bench/bench.sqlite3` (or the DATABASE_URL
already in the environment) and `DJANGO_SETTINGS_MODULE=lms.settings.test`. The test settings
mirror production where it counts for server time (DEBUG off, so no query logging and cached
templates; the same middleware, sessions and database settings) and accept the test client's
host, without production's need for a secret key, HTTPS and collected static files.

The database is wiped and migrated first (only when its name contains "bench"), filled by
`home.bench.build` and then each page is timed by `home.bench.timing`. Results go to the JSON file
named by BENCH_OUT (default bench-results.json) and to a table on the console. A page that does
not answer 200 makes the command fail; a page over its targets is reported as FAIL in the table
and the JSON, without failing the command (timings depend on the machine).
"""

import json
import os
import time

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ObjectDoesNotExist
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection
from django.urls import reverse

from home.bench import build, timing
from learners.models import Learner

DEFAULT_OUT = "bench-results.json"


class Command(BaseCommand):
    """Build the benchmark data set (unless --skip-build), time eight pages, report and write JSON."""

    help = "Build a large data set in the bench database and time the facilitator's pages (see `make bench`)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="Multiply the data set's size (default 1.0).")
        parser.add_argument("--requests", type=int, default=20, help="Timed requests per page (default 20).")
        parser.add_argument("--skip-build", action="store_true", help="Time the data set already in the database.")
        parser.add_argument(
            "--no-reset",
            action="store_true",
            help="Build into the current, migrated database without wiping it (the test suite uses this); "
            "it must hold no learners yet.",
        )

    def handle(self, *args, scale: float, requests: int, skip_build: bool, no_reset: bool, **options):
        if requests < 1 or scale <= 0:
            raise CommandError("--requests must be at least 1 and --scale above 0.")
        if settings.DEBUG:
            self.stderr.write("DEBUG is on: timings include query logging. make bench uses lms.settings.test.")
        timings = {"reset_seconds": None, "build_seconds": None}
        if not skip_build:
            self._build(build.Scale.of(scale), no_reset=no_reset, timings=timings)
        try:
            reached = build.counts()
            world = build.bench_world()
        except (ObjectDoesNotExist, IndexError, DatabaseError) as error:
            raise CommandError("No bench data in this database: run without --skip-build first.") from error

        client = timing.bench_client(world.facilitator)
        peer_client = timing.bench_client(world.peer)
        pages = [
            (client, "facilitator_dashboard", reverse("dashboard")),
            (client, "run_session", reverse("session_run", args=[world.session.pk])),
            (client, "group_progress", reverse("group_progress", args=[world.group.pk])),
            (client, "learner_record", reverse("learner_record", args=[world.learner.code])),
            (peer_client, "peer_home", reverse("peer_home")),
            (client, "project_list", reverse("project_list")),
            (client, "project_detail", reverse("project_detail", args=[world.project.pk])),
            (client, "peer_eligibility", reverse("peer_eligibility")),
        ]
        results = [timing.measure(page_client, name, url, requests) for page_client, name, url in pages]
        report = {
            "scale": reached,
            "database": connection.vendor,
            "requests": requests,
            **timings,
            "targets": {"p95_ms_under": timing.P95_TARGET_MS, "bytes_at_most": timing.BYTES_TARGET},
            "pages": [result.as_dict() for result in results],
        }
        out = os.environ.get("BENCH_OUT") or DEFAULT_OUT
        with open(out, "w", encoding="utf-8") as handle:
            json.dump(report, handle, indent=2)
            handle.write("\n")
        self._print_table(reached, results, out)
        broken = [r for r in results if r.status != 200]
        if broken:
            raise CommandError(
                "These pages did not answer 200, so they were not timed: "
                + ", ".join(f"{r.name} ({r.url}) answered {r.status}" for r in broken)
            )

    def _build(self, scale: build.Scale, *, no_reset: bool, timings: dict) -> None:
        """Empty the database (or check it is empty), then build the data set."""
        started = time.perf_counter()
        if no_reset:
            if Learner.objects.exists():
                raise CommandError("--no-reset needs a database without learners; this one has some.")
        else:
            try:
                build.reset_database()
            except ImproperlyConfigured as error:
                raise CommandError(str(error)) from error
            timings["reset_seconds"] = round(time.perf_counter() - started, 1)
            self.stdout.write(f"Database {build.database_name()} emptied and migrated in {timings['reset_seconds']} s.")
        self.stdout.write(
            f"Building {scale.learners} learners, {scale.centres} centres, {scale.groups} groups "
            f"({build.SESSIONS_PER_GROUP} sessions each), then peer educators and projects on {connection.vendor}..."
        )
        self.stdout.flush()
        started = time.perf_counter()
        build.build(scale, log=lambda message: self._progress(started, message))
        timings["build_seconds"] = round(time.perf_counter() - started, 1)
        self.stdout.write(f"Built in {timings['build_seconds']} s.")

    def _progress(self, started: float, message: str) -> None:
        """One line of build progress, shown at once even when the output goes to a log file."""
        self.stdout.write(f"  {time.perf_counter() - started:6.1f} s  {message}")
        self.stdout.flush()

    def _print_table(self, reached: dict[str, int], results: list, out: str) -> None:
        """The scale reached and one line per page, with PASS or FAIL against the targets."""
        self.stdout.write("")
        self.stdout.write("Scale: " + ", ".join(f"{key} {value:,}" for key, value in reached.items()))
        self.stdout.write(
            f"Database: {connection.vendor}. Targets: p95 under {timing.P95_TARGET_MS} ms, "
            f"at most {timing.BYTES_TARGET // 1024} KB of HTML."
        )
        self.stdout.write(f"{'page':<22} {'status':>6} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'bytes':>8}  result")
        for r in results:
            verdict = self.style.SUCCESS("PASS") if r.passed else self.style.ERROR("FAIL")
            self.stdout.write(
                f"{r.name:<22} {r.status:>6} {r.p50_ms:>8.1f} {r.p95_ms:>8.1f} {r.queries:>8} {r.bytes:>8}  {verdict}"
            )
        self.stdout.write(f"Written to {out}.")
