"""Backup and restore: the drill (back up, restore into a fresh database and uploads folder, and every table's
rows and every file's checksum are identical), encryption, and the refusals that keep a restore safe.

The drill restores in a separate process (`manage.py restore`, as an administrator would), into a new
database of the engine the suite runs on; on PostgreSQL it also restores the same archive into SQLite,
since the archive does not depend on the engine.
"""

import hashlib
import json
import os
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection
from wagtail.documents.models import Document

from home.backup import tables
from home.backup.crypto import MAGIC
from learners.models import Learner
from tests import factories

ROOT = Path(__file__).resolve().parent.parent.parent
PASSPHRASE = "correct horse battery staple"


def file_checksums(root: Path) -> dict[str, str]:
    """SHA-256 of every file under a folder, by its path inside it."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def manage(*args: str, database_url: str, media: Path, passphrase: str = "") -> str:
    """Run manage.py in a process of its own against another database and uploads folder; return its output."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.dev",
        "DATABASE_URL": database_url,
        "DJANGO_MEDIA_ROOT": str(media),
        "DJANGO_PRIVATE_MEDIA_ROOT": str(private_of(media)),
        "LMS_BACKUP_PASSPHRASE": passphrase,
    }
    done = subprocess.run(  # noqa: S603 - our own manage.py, with arguments from this test
        [sys.executable, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def private_of(media: Path) -> Path:
    """The private uploads folder (project photos) that goes with an uploads folder in these tests."""
    return media.parent / f"{media.name}-private"


def restored_counts(database_url: str, media: Path) -> dict[str, int]:
    """Rows per table of the restored database, counted by the restored site itself."""
    out = manage(
        "shell",
        "-c",
        "import json; from home.backup.tables import table_row_counts; print(json.dumps(table_row_counts()))",
        database_url=database_url,
        media=media,
    )
    return json.loads(out.strip().splitlines()[-1])


@pytest.fixture
def media(settings, tmp_path):
    """An uploads folder of this test's own."""
    settings.MEDIA_ROOT = str(tmp_path / "media-source")
    settings.LMS_PRIVATE_MEDIA_ROOT = private_of(Path(settings.MEDIA_ROOT))
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def world(db, media):
    """A small site: staff of every role, a published curriculum, a centre whose group held a session,
    a promoted peer educator, and an uploaded document in a folder of its own."""
    users = factories.role_users()
    facilitator = users["facilitator"]
    curriculum = factories.published_curriculum(editor=users["editor"], reviewer=users["reviewer"])
    centre = factories.centre_with_staff(name="Quetta drop-in", code="QTA", staff=[facilitator])
    members = factories.group_with_members(
        centre=centre,
        name="Morning",
        facilitator=facilitator,
        modules=[curriculum["module"]],
        first_names=["Ali", "Bilal", "Karim"],
        acting_user=facilitator,
    )
    factories.held_session(
        group=members["group"], lesson=curriculum["lessons"][0], day=factories.days_ago(3), acting_user=facilitator
    )
    training, lessons = factories.topic_module(
        "Peer educator training",
        ["Leading a group"],
        topic="peer-education",
        editor=users["editor"],
        reviewer=users["reviewer"],
    )
    factories.promoted_peer(centre=centre, facilitator=facilitator, module=training, lessons=lessons)
    Document.objects.create(title="Body safety handout", file=ContentFile(os.urandom(5000), name="handout.pdf"))
    (media / "extra" / "nested").mkdir(parents=True)
    (media / "extra" / "nested" / "notes.txt").write_text("ترجمہ\n", encoding="utf-8")
    (private_of(media) / "activity-photos").mkdir(parents=True)
    (private_of(media) / "activity-photos" / "a1b2.jpg").write_bytes(os.urandom(3000))
    return users


def backup(path: Path, monkeypatch, passphrase: str = "") -> str:
    """Run manage.py backup in this process, with or without a passphrase; return its output."""
    monkeypatch.setenv("LMS_BACKUP_PASSPHRASE", passphrase)
    out = []
    call_command("backup", str(path), stdout=type("Out", (), {"write": lambda self, s: out.append(s)})())
    return "".join(out)


def postgres_database(name: str):
    """Create (and afterwards drop) a database beside the test database; return its URL."""
    import psycopg

    s = connection.settings_dict
    params = {"host": s["HOST"], "port": s["PORT"], "user": s["USER"], "password": s["PASSWORD"], "autocommit": True}
    with psycopg.connect(dbname="postgres", **params) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST']}:{s['PORT']}/{name}"

    def drop():
        with psycopg.connect(dbname="postgres", **params) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return url, drop


def drill(
    archive: Path, database_url: str, target_media: Path, source_media: Path, source_counts, source_files
) -> None:
    """Restore the archive into a fresh database and folder: every table's rows and every file are identical."""
    out = manage("restore", str(archive), database_url=database_url, media=target_media, passphrase=PASSPHRASE)
    assert "every checksum matching" in out
    assert restored_counts(database_url, target_media) == source_counts
    assert file_checksums(target_media) == source_files
    assert file_checksums(private_of(target_media)) == file_checksums(private_of(source_media))


@pytest.mark.django_db
def test_restore_drill_gives_back_every_row_and_file(world, media, tmp_path, monkeypatch):
    archive = tmp_path / "backups" / "lms.tar.enc"
    backup(archive, monkeypatch, passphrase=PASSPHRASE)
    source_counts, source_files = tables.table_row_counts(), file_checksums(media)
    assert source_counts["learners_learner"] == 4 and len(source_files) == 2
    assert source_counts["django_content_type"] > 0 and source_counts["auth_permission"] > 0

    if connection.vendor == "postgresql":
        url, drop = postgres_database(f"lms_backup_drill_{uuid.uuid4().hex[:8]}")
        try:
            drill(archive, url, tmp_path / "media-pg", media, source_counts, source_files)
        finally:
            drop()
    # On PostgreSQL this is the other engine: the same archive loads into SQLite.
    sqlite_url = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    drill(archive, sqlite_url, tmp_path / "media-sqlite", media, source_counts, source_files)


@pytest.mark.django_db
def test_an_encrypted_archive_reveals_nothing_and_needs_its_passphrase(world, tmp_path, monkeypatch):
    archive = tmp_path / "lms.tar.enc"
    output = backup(archive, monkeypatch, passphrase=PASSPHRASE)
    assert "encrypted" in output and "NOT encrypted" not in output
    content = archive.read_bytes()
    assert content.startswith(MAGIC) and not tarfile.is_tarfile(archive)
    assert b"Bilal" not in content and b"learners_learner" not in content

    monkeypatch.setenv("LMS_BACKUP_PASSPHRASE", "")
    with pytest.raises(CommandError, match="encrypted: set LMS_BACKUP_PASSPHRASE"):
        call_command("restore", str(archive), "--verify")
    monkeypatch.setenv("LMS_BACKUP_PASSPHRASE", "wrong horse")
    with pytest.raises(CommandError, match="passphrase is wrong"):
        call_command("restore", str(archive), "--verify")
    monkeypatch.setenv("LMS_BACKUP_PASSPHRASE", PASSPHRASE)
    call_command("restore", str(archive), "--verify")


@pytest.mark.django_db
def test_an_encrypted_archive_cut_short_is_refused(world, tmp_path, monkeypatch):
    archive = tmp_path / "lms.tar.enc"
    backup(archive, monkeypatch, passphrase=PASSPHRASE)
    archive.write_bytes(archive.read_bytes()[:-100])
    Path(f"{archive}.sha256").unlink()
    with pytest.raises(CommandError, match="cut short|changed"):
        call_command("restore", str(archive), "--verify")


def tamper(archive: Path, member_name: str) -> None:
    """Change one byte in the middle of one member of a plain archive."""
    with tarfile.open(archive) as tar:
        member = tar.getmember(member_name)
    data = bytearray(archive.read_bytes())
    data[member.offset_data + member.size // 2] ^= 0xFF
    archive.write_bytes(bytes(data))


@pytest.mark.django_db
@pytest.mark.parametrize("member", ["data.jsonl.gz", "media/extra/nested/notes.txt"])
def test_a_changed_archive_is_refused_before_anything_is_loaded(world, tmp_path, monkeypatch, member):
    archive = tmp_path / "lms.tar"
    output = backup(archive, monkeypatch)
    assert "NOT encrypted" in output
    call_command("restore", str(archive), "--verify")
    tamper(archive, member)
    with pytest.raises(CommandError, match="does not match its checksum file"):
        call_command("restore", str(archive), "--verify")
    Path(f"{archive}.sha256").unlink()  # without the checksum file, the manifest's checksums still catch it
    with pytest.raises(CommandError, match=f"{member} does not match its checksum"):
        call_command("restore", str(archive), "--verify")


@pytest.mark.django_db
def test_restore_refuses_a_database_that_holds_accounts_and_changes_nothing(world, tmp_path, monkeypatch):
    archive = tmp_path / "lms.tar"
    backup(archive, monkeypatch)
    Learner.objects.filter(first_name="Ali").update(first_name="Changed since")
    with pytest.raises(CommandError, match="already holds user accounts"):
        call_command("restore", str(archive))
    assert Learner.objects.filter(first_name="Changed since").exists()


@pytest.mark.django_db
def test_restore_refuses_an_uploads_folder_that_holds_files(media, tmp_path, monkeypatch):
    archive = tmp_path / "lms.tar"
    backup(archive, monkeypatch)  # a site without accounts: only what the migrations wrote
    (media / "images").mkdir(parents=True)
    (media / "images" / "kept.png").write_bytes(b"not ours to replace")
    with pytest.raises(CommandError, match="already holds files"):
        call_command("restore", str(archive))
    assert (media / "images" / "kept.png").read_bytes() == b"not ours to replace"


def test_backups_are_command_only():
    """No page of the site (the admin included) offers a backup or a restore: only manage.py does."""
    from django.urls import URLPattern, URLResolver, get_resolver

    def routes(patterns, prefix=""):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                yield from routes(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                yield route, pattern.name or ""

    found = [(r, n) for r, n in routes(get_resolver().url_patterns) if "backup" in r + n or "restore" in r + n]
    assert found == []


def test_every_table_the_summaries_write_is_left_out_of_a_backup():
    """A summary table backed up would be restored and then rebuilt over: the drill's counts would differ."""
    from django.db import models

    from reports import summaries

    written = {
        value._meta.db_table
        for value in vars(summaries).values()
        if isinstance(value, type) and issubclass(value, models.Model) and value._meta.app_label == "reports"
    }
    assert {"reports_selfprotectionpresence", "reports_completionsummary"} <= written
    assert written <= tables.summary_tables()
    assert not written & {m._meta.db_table for m in tables.backed_up_models()}
