"""`manage.py restore PATH`: load a backup archive into an empty database and empty uploads folders.

Every checksum is verified before anything is loaded; `--verify` stops there (the monthly drill's
first step, safe on a live site)."""

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from home.backup import PASSPHRASE_VARIABLE, BackupError, backup_restore, backup_verify


class Command(BaseCommand):
    """Verify a backup archive, and unless --verify, restore it into an empty site."""

    help = "Restore a backup archive into an empty database and media folder (LMS_BACKUP_PASSPHRASE if encrypted)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The archive written by manage.py backup.")
        parser.add_argument("--verify", action="store_true", help="Only check the passphrase and every checksum.")
        parser.add_argument("--database", default="default", help="The database alias to restore into.")

    def handle(self, *args, path, verify=False, database="default", **options):
        passphrase = os.environ.get(PASSPHRASE_VARIABLE) or None
        started = timezone.now()
        try:
            if verify:
                manifest = backup_verify(Path(path), passphrase=passphrase)
            else:
                manifest = backup_restore(Path(path), passphrase=passphrase, using=database)
        except BackupError as error:
            raise CommandError(str(error)) from None
        seconds = (timezone.now() - started).total_seconds()
        rows, files = sum(manifest["tables"].values()), len(manifest["members"]) - 1
        done = "Verified" if verify else "Restored"
        self.stdout.write(
            f"{done} {path}, made {manifest['created_at']} on {manifest['engine']}: {len(manifest['tables'])} tables, "
            f"{rows:,} rows, {files:,} uploaded files, every checksum matching, in {seconds:.1f} s."
        )
