"""`manage.py backup [PATH]`: one archive of the database and the uploaded files, encrypted when
LMS_BACKUP_PASSPHRASE is set. Run it from cron or a systemd timer (README, "Backups")."""

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from home.backup import PASSPHRASE_VARIABLE, BackupError, backup_create


class Command(BaseCommand):
    """Write a backup archive (and its .sha256 checksum file) and say what it holds."""

    help = "Back up the database and the uploaded files into one archive (encrypted when LMS_BACKUP_PASSPHRASE is set)."

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            help="The archive to write. Default: backups/lms-YYYYMMDD-HHMMSS.tar (.tar.enc when encrypted).",
        )
        parser.add_argument("--database", default="default", help="The database alias to back up.")

    def handle(self, *args, path=None, database="default", **options):
        passphrase = os.environ.get(PASSPHRASE_VARIABLE) or None
        if path is None:
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
            path = Path("backups") / f"lms-{stamp}.tar{'.enc' if passphrase else ''}"
        path = Path(path)
        if path.exists():
            raise CommandError(f"{path} already exists: choose another name.")
        started = timezone.now()
        try:
            manifest = backup_create(path, passphrase=passphrase, using=database)
        except BackupError as error:
            raise CommandError(str(error)) from None
        rows = sum(manifest["tables"].values())
        files = len(manifest["members"]) - 1
        seconds = (timezone.now() - started).total_seconds()
        self.stdout.write(
            f"Wrote {path} ({path.stat().st_size:,} bytes, {'encrypted' if passphrase else 'NOT encrypted'}): "
            f"{len(manifest['tables'])} tables, {rows:,} rows, {files:,} uploaded files, in {seconds:.1f} s."
        )
