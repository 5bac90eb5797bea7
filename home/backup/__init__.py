"""Backup and restore of the whole site: the database and the uploaded files, in one checked archive.

`manage.py backup` and `manage.py restore` (home/management/commands) are thin shells around
`backup_create` and `backup_restore`; the archive itself is described in `home.backup.archive`.
"""

import tempfile
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connections

from home.backup import tables
from home.backup.archive import (
    PASSPHRASE_VARIABLE,
    BackupError,
    applied_migrations,
    archive_extract,
    archive_write,
    file_roots,
    files_in_place,
    folders_holding_files,
)

__all__ = ["PASSPHRASE_VARIABLE", "BackupError", "backup_create", "backup_restore", "backup_verify"]


def backup_create(path: Path, *, passphrase: str | None = None, using: str = "default") -> dict:
    """Write a backup of the database and the uploaded files to `path`; return its manifest."""
    return archive_write(Path(path), passphrase=passphrase, using=using)


def backup_verify(path: Path, *, passphrase: str | None = None) -> dict:
    """Check an archive (passphrase and every checksum) without loading anything; return its manifest."""
    with tempfile.TemporaryDirectory(prefix="lms-verify-") as staging:
        return archive_extract(Path(path), Path(staging), passphrase=passphrase)


def _refuse_unless_empty(using: str) -> None:
    connection = connections[using]
    user_table = get_user_model()._meta.db_table
    if user_table in connection.introspection.table_names() and get_user_model()._default_manager.using(using).exists():
        raise BackupError(
            "The database already holds user accounts. Restore only into a new, empty database "
            "(create it, point DATABASE_URL at it, then run restore again)."
        )
    full = folders_holding_files()
    if full:
        raise BackupError(
            f"The uploads folder {full[0]} already holds files. Restore only into an empty folder "
            "(DJANGO_MEDIA_ROOT), so that two sites' files are never mixed."
        )


def _refuse_other_versions(manifest: dict, using: str) -> None:
    theirs = {tuple(pair) for pair in manifest["migrations"]}
    ours = {tuple(pair) for pair in applied_migrations(using)}
    if theirs - ours:
        first = sorted(theirs - ours)[0]
        raise BackupError(
            f"This backup was made by a newer version of the software (migration {first[0]}.{first[1]} is "
            "unknown here): install that version, restore, then upgrade."
        )
    if ours - theirs:
        first = sorted(ours - theirs)[0]
        raise BackupError(
            f"This backup was made by an older version of the software (it lacks migration {first[0]}.{first[1]}): "
            "install that version, restore, then upgrade with manage.py migrate."
        )


def backup_restore(path: Path, *, passphrase: str | None = None, using: str = "default") -> dict:
    """Load an archive into an empty database and empty uploads folders; return its manifest.

    Refuses (BackupError, nothing changed) a database that holds user accounts, a folder that holds files,
    a wrong passphrase, a changed or damaged archive, or one made by another version of the software.
    The database is migrated first, so a newly created empty one is enough; the search index and the indicator
    summaries are rebuilt last.
    """
    _refuse_unless_empty(using)
    with tempfile.TemporaryDirectory(prefix="lms-restore-") as staging:
        staging = Path(staging)
        manifest = archive_extract(Path(path), staging, passphrase=passphrase)
        if (staging / "private").exists() and "private" not in file_roots():
            raise BackupError("The archive holds private uploads but LMS_PRIVATE_MEDIA_ROOT is not set.")
        call_command("migrate", database=using, interactive=False, verbosity=0)
        _refuse_other_versions(manifest, using)
        try:
            tables.load_database(staging / "data.jsonl.gz", expected=manifest["tables"], using=using)
        except tables.RowsDiffer as error:
            raise BackupError(f"The rows loaded differ from the manifest's ({error}): nothing was loaded.") from None
        files_in_place(staging)
    call_command("update_index", verbosity=0)
    # The indicator summaries are derived from the records, so they are not in the archive: compute them.
    call_command("rebuild_summaries", verbosity=0)
    return manifest
